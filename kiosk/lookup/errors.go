package lookup

import (
	"errors"
	"fmt"
	"math"
	"net/http"
	"time"

	"motcua/kiosk/dossier"
)

// The errors of a lookup; ToAPI turns each into its HTTP status and API code.
var (
	// ErrInvalidCode: the code does not match the configured pattern (400 invalid_code).
	ErrInvalidCode = errors.New("mã hồ sơ không đúng định dạng")
	// ErrNotFound: no dossier has the code (404 not_found).
	ErrNotFound = dossier.ErrNotFound
	// ErrUnavailable: the source did not answer in time (503 upstream_unavailable).
	ErrUnavailable = dossier.ErrUnavailable
	// ErrRateLimited: the kiosk looks up too fast (429 rate_limited); the
	// error is a *RateLimitError carrying when to retry.
	ErrRateLimited = errors.New("tra cứu quá nhanh")
	// ErrNotOurReceipt: the payload is neither a dossier code nor one of our
	// URLs (422 not_our_receipt).
	ErrNotOurReceipt = errors.New("mã này không phải biên nhận của trung tâm")
	// ErrBadSignature: our receipt URL with a forged, altered or missing
	// signature (422 bad_signature).
	ErrBadSignature = errors.New("chữ ký không hợp lệ")
	// ErrBadImage: the camera frame is not a PNG, JPEG or GIF image, or is
	// too large in pixels (400 invalid_image).
	ErrBadImage = errors.New("ảnh không đọc được")
	// ErrImageTooLarge: the camera frame has more bytes than allowed (413 image_too_large).
	ErrImageTooLarge = errors.New("ảnh quá lớn")
	// ErrNoCode: no QR code or Code128 barcode in the frame (422 no_code_found).
	ErrNoCode = errors.New("không thấy mã vạch hoặc mã QR trong ảnh")
)

// RateLimitError is the error of a refused lookup; it wraps ErrRateLimited.
type RateLimitError struct {
	RetryAfter time.Duration
}

func (e *RateLimitError) Error() string {
	return fmt.Sprintf("lookup: %v, thử lại sau %v", ErrRateLimited, e.RetryAfter.Round(time.Second))
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
		return APIError{http.StatusBadRequest, "invalid_code", "Mã hồ sơ không đúng định dạng. Vui lòng kiểm tra lại mã trên giấy biên nhận.", 0}
	case errors.Is(err, ErrNotFound):
		return APIError{http.StatusNotFound, "not_found", "Không tìm thấy hồ sơ có mã này. Vui lòng hỏi cán bộ tại quầy.", 0}
	case errors.Is(err, ErrRateLimited):
		retry := 1
		var rl *RateLimitError
		if errors.As(err, &rl) {
			retry = int(math.Ceil(rl.RetryAfter.Seconds()))
			retry = max(retry, 1)
		}
		return APIError{http.StatusTooManyRequests, "rate_limited", "Bạn tra cứu quá nhanh. Vui lòng chờ giây lát rồi thử lại.", retry}
	case errors.Is(err, ErrNotOurReceipt):
		return APIError{http.StatusUnprocessableEntity, "not_our_receipt", "Mã này không phải biên nhận của trung tâm.", 0}
	case errors.Is(err, ErrBadSignature):
		return APIError{http.StatusUnprocessableEntity, "bad_signature", "Chữ ký không hợp lệ: mã QR trên biên nhận có thể đã bị sửa. Vui lòng hỏi cán bộ tại quầy.", 0}
	case errors.Is(err, ErrImageTooLarge):
		return APIError{http.StatusRequestEntityTooLarge, "image_too_large", "Ảnh quá lớn.", 0}
	case errors.Is(err, ErrBadImage):
		return APIError{http.StatusBadRequest, "invalid_image", "Ảnh không đọc được (cần ảnh PNG hoặc JPEG).", 0}
	case errors.Is(err, ErrNoCode):
		return APIError{http.StatusUnprocessableEntity, "no_code_found", "Không thấy mã vạch hoặc mã QR trong ảnh. Vui lòng đưa biên nhận lại gần camera.", 0}
	case errors.Is(err, ErrUnavailable):
		return APIError{http.StatusServiceUnavailable, "upstream_unavailable", "Hệ thống tra cứu hồ sơ đang bận hoặc mất kết nối. Vui lòng thử lại sau ít phút.", 0}
	}
	return APIError{http.StatusInternalServerError, "internal", "Đã có lỗi, vui lòng thử lại.", 0}
}
