package server

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"motcua/cmd/motcua/internal/config"
	"motcua/internal/identity"
	"motcua/internal/msg"
	"motcua/kiosk/lookup"
	"motcua/province/booking"
)

// The kiosk's camera at the identity step (POST /api/v1/tickets/image):
// the page sends a few frames a second, one at a time, each with the
// ticket it asks for; the first frame that holds the QR code of a CCCD
// takes the number exactly as the scanned code would (POST /tickets with
// citizen_id), and one that holds an online number's QR checks it in as
// its scan would. The decoded text goes no further than person (its keyed
// hash) or the booking check: it is in no log, event, row or answer.

// Camera request limits: the frame as /scans/image takes it, the ticket
// part as any JSON body.
const (
	maxFrameBytes   = lookup.DefaultMaxImageBytes
	maxFrameRequest = maxFrameBytes + maxBody
)

var (
	// errNotFrame: the request is not multipart/form-data with a ticket
	// and a frame part.
	errNotFrame = errors.New("server: camera request is not multipart/form-data with ticket and frame parts")
	// errNoCard: the frame holds no CCCD QR code (nor an online number's).
	errNoCard = errors.New("server: no ID card in the camera frame")
	// errIDNotAsked: the field does not ask who takes the number.
	errIDNotAsked = errors.New("server: the field does not ask for the ID card")
	// errCardNotReceipt: a scan or a frame of the lookup is an ID card.
	errCardNotReceipt = errors.New("server: an ID card where a receipt was asked for")
)

// isCard reports whether code is a CCCD's QR code (12 digits, then "|"):
// one that a lookup drops unread (never resolved, never logged).
func isCard(code string) bool {
	_, err := identity.Number(code)
	return err == nil && strings.Contains(code, "|")
}

// cameraRules answer what issueFromFrame refuses.
func cameraRules() []rule {
	return []rule{
		{kind: errNotFrame, answer: answer{status: http.StatusUnsupportedMediaType, id: msg.NotFrame}},
		{kind: errNoCard, answer: answer{status: http.StatusUnprocessableEntity, id: msg.NoCardInFrame}},
		{kind: errIDNotAsked, answer: answer{status: http.StatusUnprocessableEntity, id: msg.IDNotAsked}},
		{kind: errCardNotReceipt, answer: answer{status: http.StatusUnprocessableEntity, id: msg.CardNotReceipt}},
	}
}

// issueFromFrame takes a number at the request's kiosk for the citizen
// whose card the camera frame shows. A frame without a card answers 422
// no_code_found and changes nothing (not even the kiosk's ticket rate).
func (s *Server) issueFromFrame(c *gin.Context) {
	req, frame, err := readFrame(c)
	if err == nil {
		err = s.checkIssue(c, &req)
	}
	if err == nil && !s.identityMode(req.Service).Asks() {
		err = errIDNotAsked
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	codes, err := lookup.DecodeImage(bytes.NewReader(frame), maxFrameBytes)
	if errors.Is(err, lookup.ErrNoCode) {
		err = errNoCard
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	card, bookingCode := pickCard(codes)
	if card == "" && bookingCode == "" {
		s.fail(c, errNoCard)
		return
	}
	if err := s.takeTicketRate(c); err != nil {
		s.fail(c, err)
		return
	}
	k := c.MustGet("kiosk").(config.Kiosk)
	if card == "" {
		s.checkInAtKiosk(c, k, bookingCode)
		return
	}
	if err := s.checkPriority(k.ID, req.Priority, req.Category, req.StaffPIN); err != nil {
		s.fail(c, err)
		return
	}
	person, err := s.person(req.Service, card)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.issueFor(c, req, person)
}

// pickCard chooses among the codes of a frame the CCCD (first), else an
// online number's code; both "" when the frame holds neither (a receipt's
// barcode, a poster's QR code behind the citizen).
func pickCard(codes []string) (card, bookingCode string) {
	for _, code := range codes {
		if _, err := identity.Number(code); err == nil {
			return code, ""
		}
		if bookingCode == "" && strings.HasPrefix(strings.ToUpper(strings.TrimSpace(code)), booking.Prefix) {
			bookingCode = code
		}
	}
	return "", bookingCode
}

// readFrame reads a camera request: multipart/form-data with a "ticket"
// part (the JSON of POST /tickets, without citizen_id: the frame holds
// the card) and a "frame" part (a PNG, JPEG or GIF image of at most
// maxFrameBytes).
func readFrame(c *gin.Context) (issueRequest, []byte, error) {
	var req issueRequest
	if mt, _, err := mime.ParseMediaType(c.GetHeader("Content-Type")); err != nil || mt != "multipart/form-data" {
		return req, nil, errNotFrame
	}
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, maxFrameRequest)
	mr, err := c.Request.MultipartReader()
	if err != nil {
		return req, nil, errNotFrame
	}
	var ticket, frame []byte
	for {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return req, nil, frameReadError(err)
		}
		var limit int64
		var into *[]byte
		switch p.FormName() {
		case "ticket":
			limit, into = maxBody, &ticket
		case "frame":
			limit, into = maxFrameBytes, &frame
		default:
			return req, nil, invalid(msg.UnknownField, p.FormName())
		}
		if *into != nil {
			return req, nil, errNotFrame
		}
		data, err := io.ReadAll(io.LimitReader(p, limit+1))
		if err != nil {
			return req, nil, frameReadError(err)
		}
		if int64(len(data)) > limit {
			if into == &ticket {
				return req, nil, errBodyTooLarge
			}
			return req, nil, fmt.Errorf("server: camera frame over %d bytes: %w", limit, lookup.ErrImageTooLarge)
		}
		*into = data
	}
	if frame == nil {
		return req, nil, fmt.Errorf("server: camera request without a frame: %w", lookup.ErrBadImage)
	}
	if err := decodeJSON(ticket, &req); err != nil {
		return req, nil, err
	}
	if req.CitizenID != "" {
		return req, nil, invalid(msg.UnknownField, "citizen_id")
	}
	return req, frame, nil
}

// frameReadError is what reading a camera request failed with: a body
// over maxFrameRequest is a frame too large, anything else no frame.
func frameReadError(err error) error {
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return fmt.Errorf("server: camera request over %d bytes: %w", tooLarge.Limit, lookup.ErrImageTooLarge)
	}
	return fmt.Errorf("%w: %w", errNotFrame, err)
}
