package queue

import (
	"context"
	"time"
)

// believable tells whether rollover may follow the clock's reading now. The
// first reading of a started engine is believed (a center off over the
// weekend starts Monday's day at once); then a step forward of more than MaxClockJump past the last believed reading is
// suspect: logged, and not followed until the clock has gone on from there
// for ClockSettle; keep then holds the tickets issued meanwhile, which stay
// waiting through the rollover. A reading back within
// MaxClockJump ends the suspicion. A stored day lying more than MaxClockJump
// ahead of the clock (believed earlier, or written by a wrong clock before a
// restart) is corrected to the clock's day in ch, numbering on. Caller holds
// e.mu.
func (e *Engine) believable(now time.Time, ch *Change) (keep map[string]bool, ok bool) {
	limit := e.opts.MaxClockJump
	if limit < 0 {
		return nil, true
	}
	switch {
	case e.seen.IsZero() || now.Sub(e.seen) <= limit:
		if !e.suspect.IsZero() {
			e.log.Warn("queue: the clock is back from its jump; the day was kept", "now", now, "jumped_to", e.suspect, "day", e.day)
			e.suspect, e.jumpTaken = time.Time{}, map[string]bool{}
		}
		e.seen = now
	case e.suspect.IsZero() || now.Before(e.suspect):
		e.suspect = now
		e.log.Error("queue: the clock jumped forward; keeping the day and every waiting ticket until it proves right (check NTP and the RTC)",
			"last", e.seen, "now", now, "jump", now.Sub(e.seen).Round(time.Second), "day", e.day, "believed_after", e.opts.ClockSettle)
		return nil, false
	case now.Sub(e.suspect) < e.opts.ClockSettle:
		return nil, false
	default:
		e.log.Warn("queue: the clock kept its jump; following it", "last", e.seen, "now", now, "since", e.suspect)
		keep, e.jumpTaken = e.jumpTaken, map[string]bool{}
		e.seen, e.suspect = now, time.Time{}
	}
	if e.day != "" && e.dayStart(e.day).Sub(now) > limit {
		e.correctDay(now, ch)
	}
	return keep, true
}

// opTime is the time an operation records: the clock's, or while the clock
// is suspect the last reading believed, so that tickets taken meanwhile keep
// their place in the queue and carry no date a year ahead. Caller holds e.mu.
func (e *Engine) opTime() time.Time {
	if !e.suspect.IsZero() {
		return e.seen
	}
	return e.clock.Now()
}

// correctDay moves a stored day that lies in the future back to the clock's
// day: nothing is cancelled, and the numbers go on after both the day's
// numbers already in the store and the open tickets, so no number is given
// twice. Caller holds e.mu.
func (e *Engine) correctDay(now time.Time, ch *Change) {
	today := e.localDay(now)
	issued := map[string]int{}
	for _, t := range e.byID {
		issued[t.Origin] = max(issued[t.Origin], t.Seq)
	}
	stored, err := e.opts.Store.Tickets(context.Background(), today, today)
	if err != nil {
		e.log.Error("queue: the stored day is in the future but today's tickets cannot be read; keeping it", "day", e.day, "now", now, "err", err)
		return
	}
	for _, t := range stored {
		issued[t.Origin] = max(issued[t.Origin], t.Seq)
	}
	e.log.Error("queue: the stored day lies in the future (the clock was wrong); back to the clock's day, numbering on",
		"stored_day", e.day, "now", now, "day", today)
	e.issued = issued
	byNumber := map[string]*Ticket{}
	e.persons = map[string][]*Ticket{}
	for _, t := range e.byID {
		byNumber[t.Number] = t
		e.takenBy(t)
	}
	e.byNumber = byNumber
	e.day = today
	ch.Day = today
}

// dayStart is local midnight starting day ("2006-01-02").
func (e *Engine) dayStart(day string) time.Time {
	t, err := time.ParseInLocation(time.DateOnly, day, e.loc)
	if err != nil {
		return time.Time{}
	}
	return t
}
