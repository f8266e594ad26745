// Package hub is the province's side of the link with its centers: it
// creates the JetStream stream the centers' event frames go to, stores each
// frame through a Store (PostgreSQL in production, idempotent on the
// center and seq) before acknowledging it, keeps each center's status, and
// answers a center's sync request with what was published for it. Each
// center's frames are stored in the order they came, by a worker of its
// own, so a center sending a backlog never holds up the others' live frames.
//
// Any number of hub processes may run against one NATS cluster and one
// store: they share one durable consumer and one queue group, and none holds
// in memory anything another needs. A Hub is run by Run until its context
// ends; Notify may be called from any goroutine.
package hub
