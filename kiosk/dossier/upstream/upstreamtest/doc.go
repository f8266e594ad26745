// Package upstreamtest holds fake main one-stop systems for tests: IGate,
// an iGate v2-style system (a Keycloak-like OAuth2 token endpoint issuing
// client-credentials tokens that expire by an injected clock, and a REST
// lookup that refuses expired tokens with 401), and TraCuuHoSo, a
// national-portal style system (login, then a POST lookup). Each can be
// made slow, answer garbage or fail, and counts what it was asked.
//
// Serve a fake's Handler with net/http/httptest or, inside a
// testing/synctest bubble, with internal/httppipe.
//
// Concurrency: a fake is safe for concurrent use.
package upstreamtest
