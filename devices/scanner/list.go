package scanner

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"go.bug.st/serial/enumerator"
)

// Port kinds listed by List.
const (
	KindSerial     = "serial"      // a serial or USB-CDC port: scanners, serial printers
	KindUSBPrinter = "usb-printer" // a USB printer class device (/dev/usb/lp*)
	KindInput      = "usb-input"   // a USB keyboard-like input device (/dev/input/event*): a scanner in HID mode
)

// Port is a device a technician can name in the config.
type Port struct {
	Path         string `json:"path"`
	Kind         string `json:"kind"`
	USB          bool   `json:"usb"`
	VID          string `json:"vid,omitempty"` // lower-case hex, "0c2e"
	PID          string `json:"pid,omitempty"`
	SerialNumber string `json:"serial_number,omitempty"`
	Manufacturer string `json:"manufacturer,omitempty"`
	Product      string `json:"product,omitempty"`
}

// ListOpts lets tests replace the hardware; the zero value lists the real machine.
type ListOpts struct {
	// Enumerate lists serial ports; default enumerator.GetDetailedPortsList.
	Enumerate Enumerator
	// Root is prepended to /dev/usb and /sys paths; default "/".
	Root string
}

// List returns the serial ports (with USB VID:PID, serial number and product
// when they are USB), the USB printer devices and the USB input devices
// (scanners in keyboard mode among them), sorted by path, for
// `motcua devices`. A machine with neither gives an empty list.
func List(opts ListOpts) ([]Port, error) {
	if opts.Enumerate == nil {
		opts.Enumerate = func() ([]*enumerator.PortDetails, error) { return enumerator.GetDetailedPortsList() }
	}
	if opts.Root == "" {
		opts.Root = "/"
	}
	details, err := opts.Enumerate()
	if err != nil {
		return nil, fmt.Errorf("scanner: liệt kê cổng nối tiếp: %w", err)
	}
	var ports []Port
	for _, d := range details {
		if d == nil {
			continue
		}
		ports = append(ports, Port{Path: d.Name, Kind: KindSerial, USB: d.IsUSB,
			VID: strings.ToLower(d.VID), PID: strings.ToLower(d.PID), SerialNumber: d.SerialNumber,
			Manufacturer: d.Manufacturer, Product: d.Product})
	}
	lps, err := filepath.Glob(filepath.Join(opts.Root, "dev", "usb", "lp*"))
	if err != nil {
		return nil, fmt.Errorf("scanner: liệt kê máy in USB: %w", err)
	}
	for _, lp := range lps {
		p := Port{Path: "/" + strings.TrimPrefix(filepath.ToSlash(strings.TrimPrefix(lp, opts.Root)), "/"),
			Kind: KindUSBPrinter, USB: true}
		usbPrinterDetails(opts.Root, filepath.Base(lp), &p)
		ports = append(ports, p)
	}
	ports = append(ports, usbInputs(opts.Root)...)
	slices.SortFunc(ports, func(a, b Port) int { return strings.Compare(a.Path, b.Path) })
	return ports, nil
}

// usbInputs are the input event devices on USB, from sysfs: a scanner in
// its default keyboard (HID) mode is one, with the VID:PID that `type: hid`
// names; built-in keyboards and buttons (not on USB) are left out.
func usbInputs(root string) []Port {
	dirs, err := filepath.Glob(filepath.Join(root, "sys", "class", "input", "event*"))
	if err != nil {
		return nil
	}
	var out []Port
	for _, d := range dirs {
		read := func(file string) string {
			b, err := os.ReadFile(filepath.Join(d, "device", file))
			if err != nil {
				return ""
			}
			return strings.TrimSpace(string(b))
		}
		if read("id/bustype") != "0003" { // BUS_USB
			continue
		}
		out = append(out, Port{Path: "/dev/input/" + filepath.Base(d), Kind: KindInput, USB: true,
			VID: strings.ToLower(read("id/vendor")), PID: strings.ToLower(read("id/product")),
			SerialNumber: read("uniq"), Product: read("name")})
	}
	return out
}

// usbPrinterDetails fills the USB ids of /dev/usb/<name> from sysfs: the
// class device links to the USB interface, whose parent is the device.
func usbPrinterDetails(root, name string, p *Port) {
	iface, err := filepath.EvalSymlinks(filepath.Join(root, "sys", "class", "usbmisc", name, "device"))
	if err != nil {
		return
	}
	dev := filepath.Dir(iface)
	read := func(file string) string {
		b, err := os.ReadFile(filepath.Join(dev, file))
		if err != nil {
			return ""
		}
		return strings.TrimSpace(string(b))
	}
	p.VID, p.PID = strings.ToLower(read("idVendor")), strings.ToLower(read("idProduct"))
	p.SerialNumber, p.Manufacturer, p.Product = read("serial"), read("manufacturer"), read("product")
}
