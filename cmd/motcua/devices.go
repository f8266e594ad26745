package main

import (
	"fmt"
	"io"
	"text/tabwriter"

	"motcua/devices/scanner"
)

// listDevices prints the serial ports, USB printers and USB input devices
// (scanners in keyboard mode) a technician can name in the config: path,
// USB VID:PID, serial number, product.
func listDevices(stdout io.Writer) error {
	ports, err := scanner.List(scanner.ListOpts{})
	if err != nil {
		return fmt.Errorf("devices: %w", err)
	}
	if len(ports) == 0 {
		fmt.Fprintln(stdout, "Không thấy cổng nối tiếp, máy in USB hay thiết bị nhập USB nào (no serial port, USB printer or USB input device found).")
		return nil
	}
	w := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "PATH\tKIND\tVID:PID\tSERIAL\tPRODUCT")
	for _, p := range ports {
		id := "-"
		if p.VID != "" {
			id = p.VID + ":" + p.PID
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", p.Path, p.Kind, id, dash(p.SerialNumber), dash(p.Manufacturer+" "+p.Product))
	}
	return w.Flush()
}

func dash(s string) string {
	if len(s) == 0 || s == " " {
		return "-"
	}
	return s
}
