package online

import (
	"cmp"
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"strings"
	"time"

	"motcua/internal/identity"
	"motcua/province/booking"
	"motcua/province/pgstore"
)

//go:embed static
var static embed.FS

// PagePath is the public booking page; APIPath starts its API.
const (
	PagePath = "/dat-so"
	APIPath  = "/api/v1/online/"
)

// maxBody bounds a request's body.
const maxBody = 4 << 10

// Handler serves the page and the API.
func (s *Service) Handler() http.Handler {
	mux := http.NewServeMux()
	files, _ := fs.Sub(static, "static")
	mux.HandleFunc("GET "+PagePath, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		http.ServeFileFS(w, r, files, "booking.html")
	})
	mux.Handle("GET "+PagePath+"/", http.StripPrefix(PagePath+"/", http.FileServerFS(files)))
	mux.HandleFunc("GET "+APIPath+"centers", s.centers)
	mux.HandleFunc("POST "+APIPath+"codes", s.codes)
	mux.HandleFunc("POST "+APIPath+"bookings", s.book)
	mux.HandleFunc("POST "+APIPath+"bookings/{id}/cancel", s.cancel)
	return securityHeaders(mux)
}

func securityHeaders(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Header().Set("Referrer-Policy", "no-referrer")
		w.Header().Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'")
		h.ServeHTTP(w, r)
	})
}

func (s *Service) centers(w http.ResponseWriter, r *http.Request) {
	list, err := s.Centers(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, list)
}

func (s *Service) codes(w http.ResponseWriter, r *http.Request) {
	if ok, wait := s.addrs.allow(s.o.ClientAddr(r)); !ok {
		w.Header().Set("Retry-After", fmt.Sprint(int(wait.Round(time.Second)/time.Second)+1))
		s.fail(w, r, errAddressThrottled)
		return
	}
	var req CodeRequest
	if err := decode(w, r, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	id, err := s.RequestCode(r.Context(), req)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"request": id, "expires_in_s": int(s.o.CodeTTL / time.Second)})
}

// BookedJSON is a booking as the API answers it.
type BookedJSON struct {
	ID         string `json:"id"`
	Center     string `json:"center"`
	CenterName string `json:"center_name"`
	Field      string `json:"field"`
	FieldName  string `json:"field_name"`
	Day        string `json:"day"`
	From       string `json:"from"`
	To         string `json:"to"`
	Code       string `json:"code"`
	QRSVG      string `json:"qr_svg"`
	// Notify: messages go to the phone the code confirmed; Reminder: one
	// of them is a reminder before the window.
	Notify   bool `json:"notify"`
	Reminder bool `json:"reminder"`
}

func (s *Service) book(w http.ResponseWriter, r *http.Request) {
	var req BookRequest
	if err := decode(w, r, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	b, err := s.Book(r.Context(), req)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	loc := cmpLoc(b.Offer.Location)
	writeJSON(w, http.StatusCreated, BookedJSON{ID: b.Token.ID, Center: b.Offer.Center, CenterName: b.Offer.Name,
		Field: b.Field.Code, FieldName: b.Field.Name, Day: b.Token.Day, From: b.Token.From.In(loc).Format("15:04"),
		To: b.Token.To.In(loc).Format("15:04"), Code: b.Code, QRSVG: string(b.QR), Notify: b.Notify, Reminder: b.Reminder})
}

type cancelJSON struct {
	Code string `json:"code"`
}

func (s *Service) cancel(w http.ResponseWriter, r *http.Request) {
	var req cancelJSON
	if err := decode(w, r, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.Cancel(r.Context(), r.PathValue("id"), req.Code); err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"state": pgstore.Cancelled})
}

var errBadJSON = errors.New("online: the request is not the expected JSON")

func decode(w http.ResponseWriter, r *http.Request, v any) error {
	d := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBody))
	d.DisallowUnknownFields()
	if err := d.Decode(v); err != nil {
		return errBadJSON
	}
	if _, err := d.Token(); !errors.Is(err, io.EOF) {
		return errBadJSON
	}
	return nil
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// answer is how one kind of error is answered: status, code, message.
type answer struct {
	status int
	code   string
	vi     string
}

