package printertest

import (
	"bytes"
	"context"
	"errors"
	"io"
	"sync"

	"motcua/devices/escpos"
)

// Device is a fake ESC/POS printer on the far end of a link. It parses what
// arrives: DLE EOT n and GS r 1 are answered at once from the status the
// test set, GS I n from its Identity; everything else is kept, and each cut counts as a finished job.
type Device struct {
	rw io.ReadWriter

	mu       sync.Mutex
	status   escpos.Status
	received []byte
	cuts     int
	err      error
	changed  chan struct{}
	done     chan struct{}
	closeOne sync.Once
	gate     chan struct{} // closed while reading is allowed
	pauseAt  int
	stop     chan struct{}
	inData   bool // answer DLE EOT wherever it appears, as Epson printers do
	silent   bool // answer nothing: a 2-wire cable, a one-way link
	identity *Identity
}

// Identity is what a printer answers to GS I n: one byte for n = 1, 2, 3
// (model, type and ROM version IDs) and "_" text NUL for n = 65, 66, 67
// (firmware, maker, model name); an empty text is not answered at all, as
// printers without "printer information B" do.
type Identity struct {
	ModelID, TypeID, ROMID byte
	Firmware, Maker, Model string
}

// EpsonTMT20III answers as an Epson TM-T20III. The maker and model names
// are Epson's; the ID bytes are this fake's (type ID bit 1: autocutter).
var EpsonTMT20III = Identity{ModelID: 0x20, TypeID: 0x02, ROMID: 0x41, Firmware: "30.01 ESC/POS", Maker: "EPSON", Model: "TM-T20III"}

// Identify makes the device answer GS I n as id; nil (the default) answers
// nothing, as many clones do.
func (d *Device) Identify(id *Identity) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.identity = id
}

// answerGSI is the answer to GS I n, nil when there is none.
func (id *Identity) answerGSI(n byte) []byte {
	if id == nil {
		return nil
	}
	text := ""
	switch n {
	case 1, 49:
		return []byte{id.ModelID}
	case 2, 50:
		return []byte{id.TypeID}
	case 3, 51:
		return []byte{id.ROMID}
	case 65:
		text = id.Firmware
	case 66:
		text = id.Maker
	case 67:
		text = id.Model
	}
	if text == "" {
		return nil
	}
	return append(append([]byte{'_'}, text...), 0)
}

// NewDevice starts a device reading rw until rw fails or Close.
func NewDevice(rw io.ReadWriter) *Device {
	d := &Device{rw: rw, changed: make(chan struct{}), done: make(chan struct{}), gate: make(chan struct{}), stop: make(chan struct{})}
	close(d.gate)
	go d.run()
	return d
}

// SetStatus sets the state the device reports.
func (d *Device) SetStatus(s escpos.Status) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.status = s
}

// AnswerInData makes the device behave as real printers do (Epson,
// Citizen, HPRT): DLE EOT n is a real-time command, answered as soon as its
// three bytes arrive, even inside the data of an image or a barcode.
// Without it the device answers only DLE EOT commands sent on their own.
func (d *Device) AnswerInData(on bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.inData = on
}

// Silent makes the device answer nothing, as a printer on a 2-wire serial
// cable or a one-way USB link: it prints what it gets.
func (d *Device) Silent(on bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.silent = on
}

// SendStray writes b to the link unasked: a stale answer still in the
// printer's or the adapter's buffer, or line noise.
func (d *Device) SendStray(b byte) error {
	_, err := d.rw.Write([]byte{b})
	return err
}

// Pause stops reading, as a printer whose buffer is full: the sender's
// writes block once the link's buffer fills. Resume reads again.
func (d *Device) Pause() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.gate = make(chan struct{})
}

// PauseAfter makes the device Pause by itself once it holds n bytes more
// than now: a printer that stops taking data in the middle of a job.
func (d *Device) PauseAfter(n int) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.pauseAt = len(d.received) + n
}

// Resume undoes Pause.
func (d *Device) Resume() {
	d.mu.Lock()
	defer d.mu.Unlock()
	select {
	case <-d.gate:
	default:
		close(d.gate)
	}
}

