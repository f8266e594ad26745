package identity_test

import (
	"fmt"

	"motcua/internal/identity"
)

func ExampleHasher_Read() {
	h, _ := identity.New([]byte("the province's identity secret, 32+ bytes"))
	scanned, _ := h.Read("001099012345|123456789|Nguyễn Văn An|15081999|Nam|Hà Nội|20042021")
	typed, _ := h.Read("001 099 012 345")
	fmt.Println(scanned == typed, len(scanned))
	// Output: true 64
}
