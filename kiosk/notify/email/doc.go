// Package email sends notifications by e-mail over SMTP (net/smtp):
// STARTTLS when the server offers it (required before a password is sent,
// except to a server on the loopback), PLAIN authentication when a username
// is set, a UTF-8 text/plain message in quoted-printable with a Vietnamese
// subject per kind. The Message-ID carries the outbox key.
//
// SMTP replies map to notify failures: 550, 551, 553 (no such mailbox,
// address refused) are the recipient's; 530, 534, 535 (authentication) and
// 554 are the channel's; any 4xx, a timeout or a broken connection is
// temporary.
//
// A Channel is safe for concurrent use: each Send is one SMTP session.
package email
