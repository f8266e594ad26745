package database

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// The layout of a SQLite WAL file (https://sqlite.org/fileformat2.html#walformat).
const (
	walHeaderSize      = 32
	walFrameHeaderSize = 24
	walMagicLE         = 0x377f0682
	walMagicBE         = 0x377f0683
)

// checkWAL reads path's -wal, if any, the way SQLite will: frame by frame
// while each checksum holds. SQLite stops at the first frame that fails and
// silently drops every one after it. A torn write from a power cut can only
// break the last transaction (synchronous=FULL syncs each commit), so a
// failing frame followed by two or more commits of the same WAL (same salts)
// is damage that would lose committed transactions: checkWAL refuses it.
func checkWAL(path string) error {
	f, err := os.Open(path + "-wal")
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("database: %s-wal: %w", path, err)
	}
	defer f.Close()
	var hdr [walHeaderSize]byte
	if _, err := io.ReadFull(f, hdr[:]); err != nil {
		return nil // empty or shorter than a header: SQLite ignores it, nothing was committed in it
	}
	var order binary.ByteOrder
	switch binary.BigEndian.Uint32(hdr[0:]) {
	case walMagicLE:
		order = binary.LittleEndian
	case walMagicBE:
		order = binary.BigEndian
	default:
		return walDamaged(path, "its header is not a WAL header")
	}
	pageSize := int(binary.BigEndian.Uint32(hdr[8:]))
	if pageSize == 1 {
		pageSize = 65536
	}
	if pageSize < 512 || pageSize > 65536 || pageSize&(pageSize-1) != 0 {
		return walDamaged(path, "its header names no valid page size")
	}
	// A header failing its checksum makes SQLite ignore the whole file:
	// every frame after it counts as dropped.
	s0, s1 := walChecksum(order, hdr[:24], 0, 0)
	headerOK := s0 == binary.BigEndian.Uint32(hdr[24:]) && s1 == binary.BigEndian.Uint32(hdr[28:])
	salt1, salt2 := binary.BigEndian.Uint32(hdr[16:]), binary.BigEndian.Uint32(hdr[20:])
	frame := make([]byte, walFrameHeaderSize+pageSize)
	broken, lostCommits := 0, 0
	for n := 1; ; n++ {
		if _, err := io.ReadFull(f, frame); err != nil {
			break // the end, or a last frame cut short
		}
		if binary.BigEndian.Uint32(frame[8:]) != salt1 || binary.BigEndian.Uint32(frame[12:]) != salt2 {
			if broken == 0 {
				break // a frame of an earlier generation of the WAL: the end of this one
			}
			continue
		}
		if broken == 0 && headerOK {
			c0, c1 := walChecksum(order, frame[:8], s0, s1)
			c0, c1 = walChecksum(order, frame[walFrameHeaderSize:], c0, c1)
			if c0 == binary.BigEndian.Uint32(frame[16:]) && c1 == binary.BigEndian.Uint32(frame[20:]) {
				s0, s1 = c0, c1
				continue
			}
		}
		if broken == 0 {
			broken = n
		}
		if binary.BigEndian.Uint32(frame[4:]) != 0 { // a commit frame
			lostCommits++
		}
	}
	if lostCommits >= 2 {
		return walDamaged(path, fmt.Sprintf("frame %d fails its checksum and %d committed transactions after it would be lost", broken, lostCommits))
	}
	return nil
}

// walChecksum is SQLite's WAL checksum of b (a multiple of 8 bytes) from s0, s1.
func walChecksum(order binary.ByteOrder, b []byte, s0, s1 uint32) (uint32, uint32) {
	for i := 0; i+8 <= len(b); i += 8 {
		s0 += order.Uint32(b[i:]) + s1
		s1 += order.Uint32(b[i+4:]) + s0
	}
	return s0, s1
}

func walDamaged(path, what string) error {
	return fmt.Errorf("%w: %s-wal is damaged (%s): "+
		"stop, copy the data directory aside, restore %s from the backup, or start once with --reset-database to begin an empty database (numbers start again at 1)",
		ErrDamaged, path, what, filepath.Base(path))
}
