package database

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// crashCopy writes n transactions into a database and copies its files
// while it is open, as a crash would leave them: the commits are in the WAL.
func crashCopy(t *testing.T, n int) (path string, frame int) {
	t.Helper()
	src := filepath.Join(t.TempDir(), "motcua.db")
	db, err := Open(src)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`CREATE TABLE tickets (n INTEGER, pad TEXT)`); err != nil {
		t.Fatal(err)
	}
	for i := range n {
		if _, err := db.Exec(`INSERT INTO tickets VALUES (?, ?)`, i, strings.Repeat("x", 300)); err != nil {
			t.Fatal(err)
		}
	}
	path = filepath.Join(t.TempDir(), "motcua.db")
	for _, suffix := range []string{"", "-wal", MarkerSuffix} {
		b, err := os.ReadFile(src + suffix)
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(path+suffix, b, 0o600)
	}
	var pageSize int
	db.QueryRow(`PRAGMA page_size`).Scan(&pageSize)
	return path, walFrameHeaderSize + pageSize
}

func rows(t *testing.T, path string) (int, error) {
	t.Helper()
	db, err := Open(path)
	if err != nil {
		return 0, err
	}
	defer db.Close()
	var n int
	err = db.QueryRow(`SELECT COUNT(*) FROM tickets`).Scan(&n)
	return n, err
}

// A WAL whose middle is damaged would lose every commit after the damage
// without a word: Open refuses it. An intact WAL and one whose last frame a
// power cut tore open as before.
func TestOpenRefusesADamagedWAL(t *testing.T) {
	path, _ := crashCopy(t, 70)
	if n, err := rows(t, path); err != nil || n != 70 {
		t.Fatalf("intact WAL: %d rows, %v; want 70", n, err)
	}

	path, frame := crashCopy(t, 70)
	wal, _ := os.ReadFile(path + "-wal")
	if len(wal) < walHeaderSize+40*frame {
		t.Fatalf("WAL of %d bytes: too few frames", len(wal))
	}
	torn := wal[:len(wal)-frame/2]
	os.WriteFile(path+"-wal", torn, 0o600)
	if n, err := rows(t, path); err != nil || n < 69 {
		t.Fatalf("torn last frame: %d rows, %v; want the 69 or 70 committed before", n, err)
	}

	path, _ = crashCopy(t, 70)
	off := walHeaderSize + 10*frame + walFrameHeaderSize + 100 // inside the page of frame 11
	wal, _ = os.ReadFile(path + "-wal")
	for i := off; i < off+64; i++ {
		wal[i] ^= 0xff
	}
	os.WriteFile(path+"-wal", wal, 0o600)
	n, err := rows(t, path)
	if err == nil {
		t.Fatalf("damaged WAL opened with %d of 70 rows: the rest silently lost", n)
	}
	if !strings.Contains(err.Error(), "motcua.db-wal is damaged") || !strings.Contains(err.Error(), "backup") {
		t.Fatalf("refusal %q", err)
	}
}
