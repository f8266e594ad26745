package lookup

import (
	"errors"
	"fmt"
	"math"
	"net/http"
	"time"

	"motcua/internal/msg"
	"motcua/kiosk/dossier"
)

// The errors of a lookup; ToAPI turns each into its HTTP status and API code.
var (
	// ErrInvalidCode: the code does not match the configured pattern (400 invalid_code).
	ErrInvalidCode = errors.New("dossier code does not match the pattern")
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

// APIError is how the HTTP layer answers an error of this package:
// Status with {"error":{"code":Code,"message":Message}}, and a Retry-After
// header of RetryAfter seconds when it is not zero.
type APIError struct {
	Status     int
	Code       string
	Message    string // Vietnamese, for the citizen at the kiosk
	RetryAfter int    // seconds
}

// ToAPI maps an error of Resolve, Lookup or DecodeImage to its API answer;
// an error of no known kind is a 500 "internal".
func ToAPI(err error) APIError {
	switch {
	case errors.Is(err, ErrInvalidCode):
		return apiError(http.StatusBadRequest, msg.InvalidCode, 0)
	case errors.Is(err, ErrNotFound):
		return apiError(http.StatusNotFound, msg.DossierNotFound, 0)
	case errors.Is(err, ErrRateLimited):
		retry := 1
		var rl *RateLimitError
		if errors.As(err, &rl) {
			retry = int(math.Ceil(rl.RetryAfter.Seconds()))
			retry = max(retry, 1)
		}
		return apiError(http.StatusTooManyRequests, msg.RateLimited, retry)
	case errors.Is(err, ErrNotOurReceipt):
		return apiError(http.StatusUnprocessableEntity, msg.NotOurReceipt, 0)
	case errors.Is(err, ErrBadSignature):
		return apiError(http.StatusUnprocessableEntity, msg.BadSignature, 0)
	case errors.Is(err, ErrImageTooLarge):
		return apiError(http.StatusRequestEntityTooLarge, msg.ImageTooLarge, 0)
	case errors.Is(err, ErrBadImage):
		return apiError(http.StatusBadRequest, msg.InvalidImage, 0)
	case errors.Is(err, ErrNoCode):
		return apiError(http.StatusUnprocessableEntity, msg.NoCodeFound, 0)
	case errors.Is(err, ErrUnavailable):
		return apiError(http.StatusServiceUnavailable, msg.UpstreamUnavailable, 0)
	}
	return apiError(http.StatusInternalServerError, msg.Internal, 0)
}

func apiError(status int, id msg.ID, retry int) APIError {
	return APIError{Status: status, Code: id.Code(), Message: id.VI(), RetryAfter: retry}
}
