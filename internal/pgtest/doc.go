// Package pgtest gives each test a new, empty PostgreSQL database, so the
// hub's store is tested against the real thing.
//
// URL picks a server once per test binary:
//   - $MOTCUA_PG_URL when it is set (a failure to reach it fails the test;
//     there is no fallback);
//   - else postgres://postgres@127.0.0.1:5432/postgres when it answers;
//   - else, or when MOTCUA_PG_PRIVATE=1, a private cluster started with
//     initdb and postgres (found in PATH or /usr/lib/postgresql/*/bin) in a
//     temporary directory, listening only on a unix socket in that
//     directory, with fsync off.
//
// On that server each URL is a database motcua_t_<random>, created for the
// test and dropped (WITH (FORCE)) when it ends.
//
// The private cluster runs as a child of the test binary with a parent-death
// signal (SIGQUIT, PostgreSQL's immediate shutdown), so it dies with the
// binary however that ends: normally, by a test timeout's panic or by
// SIGKILL. Main, called from TestMain, also stops it cleanly and removes its
// directory; without Main the directory is removed by the next private
// cluster started on the machine, once the binary that made it is gone.
// PostgreSQL refuses to run as root: under root, initdb and postgres run as
// the user nobody (the process credentials set by os/exec, no su or sudo).
//
// The server of the test binary is the package's one piece of shared state,
// guarded by a mutex: URL is safe for parallel tests.
package pgtest
