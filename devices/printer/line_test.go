package printer_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"motcua/devices/printer"
	"motcua/devices/printer/printertest"
)

// lineJob prints 3 KB (three times the printer's buffer, about 6 s at its
// print rate) to a 9600-baud printer, then asks it to confirm, and returns
// what it printed.
func lineJob(t *testing.T) (*printertest.Line, []byte, error) {
	t.Helper()
	line := printertest.NewLine(printertest.LineOpts{Baud: 9600, Buffer: 1024, PrintRate: 480, XonXoff: true})
	t.Cleanup(func() { line.Close() })
	c := printer.NewConn(line, printer.ConnOpts{Name: "quay1", Baud: 9600})
	data := bytes.Repeat([]byte("9600 baud "), 308)[:3072]
	start := time.Now()
	if _, err := c.Print(context.Background(), printer.Job{Kind: "receipt", Ref: "r1", Data: data}); err != nil {
		t.Fatal(err)
	}
	// As the spooler allows it: the wire time of what is ahead, twice, and
	// some.
	ctx, cancel := context.WithTimeout(context.Background(), 2*c.WireTime(len(data))+10*time.Second)
	defer cancel()
	err := c.Confirm(ctx)
	t.Logf("confirmed after %v: %v (%d XOFF, %d bytes lost)", time.Since(start).Round(10*time.Millisecond), err, line.XOFFs(), line.Lost())
	return line, data, err
}

// A 9600-baud printer with a 1 KB buffer that prints slower than the line
// feeds it: with XON/XOFF the host stops at each XOFF, nothing is lost,
// and GS r 1 is answered once the printer got to it, after the job.
func TestASlowPrinterWithXonXoffPrintsEveryByte(t *testing.T) {
	t.Parallel()
	line, data, err := lineJob(t)
	if err != nil {
		t.Fatalf("not confirmed: %v", err)
	}
	if line.XOFFs() == 0 {
		t.Fatal("the printer never said XOFF: the job did not fill its buffer")
	}
	if n := line.Lost(); n != 0 {
		t.Fatalf("%d bytes lost", n)
	}
	if !bytes.Equal(line.Device().Received(), data) {
		t.Fatal("the printer printed something else than the job")
	}
}

// The same printer without flow control on the host: its buffer overflows
// and what it prints is not the job, the failure the fake exists to show.
func TestASlowPrinterWithoutFlowControlLosesBytes(t *testing.T) {
	t.Parallel()
	line := printertest.NewLine(printertest.LineOpts{Baud: 9600, Buffer: 1024, PrintRate: 480})
	defer line.Close()
	c := printer.NewConn(line, printer.ConnOpts{Name: "quay1", Baud: 9600})
	data := bytes.Repeat([]byte("9600 baud "), 308)[:3072]
	if _, err := c.Print(context.Background(), printer.Job{Kind: "receipt", Ref: "r1", Data: data}); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(20 * time.Second); line.Lost() == 0; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("nothing lost without flow control in 20 s (%d XOFF): the fake does not behave as a slow printer", line.XOFFs())
		}
	}
}
