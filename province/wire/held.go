package wire

import "time"

// HeldSubject is where center asks the hub what a person holds today at the
// province's other centers, before its kiosk gives that person a number:
// the caps of one person hold across centers while the link is up.
func HeldSubject(center string) string { return "motcua.hub." + center + ".held" }

// HeldRequest is a center's question: the keyed hash of the person's ID
// number (never the number) and the center's day, "2006-01-02".
type HeldRequest struct {
	Person string `json:"person"`
	Day    string `json:"day"`
}

// HeldNumber is one number a person holds at another center: a walk-in
// ticket (Number) or an online booking not checked in (Number "", From its
// window's start).
type HeldNumber struct {
	Center     string    `json:"center"`
	CenterName string    `json:"center_name"`
	Field      string    `json:"field"`
	Number     string    `json:"number,omitempty"`
	From       time.Time `json:"from,omitzero"`
}

// HeldReply is the hub's answer: what the person holds that day at the
// other centers (the asking center's own are left out: it knows them
// better), in the order they were taken, or Error when the hub could not
// tell.
type HeldReply struct {
	Held  []HeldNumber `json:"held,omitempty"`
	Error string       `json:"error,omitempty"`
}
