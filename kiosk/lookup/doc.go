// Package lookup answers a citizen who scans a receipt at a kiosk: it reads
// the scan payload (a bare dossier code, this center's signed receipt URL, or
// its ticket URL), rate-limits each kiosk, looks the dossier up in the
// configured dossier.Source, masks the applicant's name unless the scan was
// the receipt's signed QR, and returns what the HTTP layer serialises. It also
// decodes QR codes and Code128 barcodes in camera frames (DecodeImage) and
// signs the receipt URLs the printing code puts in the QR (Sign).
//
// The receipt URL is {public_base_url}{ReceiptPrefix}{code}?sig={sig}, sig
// being the first 16 bytes of HMAC-SHA256(secret, code) in unpadded
// base32, one case only: a keyboard-wedge scanner with CapsLock on types the
// whole URL in the other case, and it still verifies (paths, the parameter's
// name and the signature are matched in any case). Receipts printed before
// 2026-12 carry the same bytes in base64url and still verify as scanned. The
// secret is a key ring: the newest key signs, every key of
// ParserOpts (Secret, OldSecrets) verifies, so a key is rotated without
// breaking the receipts already printed. The ticket URL is
// {public_base_url}{TicketPrefix}{id}, the prefixes being those of the pages
// that serve them (/h/ and /t/). A URL is ours only on the public base URL's
// host, or without a host.
//
// Every error of the package is one of its sentinels (ErrInvalidCode,
// ErrNotFound, ErrRateLimited…), wrapped; the HTTP layer maps each kind to
// its status and API code in its one table of errors.
//
// Concurrency: Parser, RateLimiter and Service are safe for concurrent use;
// a Service answers within Opts.Timeout even if its source does not.
//
// Privacy: logs carry kiosk names, dossier codes and outcomes; never a name,
// and never a raw scan payload (a citizen may scan the QR of an ID card).
package lookup
