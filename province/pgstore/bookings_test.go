package pgstore_test

import (
	"context"
	"errors"
	"testing"

	"motcua/province/pgstore"
)

// The hub's processes sign with one key: a second key is refused.
func TestClaimKey(t *testing.T) {
	db := open(t)
	ctx := context.Background()
	if err := db.ClaimKey(ctx, "booking", "key-a"); err != nil {
		t.Fatal(err)
	}
	if err := db.ClaimKey(ctx, "booking", "key-a"); err != nil {
		t.Fatalf("the same key again: %v", err)
	}
	var km *pgstore.KeyMismatchError
	if err := db.ClaimKey(ctx, "booking", "key-b"); !errors.As(err, &km) || km.Name != "booking" {
		t.Fatalf("another key: %v", err)
	}
	if err := db.ClaimKey(ctx, "other", "key-b"); err != nil {
		t.Fatalf("another name: %v", err)
	}
}
