package printing_test

import (
	"testing"

	"motcua/kiosk/printing"
	"motcua/queue"
)

// TestTicketJobNamesTheCategory: a priority ticket of a category prints
// the category's name.
func TestTicketJobNamesTheCategory(t *testing.T) {
	o := printing.Opts{Categories: map[string]string{"merit": "Người có công"}}
	j := printing.TicketJob(o, queue.TicketInfo{Ticket: queue.Ticket{Number: "A002", Priority: true, Category: "merit"}})
	if !j.Priority || j.PriorityCategory != "Người có công" {
		t.Fatalf("%+v", j)
	}
	if j := printing.TicketJob(o, queue.TicketInfo{Ticket: queue.Ticket{Number: "A003", Priority: true}}); j.PriorityCategory != "" {
		t.Fatalf("%+v", j)
	}
}

// TestTicketJobSaysOnline: a ticket checked in from an online booking
// prints as one; a walk-in does not.
func TestTicketJobSaysOnline(t *testing.T) {
	if j := printing.TicketJob(printing.Opts{}, queue.TicketInfo{Ticket: queue.Ticket{Number: "A004", Booking: "00000000000000b1"}}); !j.Online {
		t.Fatalf("checked in from a booking: %+v", j)
	}
	if j := printing.TicketJob(printing.Opts{}, queue.TicketInfo{Ticket: queue.Ticket{Number: "A005"}}); j.Online {
		t.Fatalf("a walk-in: %+v", j)
	}
}
