// Package fleet is the province hub's application: the hub.Store the link
// writes through (PostgreSQL, pgstore), the HTTP API of docs/province.md and
// the fleet pages for the province's staff (Vietnamese, like a center's).
//
// A Fleet holds nothing another hub process would need: sessions are signed
// with the province's shared secret, every figure comes from PostgreSQL.
// Its handlers are safe for concurrent use.
package fleet
