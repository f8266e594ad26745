package queue

import (
	"encoding/json"
	"unicode/utf8"
)

// DecodeRecord reads a TicketRecord from its JSON exactly as json.Unmarshal
// does. Records written by json.Marshal (no spaces, no escapes in the
// strings, integers) are read without reflection: a center reads one for
// each event its hub link sends, and json.Unmarshal was a third of that
// (BenchmarkShipRead in province/link); anything else goes to
// json.Unmarshal, whose answer and errors are then the answer.
func DecodeRecord(data []byte) (TicketRecord, error) {
	if r, ok := plainRecord(data); ok {
		return r, nil
	}
	var r TicketRecord
	err := json.Unmarshal(data, &r)
	return r, err
}

// plainRecord reads data when it is one flat object of TicketRecord's
// exact keys with plain values; ok is false for anything else.
func plainRecord(b []byte) (r TicketRecord, ok bool) {
	if len(b) < 2 || b[0] != '{' {
		return r, false
	}
	p := 1
	if b[p] == '}' {
		return r, len(b) == 2
	}
	for {
		var key string
		if key, p, ok = plainString(b, p); !ok || p >= len(b) || b[p] != ':' {
			return r, false
		}
		p++
		switch key {
		case "id", "day", "origin", "number", "service", "state", "kiosk", "counter", "print", "person", "category", "booking":
			var s string
			if s, p, ok = plainString(b, p); !ok {
				return r, false
			}
			*r.stringField(key) = s
		case "seq", "calls", "rating", "issued_at", "queued_at", "called_at", "started_at", "done_at":
			var n int64
			if n, p, ok = plainInt(b, p); !ok {
				return r, false
			}
			switch key {
			case "seq":
				r.Seq = int(n)
			case "calls":
				r.Calls = int(n)
			case "rating":
				r.Rating = int(n)
			default:
				*r.timeField(key) = n
			}
		case "priority":
			switch {
			case hasAt(b, p, "true"):
				r.Priority, p = true, p+4
			case hasAt(b, p, "false"):
				r.Priority, p = false, p+5
			default:
				return r, false
			}
		default:
			return r, false
		}
		if p >= len(b) {
			return r, false
		}
		switch b[p] {
		case ',':
			p++
		case '}':
			return r, p+1 == len(b)
		default:
			return r, false
		}
	}
}

func (r *TicketRecord) stringField(key string) *string {
	switch key {
	case "id":
		return &r.ID
	case "day":
		return &r.Day
	case "origin":
		return &r.Origin
	case "number":
		return &r.Number
	case "service":
		return &r.Service
	case "state":
		return &r.State
	case "kiosk":
		return &r.Kiosk
	case "counter":
		return &r.Counter
	case "person":
		return &r.Person
	case "category":
		return &r.Category
	case "booking":
		return &r.Booking
	}
	return &r.Print
}

func (r *TicketRecord) timeField(key string) *int64 {
	switch key {
	case "issued_at":
		return &r.IssuedAt
	case "queued_at":
		return &r.QueuedAt
	case "called_at":
		return &r.CalledAt
	case "started_at":
		return &r.StartedAt
	}
	return &r.DoneAt
}

func hasAt(b []byte, p int, word string) bool {
	return len(b)-p >= len(word) && string(b[p:p+len(word)]) == word
}

// plainString reads a string at b[p] with no escape, no control character
// and valid UTF-8, and returns it and the position after it.
func plainString(b []byte, p int) (string, int, bool) {
	if p >= len(b) || b[p] != '"' {
		return "", p, false
	}
	start := p + 1
	for i := start; i < len(b); i++ {
		switch c := b[i]; {
		case c == '"':
			if !utf8.Valid(b[start:i]) {
				return "", p, false
			}
			return string(b[start:i]), i + 1, true
		case c == '\\' || c < 0x20:
			return "", p, false
		}
	}
	return "", p, false
}

// plainInt reads an integer at b[p] as JSON writes one (an optional minus,
// no leading zero, at most 18 digits so it cannot overflow) and returns it
// and the position after it.
func plainInt(b []byte, p int) (int64, int, bool) {
	neg := p < len(b) && b[p] == '-'
	i := p
	if neg {
		i++
	}
	start := i
	var n int64
	for i < len(b) && b[i] >= '0' && b[i] <= '9' && i-start < 18 {
		n = n*10 + int64(b[i]-'0')
		i++
	}
	switch {
	case i == start, b[start] == '0' && i-start > 1, i < len(b) && (b[i] == '.' || b[i] == 'e' || b[i] == 'E' || (b[i] >= '0' && b[i] <= '9')):
		return 0, p, false
	}
	if neg {
		n = -n
	}
	return n, i, true
}
