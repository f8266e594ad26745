package dossier_test

import (
	"fmt"

	"motcua/kiosk/dossier"
)

func ExampleMaskName() {
	fmt.Println(dossier.MaskName("Nguyễn Thị Hoa"))
	// Output: N*** T*** H***
}
