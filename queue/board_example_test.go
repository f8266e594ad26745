package queue_test

import (
	"context"
	"fmt"
	"time"

	"motcua/internal/clock/clocktest"
	"motcua/queue"
	"motcua/queue/queuetest"
)

// A board follows the engine: built from a snapshot, kept by the events.
// Each event says whose place changed, which is what a notifier needs to
// tell a citizen "2 people ahead" without asking for every ticket.
func ExampleBoard() {
	ctx := context.Background()
	clock := clocktest.New(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	e, err := queue.New(ctx, queue.Opts{
		Fields:   []queue.Field{{Code: "A", Name: "Hộ tịch"}},
		Counters: []queue.Counter{{ID: "1", Services: []string{"A"}}},
		Store:    queuetest.NewStore(), Clock: clock, Location: time.UTC,
	})
	if err != nil {
		panic(err)
	}
	events := make(chan queue.Event, 16)
	e.OnEvents(func(evs []queue.Event) {
		for _, ev := range evs {
			events <- ev
		}
	})
	ctx, stop := context.WithCancel(ctx)
	defer stop()
	go e.Run(ctx)
	if err := e.Tick(ctx); err != nil { // the first day begins
		panic(err)
	}
	board := queue.NewBoard(e.Snapshot())
	// next applies the next event after the board's seq (those up to the
	// snapshot's are in it already).
	next := func() queue.BoardChange {
		for {
			if ev := <-events; ev.Seq > board.Seq() {
				return board.Apply(ev)
			}
		}
	}

	mine, _ := e.Issue(ctx, queue.IssueRequest{Service: "A"})
	next()
	clock.Advance(time.Minute)
	e.Issue(ctx, queue.IssueRequest{Service: "A", Priority: true})
	ch := next()
	fmt.Println("ahead of", mine.Number+":", board.Moved(ch)[mine.ID])
	e.Next(ctx, "1")
	ch = next()
	fmt.Println("ahead of", mine.Number+":", board.Moved(ch)[mine.ID])
	c, _ := board.Counter("1")
	fmt.Println("counter 1 calls", c.Current.Number, "of field", c.Current.Service)
	// Output:
	// ahead of A001: 1
	// ahead of A001: 0
	// counter 1 calls A002 of field A
}
