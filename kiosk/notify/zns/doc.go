// Package zns sends notifications as Zalo Notification Service messages:
// templates approved by Zalo, sent from the center's verified Official
// Account to a phone number.
//
// A message is POST https://business.openapi.zalo.me/message/template with
// the header access_token and the JSON body {phone, template_id,
// template_data, tracking_id}; Zalo answers {error, message, data: {msg_id,
// sent_time, quota}}, error 0 meaning accepted. The tracking_id is the
// outbox's message key: Zalo returns it in its delivery reports but does
// not refuse a second message with the same one.
//
// The OA access token lives 25 hours and is renewed before it expires
// (Opts.RefreshBefore) with POST https://oauth.zaloapp.com/v4/oa/access_token
// (header secret_key; form refresh_token, app_id, grant_type=refresh_token),
// which answers a new access token and a new refresh token: the old refresh
// token is spent. Both are stored (Secrets) before either is used, so a
// crash never leaves the center holding only a spent token. An answer
// "access token invalid" (-124) renews the token once and sends again: the
// message is not lost to a token that expired early.
//
// Errors (Zalo's ZNS error table) map to notify failures: an invalid phone
// (-108), a phone without Zalo (-118), an account that cannot receive ZNS
// (-119) or refuses it (-114) are the recipient's; a template id that is
// invalid (-109) or not usable by this OA (-117, which Zalo also answers for
// a template not approved), invalid template data (-112) and an exhausted
// quota (-115, paused for an hour) are the channel's; HTTP 429 and -32 are a
// rate limit; anything else, a timeout or a 5xx is temporary. Opts.Codes
// overrides or extends the table.
//
// A Channel is safe for concurrent use; one renewal runs at a time.
package zns
