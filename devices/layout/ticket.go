package layout

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"motcua/devices/escpos"
	"motcua/internal/msg"
)

// TicketJob is a queue ticket. Its JSON matches the API's ticket
// (id, number, service_name, priority, issued_at, ahead, estimated_wait_s,
// track_url) plus what only the printout needs.
type TicketJob struct {
	ID            string        `json:"id"`
	CenterName    string        `json:"center_name"`
	ServiceName   string        `json:"service_name"`
	Number        string        `json:"number"`
	Priority      bool          `json:"priority"`
	IssuedAt      time.Time     `json:"issued_at"`
	Ahead         int           `json:"ahead"`
	EstimatedWait time.Duration `json:"-"` // JSON: estimated_wait_s, in seconds
	// NoEstimate: the wait could not be estimated (JSON: estimated_wait_s
	// null or absent, as the API says it); the ticket prints no wait.
	NoEstimate bool `json:"-"`
	// TrackURL is encoded in the QR code; a path ("/t/…") is joined to BaseURL.
	TrackURL string `json:"track_url"`
	BaseURL  string `json:"base_url,omitempty"`
	// Footer replaces the default footer line.
	Footer string `json:"footer,omitempty"`
	// PriorityCategory names the priority of a priority ticket ("Người
	// cao tuổi"), printed under PriorityMark; "" prints the mark alone.
	PriorityCategory string `json:"priority_category,omitempty"`
	// Online: the number was booked online and checked in; the ticket
	// says so under the number (OnlineMark).
	Online bool `json:"online,omitempty"`
}

type ticketJSON TicketJob

type ticketWire struct {
	ticketJSON
	EstimatedWaitS *int64 `json:"estimated_wait_s"`
}

// MarshalJSON writes EstimatedWait as estimated_wait_s (null with NoEstimate).
func (j TicketJob) MarshalJSON() ([]byte, error) {
	w := ticketWire{ticketJSON: ticketJSON(j)}
	if !j.NoEstimate {
		s := int64(j.EstimatedWait / time.Second)
		w.EstimatedWaitS = &s
	}
	return json.Marshal(w)
}

// UnmarshalJSON reads estimated_wait_s into EstimatedWait.
func (j *TicketJob) UnmarshalJSON(b []byte) error {
	var w ticketWire
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*j = TicketJob(w.ticketJSON)
	if w.EstimatedWaitS == nil {
		j.NoEstimate = true
	} else {
		j.EstimatedWait = time.Duration(*w.EstimatedWaitS) * time.Second
	}
	return nil
}

// DefaultTicketFooter is printed under the QR code.
const DefaultTicketFooter = "Quét mã QR để theo dõi lượt gọi"

// URL is the address the ticket's QR code carries.
func (j TicketJob) URL() string {
	if strings.HasPrefix(j.TrackURL, "/") && j.BaseURL != "" {
		return strings.TrimRight(j.BaseURL, "/") + j.TrackURL
	}
	return j.TrackURL
}

// Lines are what the ticket prints under the number and the time: the
// people ahead and the estimated wait, in the words of msg.Wait that the
// API and the screens use too; no wait when there is no estimate, as the
// screens say none.
func (j TicketJob) Lines() []string {
	lines := []string{fmt.Sprintf("Số người đang chờ trước bạn: %d", j.Ahead)}
	if j.NoEstimate {
		return lines
	}
	return append(lines, "Thời gian chờ dự kiến: "+msg.Wait(j.EstimatedWait).VI)
}

