// Package hubnotify sends, at the province hub, the messages its centers
// hand it (a center without internet whose notify channels list hub): Take
// answers a center's wire.NotifyRequest once the message is stored in the
// hub's PostgreSQL (pgstore's notify_messages, one per center and key), and
// Run sends the stored messages through the hub's own channels with the
// center's rules (outbox.Sender: fallback order, retries with backoff,
// rate limits, quiet hours, too late dropped).
//
// It lives beside the command because it joins the two sides the import
// rules keep apart: the province's store and a center's notify packages.
//
// Durability: a message the hub acknowledged is committed first, so a hub
// killed after its answer still sends it when it starts again. A message is
// claimed for Opts.Lease (1 min): one whose process was killed mid-send is
// due again once its lease ends, to any hub process, and sent again with the
// same key (Zalo ZNS does not deduplicate; an SMS gateway with a request id
// does). Several hub processes share the outbox: each claim is one UPDATE,
// so a message is sent by one of them, and a process starting does not take
// the messages another is sending.
//
// The hub's own messages go the same way: the confirmation codes of online
// bookings, and their reminders, which the booking's transaction stores
// with a not-before time (Decided wakes the sender for them) and which
// Opts.Timely drops unsent once the booking is cancelled or checked in.
//
// Concurrency: Take and Decided are safe for concurrent use; Run owns the
// sender until its context ends.
package hubnotify
