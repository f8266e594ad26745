package upstream

import (
	"fmt"
	"os"
	"strings"
)

// ReadSecretFiles reads the files PasswordFile, TokenFile and
// ClientSecretFile name (when set) into Password, Token and ClientSecret,
// trimmed, so the secrets stay out of the config file. On a failure it
// returns the key of the file that could not be read ("password_file", …).
func (a *Auth) ReadSecretFiles() (key string, err error) {
	for _, f := range []struct {
		key, name string
		dst       *string
	}{
		{"password_file", a.PasswordFile, &a.Password},
		{"token_file", a.TokenFile, &a.Token},
		{"client_secret_file", a.ClientSecretFile, &a.ClientSecret},
	} {
		if f.name == "" {
			continue
		}
		b, err := os.ReadFile(f.name)
		if err != nil {
			return f.key, fmt.Errorf("upstream: %w", err)
		}
		*f.dst = strings.TrimSpace(string(b))
	}
	return "", nil
}
