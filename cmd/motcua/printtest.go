package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"motcua/cmd/motcua/internal/config"
	"motcua/devices/layout"
	"motcua/devices/printer"
	"motcua/devices/profile"
	"motcua/kiosk/printing"
)

const printTestUsage = `Usage: motcua print-test --config FILE [--printer NAME] [--timeout 1m] [--probe]

Opens each configured printer (or only NAME) directly with its transport, not
through the service's spooler, asks its status where the link can answer
(DLE EOT), prints a test page when it can print, and reports one line per
printer. Exits non-zero when any printer failed.

With --probe it prints nothing: it asks each printer DLE EOT 1-4, GS r 1,
GS I 1/2/3 (model, type, ROM IDs) and GS I 65/66/67 (firmware, maker, model
name), reports what it answered and the printer profile (model: in the
config) that fits it, "generic" when its answers name no known model.
`

// printTest is `motcua print-test`.
func printTest(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("print-test", flag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors are one line, returned
	cfgPath := fs.String("config", "", "configuration file (YAML)")
	only := fs.String("printer", "", "the printer to test (default: every configured printer)")
	timeout := fs.Duration("timeout", time.Minute, "most time for each printer: status and test page")
	probe := fs.Bool("probe", false, "ask what each printer answers and suggest its model; print nothing")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(stdout, printTestUsage)
			return nil
		}
		return fmt.Errorf("print-test: %w (motcua print-test -h)", err)
	}
	switch {
	case fs.NArg() > 0:
		return fmt.Errorf("print-test: unexpected argument %q (motcua print-test -h)", fs.Arg(0))
	case *cfgPath == "":
		fmt.Fprint(stderr, printTestUsage)
		return errUsage
	case *timeout <= 0:
		return fmt.Errorf("print-test: --timeout %v: give a positive duration such as 30s", *timeout)
	}
	cfg, err := config.Load(*cfgPath)
	if err != nil {
		return err
	}
	printers, err := selectPrinters(cfg, *only)
	if err != nil {
		return err
	}
	if *probe {
		return probePrinters(ctx, cfg, printers, *timeout, stdout)
	}
	r, err := layout.NewRenderer()
	if err != nil {
		return fmt.Errorf("print-test: %w", err)
	}
	width := 0
	for _, p := range printers {
		width = max(width, len(p.Name))
	}
	failed := 0
	for _, p := range printers {
		res := testPrinter(ctx, cfg, r, p, *timeout)
		fmt.Fprintln(stdout, res.line(width))
		if res.err != nil {
			failed++
		}
	}
	if failed > 0 {
		return fmt.Errorf("print-test: %d of %d printers failed", failed, len(printers))
	}
	return nil
}

// probeAnswerTimeout bounds each answer of a probe: a printer that
// answers does so within milliseconds, even at 9600 baud.
const probeAnswerTimeout = 500 * time.Millisecond

// probePrinters is `print-test --probe`: a report of each printer's
// answers, and the profile they suggest.
func probePrinters(ctx context.Context, cfg *config.Config, printers []config.Printer, timeout time.Duration, stdout io.Writer) error {
	failed := 0
	for _, p := range printers {
		a, err := probePrinter(ctx, cfg, p, timeout)
		fmt.Fprintf(stdout, "%s  (%s)\n", p.Name, transportText(cfg, p))
		if err != nil {
			failed++
			fmt.Fprintf(stdout, "  %s\n", failureText(err))
			continue
		}
		for _, l := range probeLines(p, a) {
			fmt.Fprintf(stdout, "  %s\n", l)
		}
	}
	if failed > 0 {
		return fmt.Errorf("print-test: %d of %d printers could not be probed", failed, len(printers))
	}
	return nil
}

// probePrinter opens p and asks it everything profile.Probe asks.
func probePrinter(ctx context.Context, cfg *config.Config, p config.Printer, timeout time.Duration) (profile.Answers, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	dev, err := printing.OpenPrinter(printerOpts(p), cfg.DataDir)
	if err != nil {
		return profile.Answers{}, err
	}
	defer dev.Close()
	t, ok := dev.(printer.Talker)
	if !ok {
		return profile.Answers{}, fmt.Errorf("print-test: a %s printer cannot be asked anything", p.Transport)
	}
	var a profile.Answers
	err = t.Talk(ctx, func(rw io.ReadWriter) error {
		var err error
		a, err = profile.Probe(rw, probeAnswerTimeout)
		return err
	})
	if errors.Is(err, printer.ErrNoStatus) {
		return a, fmt.Errorf("print-test: the %s link cannot carry answers (a one-way link)", p.Transport)
	}
	return a, err
}

