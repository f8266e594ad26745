package main

import (
	"bufio"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"strings"

	"golang.org/x/crypto/bcrypt"
)

// hashPassword reads one line and prints its bcrypt hash, for the
// password_hash of a staff account.
func hashPassword(stdin io.Reader, stdout io.Writer) error {
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("hash-password: %w", err)
	}
	pw := strings.TrimRight(line, "\r\n")
	if len(pw) < 4 {
		return errors.New("hash-password: type a password of at least 4 characters, then Enter")
	}
	h, err := bcrypt.GenerateFromPassword([]byte(pw), bcrypt.DefaultCost)
	if err != nil {
		return fmt.Errorf("hash-password: %w", err)
	}
	fmt.Fprintln(stdout, string(h))
	return nil
}

// newSecret prints a new random secret for the config: 32 random bytes in
// unpadded base64url (43 characters), for session_secret, receipt_secrets,
// push_token and device tokens.
func newSecret(stdout io.Writer) error {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return fmt.Errorf("secret: %w", err)
	}
	fmt.Fprintln(stdout, base64.RawURLEncoding.EncodeToString(b))
	return nil
}
