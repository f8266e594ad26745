// Package pgtest gives each test a new, empty PostgreSQL database, so the
// hub's store is tested against the real thing.
//
// URL picks a server once per test binary:
//   - $MOTCUA_PG_URL when it is set (a failure to reach it fails the test;
//     there is no fallback);
//   - else postgres://postgres@127.0.0.1:5432/postgres when it answers;
//   - else, or when MOTCUA_PG_PRIVATE=1, a private cluster
//     (internal/pgcluster: initdb and postgres in a temporary directory,
//     a unix socket only, fsync off).
//
// On that server each URL is a database motcua_t_<random>, created for the
// test and dropped (WITH (FORCE)) when it ends.
//
// The private cluster dies with the test binary however that ends (see
// pgcluster); Main, called from TestMain, also stops it cleanly and removes
// its directory.
//
// The server of the test binary is the package's one piece of shared state,
// guarded by a mutex: URL is safe for parallel tests.
package pgtest
