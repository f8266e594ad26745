// Package outbox keeps the messages a notify.Notifier decides in the
// center's SQLite database (component "notify") and sends them through the
// center's channels in their fallback order.
//
// Durability: a message is stored in the transaction that decides it, so
// what was decided survives a crash or kill -9; Decide and AddContact return
// once it is committed (synchronous=FULL, database.Open). Each message has a
// unique key (one per kind per ticket, one per status per dossier): deciding
// it again stores nothing. A message is marked "sending" before the request
// leaves and "sent" once the provider accepted it; a crash in between leaves
// it "sending", and Sender.Run sends it again on restart with the same key.
// So a message is never lost and is sent twice only if the crash fell after
// the provider accepted it and before the commit: Zalo ZNS does not
// deduplicate (the key travels as tracking_id for reconciliation), an SMS
// gateway that takes a request id (smsgw Opts) refuses the second copy,
// which counts as sent.
//
// Delivery: failures are classified by the channel (notify.SendError):
// a recipient the channel cannot reach or a channel that cannot send
// (template not approved, quota) falls back to the next channel; a timeout
// or 5xx is retried on the same channel with exponential backoff up to
// MaxAttempts; a provider's rate limit pauses that channel. Each channel has
// its own token bucket (Rate). Messages that are not Live wait out the quiet
// hours; a message whose Expires has passed, or that the Notifier no longer
// finds timely (the citizen was already called), is dropped, not sent.
//
// Privacy: phone numbers and addresses live only in the contacts table,
// deleted when the contact expires (its retention); they are never logged:
// the logs name messages by key and channels by name.
//
// Concurrency: a Store is safe for concurrent use. Sender.Run owns the
// dispatcher and its workers; all stop when its context ends.
package outbox
