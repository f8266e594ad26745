// Package server is the HTTP face of motcua (gin): the JSON API of
// shared/spec/api.md over the queue engine, staff sessions, /healthz and
// /metrics. Handlers are thin: decode strictly, call the engine, answer; one
// function turns every error into the contract's JSON and logs it.
//
// A Server is safe for concurrent use. It starts no goroutine of its own; the
// metrics collector reads the engine when scraped.
package server
