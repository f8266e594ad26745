// Package notify decides what a citizen is told on the phone number or
// e-mail address they gave: the number taken (with its phone page), "N
// people ahead of you" once, "your number is called, go to counter 3", a
// no-show, a request to rate the visit, and the changes of a dossier's
// status ("result ready" among them).
//
// A Notifier follows the queue through its own queue.Board, the one
// projection every screen follows, so that the rule of who is ahead of whom
// lives in one place. It decides; it never sends. What it decides goes to an
// Outbox (package outbox keeps it durably in the center's SQLite and sends
// it through the Channels), at most one message of each kind per ticket
// (the message's Key), and a decision that became too late (the ticket
// called, cancelled, or dropped by a new day) drops the pending messages it
// made pointless. After a crash Run reconciles: each watched ticket is looked
// up and what is due and not yet decided is decided then, so a decision the
// crash interrupted is made, never twice.
//
// Channels are the providers behind one interface (Zalo ZNS, an SMS
// gateway, e-mail); a SendError says whether the recipient, the channel or
// the moment failed, which tells the outbox to fall back, pause or retry.
//
// Privacy: a phone number or an address is handed to the Outbox with its
// contact and nowhere else; the Notifier's logs and errors name tickets by
// number and contacts by key, never by what the citizen typed.
//
// Concurrency: a Notifier is safe for concurrent use. Publish never blocks
// (it is the engine's listener); Run owns the board and applies the events
// until its context ends.
package notify
