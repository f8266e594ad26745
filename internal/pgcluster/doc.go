// Package pgcluster runs a private PostgreSQL server: initdb and postgres
// (found in PATH or /usr/lib/postgresql/*/bin) in a new temporary
// directory, listening only on a unix socket in that directory, with fsync
// off. The tests' databases (internal/pgtest) take one when no server
// answers; the load generator (cmd/motcua-load --link --hub-apart) runs the
// hub's on a disk of its own, in memory, and on CPUs of its own.
//
// The server runs as a child of the process that started it with a
// parent-death signal (SIGQUIT, PostgreSQL's immediate shutdown), so it
// dies with that process however it ends: normally, by a test timeout's
// panic or by SIGKILL. Stop shuts it down cleanly and removes its
// directory; without Stop the directory is removed by the next cluster
// started in the same parent directory, once its owner is gone.
// PostgreSQL refuses to run as root: under root, initdb and postgres run as
// the user nobody (the process credentials set by os/exec, no su or sudo).
package pgcluster
