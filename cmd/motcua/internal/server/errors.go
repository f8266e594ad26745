package server

import (
	"errors"
	"log/slog"
	"net/http"

	"github.com/gin-gonic/gin"

	"motcua/queue"
)

// apiError is an error with its HTTP status, code and Vietnamese message.
type apiError struct {
	Status  int
	Code    string
	Message string
}

func (e *apiError) Error() string { return e.Code + ": " + e.Message }

func newError(status int, code, msg string) *apiError {
	return &apiError{Status: status, Code: code, Message: msg}
}

// Errors of the request itself.
var (
	errBadJSON      = newError(http.StatusBadRequest, "malformed_json", "Dữ liệu gửi lên không phải JSON hợp lệ.")
	errTooLarge     = newError(http.StatusBadRequest, "body_too_large", "Dữ liệu gửi lên quá lớn (tối đa 64 KiB).")
	errUnauthorized = newError(http.StatusUnauthorized, "unauthorized", "Cần đăng nhập để làm việc này.")
	errBadLogin     = newError(http.StatusUnauthorized, "bad_credentials", "Sai tên đăng nhập hoặc mật khẩu.")
	errForbidden    = newError(http.StatusForbidden, "forbidden", "Tài khoản này không được làm việc tại quầy này.")
)

// engineErrors maps the engine's errors to the contract.
var engineErrors = []struct {
	err error
	api *apiError
}{
	{queue.ErrQueueEmpty, newError(http.StatusNotFound, "queue_empty", "Không còn ai đang chờ.")},
	{queue.ErrUnknownService, newError(http.StatusUnprocessableEntity, "unknown_service", "Lĩnh vực này không có ở trung tâm.")},
	{queue.ErrUnknownCounter, newError(http.StatusNotFound, "unknown_counter", "Không có quầy này.")},
	{queue.ErrServiceClosed, newError(http.StatusConflict, "service_closed", "Lĩnh vực này hiện ngoài giờ tiếp nhận.")},
	{queue.ErrDailyCapReached, newError(http.StatusConflict, "daily_cap_reached", "Đã hết số của lĩnh vực này trong hôm nay.")},
	{queue.ErrNoCurrent, newError(http.StatusConflict, "no_current_ticket", "Quầy chưa gọi số nào.")},
	{queue.ErrNotFound, newError(http.StatusNotFound, "ticket_not_found", "Không tìm thấy số thứ tự này.")},
	{queue.ErrNotWaiting, newError(http.StatusConflict, "ticket_not_waiting", "Số này không còn trong hàng chờ.")},
	{queue.ErrSameService, newError(http.StatusConflict, "same_service", "Số này đã ở lĩnh vực đó.")},
	{queue.ErrBadState, newError(http.StatusConflict, "bad_state", "Không thể làm việc này ở trạng thái hiện tại của số.")},
	{queue.ErrBadRating, newError(http.StatusBadRequest, "bad_rating", "Mức đánh giá phải là 1, 2 hoặc 3.")},
}

var errInternal = newError(http.StatusInternalServerError, "internal", "Hệ thống gặp lỗi, xin thử lại.")

// fail answers c with err as the contract's JSON and logs it: client errors
// at debug level, server errors at error level.
func (s *Server) fail(c *gin.Context, err error) {
	api := errInternal
	var ae *apiError
	if errors.As(err, &ae) {
		api = ae
	} else {
		for _, m := range engineErrors {
			if errors.Is(err, m.err) {
				api = m.api
				break
			}
		}
	}
	level := slog.LevelDebug
	if api.Status >= 500 {
		level = slog.LevelError
	}
	s.log.Log(c.Request.Context(), level, "request failed", "method", c.Request.Method,
		"path", c.FullPath(), "status", api.Status, "code", api.Code, "err", err)
	c.AbortWithStatusJSON(api.Status, gin.H{"error": gin.H{"code": api.Code, "message": api.Message}})
}
