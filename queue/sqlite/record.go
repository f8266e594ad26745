package sqlite

import (
	"fmt"
)

// errSeqBack refuses an event numbered at or below the last committed one.
func errSeqBack(last uint64) error {
	return fmt.Errorf("sequence must be above the last committed event %d", last)
}
