package lookup

import (
	"errors"
	"fmt"
	"time"

	"motcua/kiosk/dossier"
)

// The errors of a lookup, each a kind the HTTP layer answers with its own
// status and code (in parentheses).
var (
	// ErrInvalidCode: the code matches none of the code shapes (400 invalid_code).
	ErrInvalidCode = dossier.ErrInvalidCode
	// ErrNotFound: no dossier has the code (404 not_found).
	ErrNotFound = dossier.ErrNotFound
	// ErrUnavailable: the source did not answer in time (503 upstream_unavailable).
	ErrUnavailable = dossier.ErrUnavailable
	// ErrRateLimited: the kiosk looks up too fast (429 rate_limited); the
	// error is a *RateLimitError carrying when to retry.
	ErrRateLimited = errors.New("looking up too fast")
	// ErrNotOurReceipt: the payload is neither a dossier code nor one of our
	// URLs (422 not_our_receipt).
	ErrNotOurReceipt = errors.New("not a receipt or ticket of this center")
	// ErrBadSignature: our receipt URL with a forged, altered or missing
	// signature (422 bad_signature).
	ErrBadSignature = errors.New("bad receipt signature")
	// ErrBadImage: the camera frame is not a PNG, JPEG or GIF image, or is
	// too large in pixels (400 invalid_image).
	ErrBadImage = errors.New("unreadable image")
	// ErrImageTooLarge: the camera frame has more bytes than allowed (413 image_too_large).
	ErrImageTooLarge = errors.New("image too large")
	// ErrNoCode: no QR code or Code128 barcode in the frame (422 no_code_found).
	ErrNoCode = errors.New("no barcode or QR code in the image")
)

// RateLimitError is the error of a refused lookup; it wraps ErrRateLimited.
type RateLimitError struct {
	RetryAfter time.Duration
}

func (e *RateLimitError) Error() string {
	return fmt.Sprintf("lookup: %v, retry after %v", ErrRateLimited, e.RetryAfter.Round(time.Second))
}

func (e *RateLimitError) Unwrap() error { return ErrRateLimited }
