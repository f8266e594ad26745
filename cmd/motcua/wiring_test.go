package main

import (
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"motcua/cmd/motcua/internal/config"
	"motcua/kiosk/printing"
)

// Every printing setting of the config reaches the printing service.
func TestPrintingOptsFromTheConfig(t *testing.T) {
	cfg, err := config.Parse([]byte(`center: {name: "UBND phường Bến Thành", address: "Quận 1", public_base_url: "https://motcua.benthanh.gov.vn"}
data_dir: /var/lib/motcua
fields: [{code: A, name: Hộ tịch}]
counters: [{id: "1", services: [A], printer: quay1}]
kiosks: [{id: k1, printer: kiosk1}, {id: k2}]
printers:
  - {name: kiosk1, transport: tcp, addr: "192.168.1.50:9100", raster_codes: true}
  - {name: quay1, transport: serial, path: /dev/ttyUSB0, baud: 115200, flow_control: rtscts, width: 58}
  - {name: tep, transport: file}
printing: {ticket_timeout: 15s, job_timeout: 10m}
`))
	if err != nil {
		t.Fatal(err)
	}
	o := printingOpts(cfg, nil)
	want := []printing.Printer{
		{Name: "kiosk1", Transport: printing.TransportTCP, Addr: "192.168.1.50:9100", Width: 80, RasterCodes: true},
		{Name: "quay1", Transport: printing.TransportSerial, Path: "/dev/ttyUSB0", Baud: 115200, FlowControl: "rtscts", Width: 58},
		{Name: "tep", Transport: printing.TransportFile, Dir: "prints", Width: 80},
	}
	if !reflect.DeepEqual(o.Printers, want) {
		t.Errorf("printers\n%+v\nwant\n%+v", o.Printers, want)
	}
	if !reflect.DeepEqual(o.KioskPrinters, map[string]string{"k1": "kiosk1"}) {
		t.Errorf("kiosk printers %v", o.KioskPrinters)
	}
	if o.TicketTimeout != 15*time.Second || o.JobTimeout != 10*time.Minute || o.DataDir != "/var/lib/motcua" {
		t.Errorf("timeouts %v %v, data %q", o.TicketTimeout, o.JobTimeout, o.DataDir)
	}
	if o.KeepJobData != 7*24*time.Hour {
		t.Errorf("keep_job_data %v, want the default 168h", o.KeepJobData)
	}
	if o.CenterName != "UBND phường Bến Thành" || o.CenterAddress != "Quận 1" ||
		o.BaseURL != "https://motcua.benthanh.gov.vn" || o.Location != cfg.Location() {
		t.Errorf("center %q %q %q %v", o.CenterName, o.CenterAddress, o.BaseURL, o.Location)
	}
	// The transport constants of the config are those of printing.
	for _, tr := range [][2]string{{config.TransportFile, printing.TransportFile}, {config.TransportSerial, printing.TransportSerial},
		{config.TransportUSB, printing.TransportUSB}, {config.TransportTCP, printing.TransportTCP}} {
		if tr[0] != tr[1] {
			t.Errorf("config transport %q, printing %q", tr[0], tr[1])
		}
	}
}

// configs/bench.yaml is the demo with only the tickets' rate limits raised:
// what make bench and the crash test measure is the demo center.
func TestBenchConfigIsTheDemo(t *testing.T) {
	demoYAML, err := os.ReadFile(demo)
	if err != nil {
		t.Fatal(err)
	}
	benchYAML, err := os.ReadFile(bench)
	if err != nil {
		t.Fatal(err)
	}
	_, demoBody, _ := strings.Cut(string(demoYAML), "\ndemo: true\n")
	head, benchBody, ok := strings.Cut(string(benchYAML), "\ndemo: true\n")
	if !ok || benchBody != demoBody {
		t.Fatalf("configs/bench.yaml differs from configs/demo.yaml after demo: true")
	}
	cfg, err := config.Load(bench)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Security.KioskTickets.Burst < 100000 || cfg.Security.AddressTickets.Burst < 100000 || !strings.Contains(head, "Never use these limits") {
		t.Fatalf("bench limits %+v %+v", cfg.Security.KioskTickets, cfg.Security.AddressTickets)
	}
}
