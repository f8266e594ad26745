package wire

import (
	"errors"
	"strconv"
	"time"
	"unicode/utf8"

	"motcua/queue"
)

// appendFrame writes f as encoding/json would (the same fields, names,
// omissions and escaping), without reflection: a center encodes every event
// it sends, and encoding/json took a fifth of the center's CPU for each
// (BenchmarkShipRead in province/link). DecodeFrame reads it with
// encoding/json; TestFrameEncodingIsEncodingJSONs checks the bytes.
func appendFrame(b []byte, events []queue.Event) ([]byte, error) {
	b = append(b, `{"v":`...)
	b = strconv.AppendInt(b, FrameVersion, 10)
	b = append(b, `,"events":[`...)
	for i, e := range events {
		if i > 0 {
			b = append(b, ',')
		}
		var err error
		if b, err = appendEvent(b, e); err != nil {
			return nil, err
		}
	}
	return append(b, "]}"...), nil
}

func appendEvent(b []byte, e queue.Event) ([]byte, error) {
	b = append(b, `{"seq":`...)
	b = strconv.AppendUint(b, e.Seq, 10)
	b = append(b, `,"at":`...)
	b, err := appendTime(b, e.At)
	if err != nil {
		return nil, err
	}
	b = append(b, `,"type":`...)
	b = appendString(b, string(e.Type))
	if e.Ticket.ID != "" {
		if b, err = appendTicket(append(b, `,"ticket":`...), e.Ticket); err != nil {
			return nil, err
		}
	}
	b = appendOpt(b, `,"counter":`, e.Counter)
	b = appendOpt(b, `,"from":`, e.From)
	if e.Recall {
		b = append(b, `,"recall":true`...)
	}
	b = appendOpt(b, `,"day":`, e.Day)
	return append(b, '}'), nil
}

func appendTicket(b []byte, t queue.Ticket) ([]byte, error) {
	b = append(b, `{"id":`...)
	b = appendString(b, t.ID)
	b = appendString(append(b, `,"day":`...), t.Day)
	b = appendString(append(b, `,"origin":`...), t.Origin)
	b = strconv.AppendInt(append(b, `,"seq":`...), int64(t.Seq), 10)
	b = appendString(append(b, `,"number":`...), t.Number)
	b = appendString(append(b, `,"service":`...), t.Service)
	if t.Priority {
		b = append(b, `,"priority":true`...)
	}
	b = appendString(append(b, `,"state":`...), string(t.State))
	b = appendOpt(b, `,"kiosk":`, t.Kiosk)
	b = appendOpt(b, `,"counter":`, t.Counter)
	if t.Calls != 0 {
		b = strconv.AppendInt(append(b, `,"calls":`...), int64(t.Calls), 10)
	}
	var err error
	for _, tm := range []struct {
		key string
		at  time.Time
		opt bool
	}{{`,"issued_at":`, t.IssuedAt, false}, {`,"queued_at":`, t.QueuedAt, false},
		{`,"called_at":`, t.CalledAt, true}, {`,"started_at":`, t.StartedAt, true}, {`,"done_at":`, t.DoneAt, true}} {
		if tm.opt && tm.at.IsZero() {
			continue
		}
		if b, err = appendTime(append(b, tm.key...), tm.at); err != nil {
			return nil, err
		}
	}
	b = appendString(append(b, `,"print":`...), string(t.Print))
	if t.Rating != 0 {
		b = strconv.AppendInt(append(b, `,"rating":`...), int64(t.Rating), 10)
	}
	b = appendOpt(b, `,"person":`, t.Person)
	b = appendOpt(b, `,"booking":`, t.Booking)
	return append(b, '}'), nil
}

// appendOpt writes key and s unless s is empty (omitempty).
func appendOpt(b []byte, key, s string) []byte {
	if s == "" {
		return b
	}
	return appendString(append(b, key...), s)
}

// appendTime writes t as time.Time's MarshalJSON does.
func appendTime(b []byte, t time.Time) ([]byte, error) {
	if y := t.Year(); y < 0 || y > 9999 {
		return nil, errors.New("wire: time outside of years [0,9999]")
	}
	b = append(b, '"')
	b = t.AppendFormat(b, time.RFC3339Nano)
	return append(b, '"'), nil
}

const hex = "0123456789abcdef"

// appendString writes s as a JSON string the way encoding/json does: <, >
// and & escaped for HTML, invalid UTF-8 as U+FFFD, U+2028 and U+2029
// escaped.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '\\', '"':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
