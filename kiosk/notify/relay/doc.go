// Package relay is the notify channel "hub": it hands a message to the
// center's province hub over the hub link (wire.NotifySubject), for a
// center that cannot reach Zalo or the SMS gateway itself. Listed last in
// the center's fallback order (channels: [zns, sms, hub]), it takes the
// messages while the center has no internet: the other channels answer
// notify.FailUnreachable and rest, and the hub sends through its own
// channels.
//
// The hub stores a message under (center, key) before it answers, so a
// message the hub accepted is the hub's to send and the center counts it as
// handed over ("sent" through "hub"); a request whose reply was lost is sent
// again with the same key and the hub keeps one.
//
// The center's queue can no longer withdraw a message once the hub has it
// (the citizen called before the hub sent "3 ahead"): a lobby message goes
// with an expiry at most Opts.LiveFor (10 min) away, after which the hub
// drops it rather than send it.
//
// Failures: the link down is notify.FailUnreachable (the channel rests);
// no answer within the request's time is FailTemporary (retried with the
// same key); a hub that refuses for good (no channel there, a bad request)
// is FailChannel; a hub whose store is down is FailTemporary.
//
// Privacy: the phone number travels to the hub in the request only; errors
// and logs name the message by key.
//
// Concurrency: a Channel is safe for concurrent use.
package relay