// Ticket renders a queue ticket: centre, field, the number in the printer's
// largest font, priority mark, time, people ahead, estimated wait, a QR code
// of the tracking URL and a footer.
func (r *Renderer) Ticket(j TicketJob, o Opts) (*Output, error) {
	o, err := o.check()
	if err != nil {
		return nil, err
	}
	number := strings.TrimSpace(j.Number)
	if number == "" || len(number) > 8 {
		return nil, fmt.Errorf("layout: ticket number %q (1..8 characters)", j.Number)
	}
	if j.URL() == "" || len(j.URL()) > 1000 {
		return nil, fmt.Errorf("layout: ticket %q needs a tracking URL (at most 1000 bytes)", number)
	}
	if j.Ahead < 0 {
		return nil, fmt.Errorf("layout: ticket %q: %d people ahead", number, j.Ahead)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	p, err := r.ticketPage(j, number, o)
	if err != nil {
		return nil, err
	}
	return p.render(o)
}

func (r *Renderer) ticketPage(j TicketJob, number string, o Opts) (*page, error) {
	w := o.Width
	p := &page{}
	p.add(feedBlock(8))
	if j.CenterName != "" {
		if err := r.text(p, w, stTicketCenter, escpos.Center, j.CenterName, 0); err != nil {
			return nil, err
		}
	}
	if j.ServiceName != "" {
		if err := r.text(p, w, stTicketService, escpos.Center, j.ServiceName, 0); err != nil {
			return nil, err
		}
	}
	if err := rule(p, w/3, 2); err != nil {
		return nil, err
	}
	mag := 8
	for mag > 1 && len(number)*cellW*mag > w-16 {
		mag--
	}
	num, err := r.printerFont(number, mag, true, escpos.Center)
	if err != nil {
		return nil, err
	}
	p.add(num)
	if j.Priority {
		if err := r.large(p, w, stTicketPriority, PriorityMark); err != nil {
			return nil, err
		}
		if j.PriorityCategory != "" {
			if err := r.text(p, w, stTicketService, escpos.Center, j.PriorityCategory, 0); err != nil {
				return nil, err
			}
		}
	}
	if j.Online {
		if err := r.large(p, w, stTicketOnline, OnlineMark); err != nil {
			return nil, err
		}
	}
	p.add(feedBlock(6))
	// The date and time are ASCII: the printer's font prints them in a
	// few bytes where a raster line would cost most of a kilobyte.
	at := j.IssuedAt.In(o.Location)
	when, err := r.printerFont(at.Format("15:04  02/01/2006"), 1, false, escpos.Center)
	if err != nil {
		return nil, err
	}
	p.add(when)
	for _, l := range j.Lines() {
		if err := r.text(p, w, stTicketBody, escpos.Center, l, 0); err != nil {
			return nil, err
		}
	}
	module := 6
	if w <= Width58 {
		module = 5
	}
	qr, err := r.qrBlock(j.URL(), escpos.QROpts{ModuleSize: module, Level: escpos.QRLevelM}, o.rasterQR())
	if err != nil {
		return nil, err
	}
	p.add(qr)
	footer := j.Footer
	if footer == "" {
		footer = DefaultTicketFooter
	}
	if err := r.text(p, w-32, stTicketFooter, escpos.Center, footer, 0); err != nil {
		return nil, err
	}
	p.add(cutBlock{})
	return p, nil
}

// PriorityMark is printed under the number of a priority ticket.
const PriorityMark = "ƯU TIÊN"

// OnlineMark is printed under the number of a ticket checked in from an
// online booking (and under PriorityMark when it is both).
const OnlineMark = "Số đặt trực tuyến"

// stTicketOnline draws OnlineMark at half size for large: printed the size
// of the field's name for a quarter of its bytes (the ticket's budget).
var stTicketOnline = style{family: sansBold, px: 14, pitch: 1.25}

// large adds s as one centred line drawn in st at half size and printed at
// quadruple scale (GS v 0 m=3): letters twice st's size for a quarter of
// the bytes a full-size raster line costs. Bold faces survive the doubling;
// st.px must be at least 14 for the tone marks to keep their shape.
func (r *Renderer) large(p *page, width int, st style, s string) error {
	f, err := r.face(st)
	if err != nil {
		return err
	}
	s = clean(s)
	half := width / 2
	b, err := r.line(half, escpos.Center, span{text: s, style: st, x: (half - f.measure(s)) / 2})
	if err != nil || b.bm == nil {
		return err
	}
	b.scale = escpos.RasterQuadruple
	b.above, b.below = 2*b.above, 2*b.below
	p.add(b)
	return nil
}
