package notify

import (
	"context"
	"errors"
	"fmt"
	"net"
	"time"
)

// Channel is one way to reach a citizen: Zalo ZNS, an SMS gateway, e-mail.
type Channel interface {
	// Name names the channel in the outbox, the metrics and the logs
	// ("zns", "sms", "email").
	Name() string
	// Send hands one message to the provider and returns once the provider
	// accepted or refused it, or ctx ended. An error is a *SendError, or is
	// taken as FailTemporary.
	Send(ctx context.Context, d Delivery) (Receipt, error)
}

// Delivery is a message with its recipient, as a channel sends it.
type Delivery struct {
	Key    string // Message.Key: the provider's client reference where it takes one
	Kind   Kind
	Phone  string // "84912345678", or empty
	Email  string // or empty
	Params map[string]string
	// Expires is Message.Expires: a relay (the hub) drops the message
	// rather than send it after it. Zero: never too late by time alone.
	Expires time.Time
}

// Receipt is what the provider answered to an accepted message.
type Receipt struct {
	ProviderID string // the provider's message id, for its delivery reports
}

// Failure says what a refused or failed send means for the message.
type Failure string

// Failures.
const (
	// FailRecipient: this channel cannot reach this recipient (no such
	// number, no Zalo account, no address): the next channel is tried.
	FailRecipient Failure = "recipient"
	// FailChannel: the channel cannot send this kind now or ever without
	// an operator (template not approved, quota used up, credentials
	// refused): the next channel is tried, and the channel paused for
	// SendError.RetryAfter when it is set.
	FailChannel Failure = "channel"
	// FailRateLimited: the provider asks to slow down; the channel pauses
	// for RetryAfter and the message goes to the next channel or waits.
	FailRateLimited Failure = "rate_limited"
	// FailUnreachable: the provider could not be reached at all (its name
	// did not resolve, the connection was refused or had no route: the
	// center has no internet), so no request left. The channel rests for
	// SendError.RetryAfter (default: the sender's) and the next channel is
	// tried at once: the hub, for a center whose channels list it.
	FailUnreachable Failure = "unreachable"
	// FailTemporary: a timeout, a 5xx, a network error: retried on the
	// same channel with backoff.
	FailTemporary Failure = "temporary"
	// FailDuplicate: the provider already has a message with this key
	// (a retry after a crash): counted as sent.
	FailDuplicate Failure = "duplicate"
)

// SendError is a refused or failed send.
type SendError struct {
	Channel    string
	Failure    Failure
	Code       string        // the provider's error code, when it gave one
	RetryAfter time.Duration // for FailRateLimited and FailChannel, when known
	Err        error
}

func (e *SendError) Error() string {
	s := fmt.Sprintf("notify: %s: %s", e.Channel, e.Failure)
	if e.Code != "" {
		s += " (code " + e.Code + ")"
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *SendError) Unwrap() error { return e.Err }

// FailureOf returns what err means for a message: its SendError's Failure,
// FailTemporary for any other error.
func FailureOf(err error) Failure {
	var se *SendError
	if errors.As(err, &se) {
		return se.Failure
	}
	return FailTemporary
}

// NetFailure classifies the error of an HTTP or SMTP request that got no
// answer: FailUnreachable when the connection was never made (a failed
// name lookup or dial: nothing left), FailTemporary otherwise (the request
// may have reached the provider).
func NetFailure(err error) Failure {
	var dns *net.DNSError
	var op *net.OpError
	if errors.As(err, &dns) || (errors.As(err, &op) && op.Op == "dial") {
		return FailUnreachable
	}
	return FailTemporary
}
