// Package server is the HTTP face of motcua (gin): the JSON API of
// shared/spec/api.md over the queue engine, staff sessions, /healthz and
// /metrics. Handlers are thin: decode strictly, call the engine, answer. An
// error is a kind (a sentinel of the engine, of lookup, the registry, the
// claims or printing, or of the handlers' own checks) and never chooses its
// status: one table (errorTable) maps each kind to its status, code and
// message from the catalogue of package internal/msg, and fail answers it as
// the contract's JSON and logs it.
//
// A Server is safe for concurrent use. It starts no goroutine of its own; the
// metrics collector reads the engine when scraped.
package server
