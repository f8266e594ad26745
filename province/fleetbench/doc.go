// Package fleetbench measures a province: 100 simulated centers, each a
// queue engine over its own SQLite database with its link, against one hub
// (embedded NATS, hub.Hub, pgstore on PostgreSQL). It holds benchmarks only
// (go test -run '^$' -bench Fleet ./province/fleetbench/), among them the
// prototype of the transport not chosen (docs/decisions/0002): a center
// running its own JetStream leaf node. Nothing here is in the binary.
package fleetbench
