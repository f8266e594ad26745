package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"syscall"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"motcua/internal/database"
	"motcua/internal/msg"
	"motcua/kiosk/claim"
	"motcua/kiosk/dossier/registry"
	"motcua/kiosk/lookup"
	"motcua/kiosk/notify"
	"motcua/kiosk/printing"
	"motcua/queue"
)

// failed answers err as a handler would and returns the response.
func failed(t *testing.T, err error) (*httptest.ResponseRecorder, map[string]any) {
	t.Helper()
	s := &Server{loc: time.FixedZone("ICT", 7*3600), log: slog.New(slog.DiscardHandler)}
	s.errors = s.errorTable()
	gin.SetMode(gin.ReleaseMode)
	rec := httptest.NewRecorder()
	c, _ := gin.CreateTestContext(rec)
	c.Request = httptest.NewRequest("GET", "/", nil)
	s.fail(c, err)
	var body struct {
		Error map[string]any `json:"error"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
		t.Fatalf("%v: %v", err, rec.Body.String())
	}
	return rec, body.Error
}

// The one table keeps every status and code of the contract (api.md), wrapped
// or not, with the catalogue's message.
func TestErrorTable(t *testing.T) {
	since := time.Date(2026, 11, 21, 1, 5, 0, 0, time.UTC) // 08:05 in the center
	for _, tc := range []struct {
		err    error
		status int
		code   string
		text   string // the message; "" for the catalogue's message of the code
	}{
		{errMalformedJSON, 400, "malformed_json", ""},
		{fmt.Errorf("%w: %w", errMalformedJSON, errors.New("unexpected EOF")), 400, "malformed_json", ""},
		{errTrailingJSON, 400, "malformed_json", msg.MalformedJSONMore.VI()},
		{errBodyTooLarge, 400, "body_too_large", ""},
		{errFileTooLarge, 413, "body_too_large", msg.FileTooLarge.VI()},
		{invalid(msg.FieldType, "sets"), 400, "invalid_field", `Trường "sets" sai kiểu dữ liệu.`},
		{invalid(msg.UnknownField, `"x"`), 400, "unknown_field", `Trường không được hỗ trợ: "x".`},
		{invalid(msg.FieldCopies, ""), 400, "invalid_field", "copies: in 1 hoặc 2 liên."},
		{errRouteNotFound, 404, "not_found", msg.RouteNotFound.VI()},
		{errMethodNotAllowed, 405, "method_not_allowed", ""},
		{fmt.Errorf("queue: commit: %w", database.Classify(fmt.Errorf("write: %w", syscall.ENOSPC))), 503, "storage_unavailable", ""},
		{errMissingService, 400, "missing_service", ""},
		{errMissingTransfer, 400, "missing_service", msg.MissingTransferTo.VI()},
		{errMissingTicket, 400, "missing_ticket", ""},
		{errNoSuchKiosk, 404, "unknown_kiosk", ""},
		{errDeviceUnpaired, 401, "device_unpaired", ""},
		{errBadPairToken, 401, "device_unpaired", msg.BadPairToken.VI()},
		{&wrongKioskError{kiosk: "k1"}, 403, "forbidden", "Thiết bị này là kiosk k1: không cấp số thay cho kiosk khác."},
		{&wrongTabletError{counter: "2"}, 403, "forbidden", "Máy đánh giá này thuộc quầy 2: không đánh giá thay cho quầy khác."},
		{&tooFastError{who: "kiosk k1", wait: 1500 * time.Millisecond}, 429, "rate_limited", msg.TicketRateLimited.VI()},
		{errNothingToRate, 404, "nothing_to_rate", ""},
		{fmt.Errorf("wrapped: %w", notify.ErrBadPhone), 400, "invalid_field", msg.ContactPhone.VI()},
		{notify.ErrBadEmail, 400, "invalid_field", msg.ContactEmail.VI()},
		{notify.ErrNoContact, 400, "missing_contact", ""},
		{errNoConsent, 400, "missing_consent", ""},
		{notify.ErrDisabled, 409, "notify_off", ""},
		{notify.ErrNotWaiting, 409, "ticket_not_waiting", ""},
		{errInvalidDate, 400, "invalid_date", ""},
		{errInvalidRange, 400, "invalid_range", ""},
		{errInvalidFormat, 400, "invalid_format", ""},
		{errUnauthorized, 401, "unauthorized", ""},
		{errBadLogin, 401, "bad_credentials", ""},
		{errForbidden, 403, "forbidden", ""},
		{errSystemOnly, 403, "forbidden", msg.SystemOnly.VI()},
		{errAdminOnly, 403, "admin_only", ""},
		{queue.ErrQueueEmpty, 404, "queue_empty", ""},
		{fmt.Errorf("queue: counter 3: %w", queue.ErrQueueEmpty), 404, "queue_empty", ""},
		{queue.ErrUnknownService, 422, "unknown_service", ""},
		{queue.ErrUnknownCounter, 404, "unknown_counter", ""},
		{queue.ErrServiceClosed, 409, "service_closed", ""},
		{queue.ErrDailyCapReached, 409, "daily_cap_reached", ""},
		{queue.ErrNoCurrent, 409, "no_current_ticket", ""},
		{queue.ErrNotFound, 404, "ticket_not_found", ""},
		{queue.ErrNotWaiting, 409, "ticket_not_waiting", ""},
		{queue.ErrSameService, 409, "same_service", ""},
		{queue.ErrBadState, 409, "bad_state", ""},
		{queue.ErrBadRating, 400, "bad_rating", ""},
		{&claim.InUseError{Counter: "3"}, 409, "counter_not_open", ""},
		{&claim.InUseError{Counter: "3", User: "canbo1", Since: since}, 409, "counter_in_use",
			"Quầy 3 đang được mở ở máy khác (tài khoản canbo1, từ 08:05)."},
		{fmt.Errorf("claim: %w", &claim.TakenOverError{Counter: "3", By: "quantri", At: since}), 409, "counter_taken_over",
			"Quầy 3 đã được tài khoản quantri tiếp quản lúc 08:05. Máy này không còn giữ quầy."},
		{fmt.Errorf("lookup: %w", lookup.ErrInvalidCode), 400, "invalid_code", ""},
		{lookup.ErrNotFound, 404, "not_found", ""},
		{&lookup.RateLimitError{RetryAfter: 9500 * time.Millisecond}, 429, "rate_limited", ""},
		{lookup.ErrNotOurReceipt, 422, "not_our_receipt", ""},
		{lookup.ErrBadSignature, 422, "bad_signature", ""},
		{lookup.ErrImageTooLarge, 413, "image_too_large", ""},
		{lookup.ErrBadImage, 400, "invalid_image", ""},
		{lookup.ErrNoCode, 422, "no_code_found", ""},
		{lookup.ErrUnavailable, 503, "upstream_unavailable", ""},
		{fmt.Errorf("registry: line 2: %w", registry.ErrInvalid), 400, "invalid_dossier", ""},
		{&registry.ImportError{More: 2}, 400, "invalid_import", ""},
		{printing.ErrNoPrinter, 422, "no_printer", ""},
		{fmt.Errorf("%w: %q", printing.ErrUnknownPrinter, "x"), 422, "unknown_printer", ""},
		{errors.New("disk on fire"), 500, "internal", ""},
		{panicked("boom"), 500, "internal", ""},
	} {
		rec, body := failed(t, tc.err)
		want := tc.text
		if want == "" {
			want = msg.ID(tc.code).VI()
		}
		if rec.Code != tc.status || body["code"] != tc.code || body["message"] != want {
			t.Errorf("%v: %d %v, want %d %s %q", tc.err, rec.Code, body, tc.status, tc.code, want)
		}
	}
}

// Kinds with details add them to the answer.
func TestErrorTableDetails(t *testing.T) {
	rec, _ := failed(t, fmt.Errorf("lookup: %w", &lookup.RateLimitError{RetryAfter: 9500 * time.Millisecond}))
	if got := rec.Header().Get("Retry-After"); got != "10" {
		t.Errorf("Retry-After %q, want 10", got)
	}
	if rec, _ := failed(t, lookup.ErrRateLimited); rec.Header().Get("Retry-After") != "1" {
		t.Errorf("a bare rate limit: Retry-After %q, want 1", rec.Header().Get("Retry-After"))
	}
	_, body := failed(t, &registry.ImportError{Lines: []registry.LineError{{Line: 3}}, More: 4})
	if lines, _ := body["lines"].([]any); len(lines) != 1 || body["more"] != float64(4) {
		t.Errorf("import error body %v", body)
	}
	if rec, _ := failed(t, queue.ErrQueueEmpty); rec.Header().Get("Retry-After") != "" || rec.Header().Get("Content-Type") != "application/json; charset=utf-8" {
		t.Errorf("headers %v", rec.Header())
	}
}
