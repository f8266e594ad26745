package server

import (
	"context"
	"testing"

	"motcua/queue"
)

func TestCancelIsScopedToTheClerksFields(t *testing.T) {
	h := "$2a$10$ro/Pw92.1olfWohn3jzozO6mNapWvVKP6v1kTo6DuGlNHgfxvgAXK"
	e := newEnv(t, `center: {name: X}
fields: [{code: A, name: Hộ tịch}, {code: B, name: Đất đai}]
counters: [{id: "1", services: [A]}, {id: "2", services: [B]}]
staff:
  - {username: canbo1, counters: ["1"], password_hash: "`+h+`"}
  - {username: quantri, role: admin, password_hash: "`+h+`"}
`)
	ctx := context.Background()
	a, err := e.engine.Issue(ctx, queue.IssueRequest{Service: "A"})
	if err != nil {
		t.Fatal(err)
	}
	b, err := e.engine.Issue(ctx, queue.IssueRequest{Service: "B"})
	if err != nil {
		t.Fatal(err)
	}
	clerk := e.login("canbo1")
	if code, r := e.do("POST", "/api/v1/tickets/"+b.ID+"/cancel", clerk, ""); code != 403 || errCode(r) != "forbidden" {
		t.Fatalf("canbo1 cancelling a ticket of B: %d %v", code, r)
	}
	if in, _ := e.engine.Ticket(ctx, b.ID); in.State != queue.Waiting {
		t.Fatalf("the refused cancel changed the ticket: %s", in.State)
	}
	if code, r := e.do("POST", "/api/v1/tickets/nope/cancel", clerk, ""); code != 404 || errCode(r) != "ticket_not_found" {
		t.Fatalf("an unknown ticket: %d %v", code, r)
	}
	if code, r := e.do("POST", "/api/v1/tickets/"+a.ID+"/cancel", clerk, ""); code != 200 || r["state"] != "cancelled" {
		t.Fatalf("canbo1 cancelling a ticket of A: %d %v", code, r)
	}
	admin := e.login("quantri")
	if code, r := e.do("POST", "/api/v1/tickets/"+b.ID+"/cancel", admin, ""); code != 200 || r["state"] != "cancelled" {
		t.Fatalf("the administrator cancelling a ticket of B: %d %v", code, r)
	}
}