// probeLines report a probe's answers: what the printer said, then the
// profile it suggests against the configured one.
func probeLines(p config.Printer, a profile.Answers) []string {
	none := "không trả lời (no answer)"
	var ls []string
	if a.StatusOK {
		ls = append(ls, fmt.Sprintf("DLE EOT 1-4: %s, giấy: %s, nắp: %s", printer.FromESCPOS(a.Status).State,
			paperText(printer.FromESCPOS(a.Status).Paper), coverText(a.Status.CoverOpen)))
	} else {
		ls = append(ls, "DLE EOT 1-4: "+none+": use status: never")
	}
	if a.PaperOK {
		ls = append(ls, "GS r 1: trả lời (answers): jobs can be confirmed")
	} else {
		ls = append(ls, "GS r 1: "+none)
	}
	if a.IDsOK {
		ls = append(ls, fmt.Sprintf("GS I 1/2/3: model ID %#02x, type ID %#02x, ROM ID %#02x", a.ModelID, a.TypeID, a.ROMID))
	} else {
		ls = append(ls, "GS I 1/2/3: "+none)
	}
	names := none
	if a.Maker != "" || a.Model != "" || a.Firmware != "" {
		names = fmt.Sprintf("maker %q, model %q, firmware %q", a.Maker, a.Model, a.Firmware)
	}
	ls = append(ls, "GS I 65/66/67: "+names)
	suggested := a.Suggestion()
	configured := p.Model
	if configured == "" {
		configured = profile.Generic
	}
	line := fmt.Sprintf("profile: %s (model: %s)", suggested, suggested)
	switch {
	case suggested == profile.Generic && a.Model == "":
		line += ", the printer does not name its model: set model: yourself if it is in docs/hardware.md"
	case suggested == profile.Generic:
		line += fmt.Sprintf(", no profile for %q", a.Model)
	}
	if configured != suggested {
		line += "; configured: " + configured
	}
	return append(ls, line)
}

// selectPrinters is the named printer, or every printer when name is "".
func selectPrinters(cfg *config.Config, name string) ([]config.Printer, error) {
	if len(cfg.Printers) == 0 {
		return nil, fmt.Errorf("print-test: %s configures no printer (printers: in the config)", cfg.Path())
	}
	if name == "" {
		return cfg.Printers, nil
	}
	var names []string
	for _, p := range cfg.Printers {
		if p.Name == name {
			return []config.Printer{p}, nil
		}
		names = append(names, p.Name)
	}
	return nil, fmt.Errorf("print-test: unknown printer %q; configured: %s", name, strings.Join(names, ", "))
}

// testResult is what print-test learnt of one printer.
type testResult struct {
	name      string
	transport string
	status    printer.Status
	hasStatus bool // the printer answered DLE EOT
	printed   bool
	confirmed bool // it answered GS r 1 after the page: the page is out
	err       error
}

// unconfirmedLinger is how long print-test keeps a link that cannot confirm
// open after writing the page, plus a second per 50 KB: closing at once can
// drop what the link still holds (usblp cancels its pending writes).
const unconfirmedLinger = 3 * time.Second

