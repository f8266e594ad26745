package msg

import (
	"fmt"
	"time"
)

// Wait says an estimated wait in words, the one wording of the paper
// ticket, the API (estimated_wait_text) and the pages: whole minutes
// rounded up ("khoảng 2 phút" for 61 s), "dưới 1 phút" for none, hours
// from 60 minutes on.
func Wait(d time.Duration) Text {
	m := int((d + time.Minute - 1) / time.Minute)
	switch {
	case m <= 0:
		return Text{VI: "dưới 1 phút", EN: "under a minute"}
	case m < 60:
		return Text{VI: fmt.Sprintf("khoảng %d phút", m), EN: "about " + count(m, "minute")}
	case m%60 == 0:
		return Text{VI: fmt.Sprintf("khoảng %d giờ", m/60), EN: "about " + count(m/60, "hour")}
	}
	return Text{VI: fmt.Sprintf("khoảng %d giờ %d phút", m/60, m%60),
		EN: "about " + count(m/60, "hour") + " " + count(m%60, "minute")}
}

// Delay says how long someone must wait before trying again, in whole
// seconds (rounded up, at least 1) under a minute, else in whole minutes
// rounded up: "12 giây", "3 phút".
func Delay(d time.Duration) Text {
	sec := max(int((d+time.Second-1)/time.Second), 1)
	if sec < 60 {
		return Text{VI: fmt.Sprintf("%d giây", sec), EN: count(sec, "second")}
	}
	m := (sec + 59) / 60
	return Text{VI: fmt.Sprintf("%d phút", m), EN: count(m, "minute")}
}

// count is n and the English noun, plural unless n is 1.
func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
