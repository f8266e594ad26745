package wire

import "time"

// NotifySubject is where center hands the hub a message to send to a
// citizen, when the center cannot reach the providers itself (no internet:
// its notify channels list "hub").
func NotifySubject(center string) string { return "motcua.hub." + center + ".notify" }

// NotifyRequest is a message the center decided, with its recipient. The
// hub stores it under (center, Key) before it answers, so the center may
// send it again after a lost reply: the hub keeps one per key.
type NotifyRequest struct {
	Key     string            `json:"key"`  // the center's message key: one per kind per ticket
	Kind    string            `json:"kind"` // notify.Kind
	Phone   string            `json:"phone,omitempty"`
	Email   string            `json:"email,omitempty"`
	Params  map[string]string `json:"params,omitempty"`
	Expires time.Time         `json:"expires,omitzero"` // dropped, not sent, after it
	// Live messages (the queue's) are sent during the quiet hours.
	Live bool `json:"live,omitempty"`
}

// NotifyCount is how many of a sender's messages one channel has in one
// state: a center's in its Status, over the messages it keeps (30 days).
type NotifyCount struct {
	Channel string `json:"channel"` // "zns", "sms", "email", "hub" (handed to the hub); "" not tried yet
	State   string `json:"state"`   // "pending", "sending", "sent", "failed", "dropped"
	N       int    `json:"n"`
}

// NotifyReply is the hub's answer. Accepted: the message is stored at the
// hub (Duplicate: it was already), and the hub sends it; the center counts
// it as handed over. Otherwise Error says why, and Retry whether the same
// request may succeed later (the hub's store is down) or never will (a bad
// request, a center not enrolled, no channel at the hub).
type NotifyReply struct {
	Accepted  bool   `json:"accepted,omitempty"`
	Duplicate bool   `json:"duplicate,omitempty"`
	ID        string `json:"id,omitempty"` // the hub's id of the stored message
	Error     string `json:"error,omitempty"`
	Retry     bool   `json:"retry,omitempty"`
}