// testPrinter asks p its status and, when it can print, prints a test page.
func testPrinter(ctx context.Context, cfg *config.Config, r *layout.Renderer, p config.Printer, timeout time.Duration) testResult {
	res := testResult{name: p.Name, transport: transportText(cfg, p)}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	dev, err := printing.OpenPrinter(printerOpts(p), cfg.DataDir)
	if err != nil { // a printer that cannot be opened is offline
		var de *printer.DeviceError
		if !errors.As(err, &de) {
			cause := errors.Unwrap(err) // without the "printer NAME:" prefix
			if cause == nil {
				cause = err
			}
			err = &printer.DeviceError{Printer: p.Name, Kind: printer.KindOffline, Err: cause}
		}
		res.err = err
		return res
	}
	defer dev.Close()
	st, err := dev.Status(ctx)
	switch {
	case errors.Is(err, printer.ErrNoStatus): // a write-only link: print and see
	case err != nil:
		res.err = err
		return res
	default:
		res.status, res.hasStatus = st, true
		if err := st.Err(p.Name); err != nil {
			res.err = err
			return res
		}
	}
	o := printing.LayoutOpts(printerOpts(p), cfg.Location())
	out, err := r.TestPage(layout.TestJob{Printer: p.Name, At: time.Now(), Lines: []string{
		"Trung tâm: " + cfg.Center.Name,
		"Kết nối: " + res.transport,
		fmt.Sprintf("Khổ giấy: %d mm (%d điểm)", p.Width, o.Width),
	}}, o)
	if err != nil {
		res.err = fmt.Errorf("print-test: %w", err)
		return res
	}
	job := printer.Job{Kind: layout.KindTest, Ref: p.Name, Data: out.Bytes}
	if p.Transport == config.TransportFile {
		if job.Preview, err = out.PNG(); err != nil {
			res.err = fmt.Errorf("print-test: %w", err)
			return res
		}
	}
	if _, err := dev.Print(ctx, job); err != nil {
		res.err = err
		return res
	}
	res.printed = true
	// Written is not printed: wait for the printer to say so, or give the
	// link time to empty before it is closed.
	if c, ok := dev.(printer.Confirmer); ok && (res.hasStatus || p.Transport == config.TransportFile) {
		res.confirmed = c.Confirm(ctx) == nil
		return res
	}
	linger := unconfirmedLinger + time.Duration(len(job.Data)/50_000)*time.Second
	if w, ok := dev.(printer.WireTimer); ok {
		linger += w.WireTime(len(job.Data))
	}
	select {
	case <-ctx.Done():
	case <-time.After(linger):
	}
	return res
}

// transportText names how a printer is reached: "serial /dev/ttyUSB0 115200".
func transportText(cfg *config.Config, p config.Printer) string {
	switch p.Transport {
	case config.TransportFile:
		return "file " + printing.FileDir(printerOpts(p), cfg.DataDir)
	case config.TransportSerial:
		baud := p.Baud
		if baud == 0 {
			baud = printer.DefaultBaud
		}
		s := fmt.Sprintf("serial %s %d", p.Path, baud)
		if p.FlowControl != "" && p.FlowControl != printer.FlowNone {
			s += " " + p.FlowControl
		}
		return s
	case config.TransportUSB:
		return "usb " + p.Path
	case config.TransportTCP:
		return "tcp " + p.Addr
	}
	return p.Transport
}

// line is the report of one printer, its name padded to width:
//
//	kiosk1  online  giấy: ok  nắp: đóng  (serial /dev/ttyUSB0 115200)
func (r testResult) line(width int) string {
	var state string
	switch {
	case r.err != nil:
		state = failureText(r.err)
	case r.hasStatus && !r.confirmed:
		state = "đã gửi, máy chưa báo in xong (sent, not confirmed)"
	case r.hasStatus:
		state = string(printer.StateOnline)
	default:
		state = "đã in, máy không báo trạng thái (printed, no status)"
	}
	parts := []string{fmt.Sprintf("%-*s", width, r.name), state}
	if r.hasStatus {
		parts = append(parts, "giấy: "+paperText(r.status.Paper), "nắp: "+coverText(r.status.CoverOpen))
	}
	return strings.Join(append(parts, "("+r.transport+")"), "  ")
}

// failureText says why a printer failed, in Vietnamese and English.
func failureText(err error) string {
	var de *printer.DeviceError
	if !errors.As(err, &de) {
		return "lỗi (error): " + err.Error()
	}
	switch de.Kind {
	case printer.KindPaperOut:
		return "hết giấy (paper out)"
	case printer.KindCoverOpen:
		return "nắp đang mở (cover open)"
	}
	s := "mất kết nối (offline)"
	if de.Err != nil {
		s += ": " + strings.ReplaceAll(de.Err.Error(), "\n", " ")
	}
	return s
}

func paperText(p printer.Paper) string {
	switch p {
	case printer.PaperOK:
		return "ok"
	case printer.PaperNearEnd:
		return "sắp hết (near end)"
	case printer.PaperOut:
		return "hết (out)"
	}
	return "không rõ (unknown)"
}

func coverText(open bool) string {
	if open {
		return "mở (open)"
	}
	return "đóng"
}
