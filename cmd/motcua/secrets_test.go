package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"motcua/cmd/motcua/internal/config"
)

const example = "../../configs/center.example.yaml"

func TestSecretCommand(t *testing.T) {
	seen := map[string]bool{}
	for range 3 {
		var out bytes.Buffer
		if err := run(context.Background(), []string{"secret"}, nil, &out, io.Discard); err != nil {
			t.Fatal(err)
		}
		s := strings.TrimSuffix(out.String(), "\n")
		b, err := base64.RawURLEncoding.DecodeString(s)
		if err != nil || len(b) != 32 || len(s) < config.MinSecret {
			t.Fatalf("secret %q: %d bytes, %v", s, len(b), err)
		}
		if seen[s] {
			t.Fatalf("secret %q twice", s)
		}
		seen[s] = true
	}
}

// fillSecrets does what the example's comments tell a technician: each line
// marked "# secret: motcua secret" gets the output of motcua secret (in the
// quotes, or in the file it names), each "# secret: motcua hash-password" a
// hash of a new password.
func fillSecrets(t *testing.T, yaml, dir string) string {
	t.Helper()
	quoted := regexp.MustCompile(`"[^"]*"`)
	fileValue := regexp.MustCompile(`^\s*[a-z_]+_file:\s*(\S+)`)
	lines := strings.Split(yaml, "\n")
	filled := 0
	for i, l := range lines {
		if strings.HasPrefix(strings.TrimSpace(l), "#") {
			continue
		}
		var out bytes.Buffer
		switch {
		case strings.Contains(l, "# secret: motcua hash-password"):
			if err := run(context.Background(), []string{"hash-password"}, strings.NewReader("mật khẩu riêng của trung tâm\n"), &out, io.Discard); err != nil {
				t.Fatal(err)
			}
		case strings.Contains(l, "# secret: motcua secret"):
			if err := run(context.Background(), []string{"secret"}, nil, &out, io.Discard); err != nil {
				t.Fatal(err)
			}
		default:
			continue
		}
		value := strings.TrimSpace(out.String())
		if m := fileValue.FindStringSubmatch(l); m != nil {
			if err := os.WriteFile(filepath.Join(dir, m[1]), []byte(value+"\n"), 0o600); err != nil {
				t.Fatal(err)
			}
		} else {
			lines[i] = quoted.ReplaceAllLiteralString(l, `"`+value+`"`)
		}
		filled++
	}
	if filled < 4 {
		t.Fatalf("only %d lines of the example are marked as secrets", filled)
	}
	return strings.Join(lines, "\n")
}

// The example center, copied and given its secrets the way its comments
// say, starts; as shipped, it is refused.
func TestExampleCenterStarts(t *testing.T) {
	shipped, err := os.ReadFile(example)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "center.yaml")
	if err := os.WriteFile(path, shipped, 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second) // a service that starts stops
	defer cancel()
	err = run(ctx, []string{"serve", "--config", path, "--data", filepath.Join(dir, "data0"), "--addr", "127.0.0.1:0"}, nil, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), path+":") || strings.Contains(err.Error(), "\n") {
		t.Fatalf("the example as shipped: %v", err)
	}

	if err := os.WriteFile(path, []byte(fillSecrets(t, string(shipped), dir)), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if errs := cfg.Unsafe(); len(errs) > 0 {
		t.Fatalf("the example with its secrets set: %v", errs[0])
	}
	c := startChild(t, "serve", "--config", path, "--addr", "127.0.0.1:0", "--data", filepath.Join(dir, "data"))
	defer c.kill()
	resp, err := http.Get(c.base + "/api/v1/queue")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("queue: %d", resp.StatusCode)
	}
}