// Received returns every byte received except status queries.
func (d *Device) Received() []byte {
	d.mu.Lock()
	defer d.mu.Unlock()
	return bytes.Clone(d.received)
}

// Cuts returns how many cut commands arrived.
func (d *Device) Cuts() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.cuts
}

// Err returns why the device stopped reading (nil while it runs), or a
// parse error of the stream.
func (d *Device) Err() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.err
}

// WaitCuts waits until at least n cuts arrived or ctx ends.
func (d *Device) WaitCuts(ctx context.Context, n int) error {
	for {
		d.mu.Lock()
		cuts, ch := d.cuts, d.changed
		d.mu.Unlock()
		if cuts >= n {
			return nil
		}
		select {
		case <-ch:
		case <-d.done:
			if d.Cuts() >= n {
				return nil
			}
			return errors.New("printertest: device stopped")
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// Close stops the device if its link implements io.Closer, and waits for
// the reader to end.
func (d *Device) Close() error {
	d.closeOne.Do(func() {
		close(d.stop)
		if c, ok := d.rw.(io.Closer); ok {
			c.Close()
		}
	})
	<-d.done
	return nil
}

func (d *Device) run() {
	defer close(d.done)
	var pending []byte
	buf := make([]byte, 4096)
	for {
		d.mu.Lock()
		gate := d.gate
		d.mu.Unlock()
		select {
		case <-gate:
		case <-d.stop:
			d.fail(errors.New("printertest: device closed"))
			return
		}
		n, err := d.rw.Read(buf)
		d.answerRealtime(pending, buf[:n])
		pending = append(pending, buf[:n]...)
		for len(pending) > 0 {
			cmd, k, perr := escpos.Next(pending)
			if errors.Is(perr, escpos.ErrIncomplete) {
				break
			}
			if perr != nil {
				d.fail(perr)
				return
			}
			d.handle(cmd)
			pending = pending[k:]
		}
		if err != nil {
			d.fail(err)
			return
		}
	}
}

// answerRealtime answers, when AnswerInData is on, every DLE EOT n whose
// last byte is in fresh (pending holds the bytes before it).
func (d *Device) answerRealtime(pending, fresh []byte) {
	d.mu.Lock()
	on, s := d.inData && !d.silent, d.status
	d.mu.Unlock()
	if !on || len(fresh) == 0 {
		return
	}
	carry := pending[max(0, len(pending)-2):]
	seq := append(append([]byte(nil), carry...), fresh...)
	for i := max(0, len(carry)-2); i+2 < len(seq); i++ {
		if i+2 < len(carry) { // ended in the carry: answered with the last read
			continue
		}
		if seq[i] == escpos.DLE && seq[i+1] == escpos.EOT && seq[i+2] >= 1 && seq[i+2] <= 4 {
			d.rw.Write([]byte{escpos.StatusAnswers(s)[seq[i+2]-1]})
		}
	}
}

func (d *Device) fail(err error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.err == nil {
		d.err = err
	}
}

func (d *Device) handle(c escpos.Command) {
	d.mu.Lock()
	s := d.status
	var answer []byte
	switch c.Name {
	case "DLE EOT":
		if n := c.Raw[2]; n >= 1 && n <= 4 && !d.inData {
			answer = []byte{escpos.StatusAnswers(s)[n-1]}
		}
	case "GS r":
		answer = []byte{escpos.PaperAnswer(s.PaperNearEnd, s.PaperEnd)}
	case "GS I":
		answer = d.identity.answerGSI(c.Raw[2])
	default:
		d.received = append(d.received, c.Raw...)
		if d.pauseAt > 0 && len(d.received) >= d.pauseAt {
			d.pauseAt = 0
			d.gate = make(chan struct{})
		}
		if c.Name == "GS V" {
			d.cuts++
			close(d.changed)
			d.changed = make(chan struct{})
		}
	}
	silent := d.silent
	d.mu.Unlock()
	if answer != nil && !silent {
		d.rw.Write(answer)
	}
}
