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
// killed after its answer still sends it when it starts again; one killed
// mid-send sends it again with the same key (Zalo ZNS does not deduplicate;
// an SMS gateway with a request id does). Recover runs when Run starts: with
// several hub processes on one database, a process restarted while another
// sends may send that message twice.
//
// Concurrency: Take is safe for concurrent use; Run owns the sender until
// its context ends.
package hubnotify
