package printing

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"motcua/devices/spool"
	"motcua/queue"
)

type printStates map[string]queue.PrintState

func (p printStates) SetPrint(_ context.Context, id string, st queue.PrintState) (queue.Ticket, error) {
	p[id] = st
	return queue.Ticket{ID: id, Print: st}, nil
}

func (p printStates) PrintQueued() []queue.Ticket { return nil }

// A job the printer could not confirm leaves its ticket "sent", not
// "printed"; jobs still on their way change nothing.
func TestJobStatesReachTheTicket(t *testing.T) {
	s := &Service{log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	got := printStates{}
	for owner, st := range map[string]spool.State{"t1": spool.Printed, "t2": spool.Sent, "t3": spool.Failed,
		"t4": spool.Queued, "t5": spool.Printing} {
		s.apply(got, spool.Event{Owner: owner, Ref: owner, State: st})
	}
	want := printStates{"t1": queue.PrintPrinted, "t2": queue.PrintSent, "t3": queue.PrintFailed}
	if len(got) != len(want) {
		t.Fatalf("print states %v, want %v", got, want)
	}
	for id, st := range want {
		if got[id] != st {
			t.Errorf("%s: %q, want %q", id, got[id], st)
		}
	}
}
