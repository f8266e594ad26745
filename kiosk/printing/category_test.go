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
