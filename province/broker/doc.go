// Package broker runs the NATS server a hub embeds when the province has no
// NATS cluster of its own: JetStream on a local directory, one NKey user per
// center limited to that center's subjects (wire.CenterPermissions), and one
// for the hub with all of them.
//
// A Server is started by Start and stopped by Close (idempotent); SetCenters
// changes the users without a restart, so enrolling a center or removing one
// drops nobody else.
package broker