var answers = []struct {
	err error
	answer
}{
	{errBadJSON, answer{400, "malformed_json", "Yêu cầu không đúng định dạng. Xin tải lại trang và thử lại."}},
	{ErrBadPhone, answer{400, "invalid_phone", "Số điện thoại không hợp lệ: xin nhập số di động Việt Nam 10 chữ số (ví dụ 0912 345 678)."}},
	{identity.ErrNotID, answer{400, "invalid_id", "Số định danh cá nhân không hợp lệ: xin nhập đủ 12 chữ số in trên thẻ căn cước."}},
	{ErrNoMessages, answer{400, "messages_off", "Hệ thống chưa gửi tin nhắn nhắc lịch. Xin bỏ chọn ô nhận tin nhắn rồi đặt lại."}},
	{pgstore.ErrPhoneNotConfirmed, answer{400, "phone_not_confirmed", "Số điện thoại nhận tin nhắn phải là số đã nhận mã xác nhận. Xin nhập lại số đó, hoặc gửi mã mới đến số mới."}},
	{ErrBadCodeInput, answer{400, "invalid_code", "Mã xác nhận gồm 6 chữ số, trong tin nhắn gửi đến điện thoại của bạn."}},
	{pgstore.ErrCodeThrottled, answer{429, "code_throttled", "Đã gửi nhiều mã đến số điện thoại này. Xin chờ 15 phút rồi thử lại."}},
	{errAddressThrottled, answer{429, "address_throttled", "Có quá nhiều yêu cầu gửi mã từ mạng bạn đang dùng. Xin chờ ít phút rồi thử lại, hoặc đến lấy số tại kiosk của trung tâm."}},
	{ErrSendFailed, answer{502, "code_not_sent", "Chưa gửi được mã xác nhận đến điện thoại. Xin thử lại sau ít phút."}},
	{pgstore.ErrCodeWrong, answer{400, "code_wrong", "Mã xác nhận không đúng. Xin kiểm tra tin nhắn và nhập lại."}},
	{pgstore.ErrCodeExpired, answer{410, "code_expired", "Mã xác nhận đã hết hạn hoặc đã dùng. Xin bấm “Gửi mã xác nhận” để nhận mã mới."}},
	{pgstore.ErrCodeAttempts, answer{429, "code_attempts", "Mã xác nhận đã bị nhập sai quá nhiều lần. Xin bấm “Gửi mã xác nhận” để nhận mã mới."}},
	{ErrNoCenter, answer{404, "no_center", "Trung tâm này chưa nhận đặt số trực tuyến."}},
	{ErrNoField, answer{404, "no_field", "Lĩnh vực này chưa nhận đặt số trực tuyến tại trung tâm đã chọn."}},
	{ErrNoWindow, answer{409, "no_window", "Khung giờ này không còn để đặt. Xin chọn khung giờ khác."}},
	{pgstore.ErrQuotaFull, answer{409, "quota_full", "Lĩnh vực này đã hết số đặt trực tuyến trong ngày đã chọn. Xin chọn ngày khác, hoặc đến lấy số tại kiosk của trung tâm."}},
	{booking.ErrNotBooking, answer{400, "booking_invalid", "Mã số hẹn không đúng."}},
	{booking.ErrForged, answer{400, "booking_invalid", "Mã số hẹn không do hệ thống này cấp."}},
	{ErrNotYours, answer{403, "booking_not_yours", "Mã số hẹn không khớp với số hẹn cần hủy."}},
	{pgstore.ErrBookingNotFound, answer{404, "booking_not_found", "Không có số hẹn này."}},
	{pgstore.ErrBookingCheckedIn, answer{409, "booking_checked_in", "Số hẹn này đã được dùng để lấy số tại trung tâm, không hủy được nữa."}},
}

// fail answers err in Vietnamese; an error no answer knows is logged and
// answered 500.
func (s *Service) fail(w http.ResponseWriter, r *http.Request, err error) {
	a := answer{500, "internal", "Hệ thống đặt số đang gặp sự cố. Xin thử lại sau ít phút."}
	found := false
	var ce *pgstore.PersonCapError
	if errors.As(err, &ce) {
		a, found = s.capAnswer(r.Context(), ce), true
	}
	for _, k := range answers {
		if !found && errors.Is(err, k.err) {
			a, found = k.answer, true
		}
	}
	if !found {
		s.log.Error("online: request failed", "err", err)
	}
	writeJSON(w, a.status, map[string]any{"error": map[string]string{"code": a.code, "message": a.vi}})
}

// capAnswer names what the person holds and where.
func (s *Service) capAnswer(ctx context.Context, ce *pgstore.PersonCapError) answer {
	offers := map[string]Offer{}
	if list, err := s.o.Offers(ctx); err == nil {
		for _, o := range list {
			offers[o.Center] = o
		}
	}
	var held []string
	for _, h := range ce.Held {
		o := offers[h.Center]
		at, loc := cmp.Or(o.Name, h.Center), cmpLoc(o.Location)
		if h.Number != "" {
			held = append(held, fmt.Sprintf("số %s tại %s", h.Number, at))
		} else {
			held = append(held, fmt.Sprintf("số hẹn %s tại %s", h.From.In(loc).Format("15:04"), at))
		}
	}
	list := strings.Join(held, "; ")
	if ce.PerField {
		return answer{409, "person_cap", fmt.Sprintf("Bạn đã có %s cho lĩnh vực này trong ngày: mỗi người được tối đa %d số cho một lĩnh vực mỗi ngày, kể cả số lấy tại kiosk. Xin dùng số đã có.", list, ce.Limit)}
	}
	return answer{409, "person_cap", fmt.Sprintf("Bạn đã có đủ %d số trong ngày (%s): mỗi người được tối đa %d số mỗi ngày ở mọi trung tâm, kể cả số lấy tại kiosk.", len(ce.Held), list, ce.Limit)}
}
