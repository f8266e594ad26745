package database

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// filled makes a database at path holding enough rows to span many pages,
// and closes it.
func filled(t *testing.T, path string) {
	t.Helper()
	db, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`CREATE TABLE t (x TEXT); CREATE INDEX t_x ON t (x)`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 400)
		INSERT INTO t SELECT printf('%0200d', i) FROM n`); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestOpenRefusesALostOrDamagedDatabase(t *testing.T) {
	cases := []struct {
		name   string
		damage func(t *testing.T, path string)
		want   string // in the one line
	}{
		{"zero-length with its marker", func(t *testing.T, path string) {
			filled(t, path)
			if err := os.Truncate(path, 0); err != nil {
				t.Fatal(err)
			}
		}, "is empty"},
		{"zero-length with a wal left", func(t *testing.T, path string) {
			os.WriteFile(path, nil, 0o600)
			os.WriteFile(path+"-wal", []byte("left by a crash"), 0o600)
		}, "motcua.db-wal"},
		{"deleted with its marker", func(t *testing.T, path string) {
			filled(t, path)
			if err := os.Remove(path); err != nil {
				t.Fatal(err)
			}
		}, "is missing"},
		{"pages overwritten", func(t *testing.T, path string) {
			filled(t, path)
			b, err := os.ReadFile(path)
			if err != nil || len(b) < 8*4096 {
				t.Fatalf("db of %d bytes: %v", len(b), err)
			}
			for i := 2 * 4096; i < len(b)-4096; i++ { // keep page 1 (the header), garble the rest
				b[i] ^= 0x5a
			}
			if err := os.WriteFile(path, b, 0o600); err != nil {
				t.Fatal(err)
			}
		}, "integrity"},
		{"header overwritten", func(t *testing.T, path string) {
			filled(t, path)
			f, _ := os.OpenFile(path, os.O_WRONLY, 0)
			f.WriteAt([]byte("this is not sqlite at all"), 0)
			f.Close()
		}, "integrity"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "motcua.db")
			c.damage(t, path)
			before, _ := os.ReadFile(path)
			db, err := Open(path)
			if err == nil {
				db.Close()
				t.Fatal("opened: a lost or damaged database must stop the start")
			}
			if !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "backup") ||
				strings.Contains(err.Error(), "\n") {
				t.Fatalf("refusal %q: want one line with %q and what to do", err, c.want)
			}
			if after, _ := os.ReadFile(path); string(after) != string(before) {
				t.Fatal("the refused file was changed")
			}
		})
	}
}

func TestOpenStartsAFreshDirectoryAndResetsOnRequest(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "motcua.db")
	db, err := Open(path)
	if err != nil {
		t.Fatalf("fresh directory: %v", err)
	}
	db.Close()
	if _, err := os.Stat(path + MarkerSuffix); err != nil {
		t.Fatalf("no marker after the first start: %v", err)
	}
	if db, err = Open(path); err != nil {
		t.Fatalf("second start: %v", err)
	}
	db.Close()

	// Keys of an earlier start and no database: a loss.
	other := filepath.Join(t.TempDir(), "motcua.db")
	if _, err := OpenWith(other, Opts{Used: true}); !errors.Is(err, ErrLost) {
		t.Fatalf("used directory without its database: %v, want ErrLost", err)
	}

	os.Truncate(path, 0)
	if _, err := Open(path); !errors.Is(err, ErrLost) {
		t.Fatalf("emptied: %v, want ErrLost", err)
	}
	db, err = OpenWith(path, Opts{Reset: true})
	if err != nil {
		t.Fatalf("reset: %v", err)
	}
	db.Close()
	moved, _ := filepath.Glob(path + ".broken-*")
	if len(moved) != 1 {
		t.Fatalf("reset kept %v aside, want the emptied file", moved)
	}
}
