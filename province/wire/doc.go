// Package wire is what a center and its province hub say to each other over
// NATS: the subjects, the stream, and the JSON of each message. Both sides
// import it and nothing else of each other.
//
// Subjects (center ids are lower-case letters, digits, '-' and '_'):
//
//	motcua.up.<center>.events   center → JetStream stream MOTCUA_UP: a Frame of
//	                            committed events, in Seq order, message id
//	                            "<center>:<first>-<last>"
//	motcua.up.<center>.status   center → hub (core NATS, queue group): Status,
//	                            on change and every heartbeat
//	motcua.hub.<center>.sync    center → hub request, Bundle reply: the
//	                            configuration and accounts published for it,
//	                            the hub's key of online numbers (and those it
//	                            retired, with their last day) and the
//	                            center's online bookings
//	motcua.hub.<center>.dossier center → hub request, DossierReply reply: a
//	                            dossier looked up in the province's system
//	                            by the hub's one integration (cached there)
//	motcua.hub.<center>.notify  center → hub request, NotifyReply reply: a
//	                            message for a citizen the hub stores, then
//	                            sends through its own channels
//	motcua.hub.<center>.held    center → hub request, HeldReply reply: the
//	                            numbers a person (keyed hash) holds today at
//	                            the other centers, for the caps at its kiosk
//	motcua.down.<center>        hub → center: Notice that something was
//	                            published for it (it then asks with sync)
//	_INBOX_<center>.>           replies to that center only
//
// The hub takes a center's id from the subject, never from a payload, and
// the NATS server lets each center publish and subscribe on its own
// subjects only (Permissions), so no center can speak for another.
//
// Nothing here keeps state; every function is safe for concurrent use.
package wire
