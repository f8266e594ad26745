package main

import (
	"fmt"

	"motcua/cmd/motcua/internal/config"
	"motcua/internal/identity"
)

// identityHasher is the hasher of the config's identity secret; nil when it
// sets none (no field asks for the ID card then: config.Check).
func identityHasher(cfg *config.Config) (*identity.Hasher, error) {
	secret := cfg.Identity.IdentitySecret()
	if secret == "" {
		return nil, nil
	}
	h, err := identity.New([]byte(secret))
	if err != nil {
		return nil, fmt.Errorf("serve: identity.secret: %w", err)
	}
	return h, nil
}
