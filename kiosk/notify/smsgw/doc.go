// Package smsgw sends notifications as SMS through a telecom's or an
// aggregator's HTTP gateway (an SMS brandname). Every gateway differs, so
// nothing is hard-wired: the request (URL, method, JSON or form body whose
// values hold {phone}, {text}, {key} and {secret}), the authentication
// (none, bearer, basic) and the reading of the answer (the path of its
// result code, which values mean accepted, duplicate, a bad number, a
// channel problem or a rate limit, and the path of the message id) come
// from Opts, as YAML in the center's config; ESMS returns the Opts of one
// real gateway as an example.
//
// The text of each kind comes from Opts.Texts (notify.DefaultTexts by
// default); Opts.ASCII folds Vietnamese diacritics for gateways whose
// brandname templates are registered without them (one 160-character
// segment instead of 70).
//
// A gateway that takes a request id ({key}) and refuses a second one is
// the outbox's guard against a message sent twice after a crash: its
// duplicate answer counts as sent.
//
// A Channel is safe for concurrent use.
package smsgw
