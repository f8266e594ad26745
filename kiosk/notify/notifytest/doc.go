// Package notifytest has fakes for tests of notifications: Channel, a
// scripted notify.Channel that records what it was given; ZNS, an HTTP
// server answering like Zalo's ZNS and OAuth endpoints; SMS, an HTTP server
// answering like a telecom's SMS brandname gateway. Each can be told to
// succeed, refuse a phone number, report an expired token, rate-limit or
// hang until the client gives up.
//
// All are safe for concurrent use.
package notifytest
