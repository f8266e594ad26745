package config

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"motcua/devices/counterboard"
)

// Board is a counter's LED number board on an RS-485 bus (api.md: boards).
// Entries with the same path share one bus.
type Board struct {
	Name string `yaml:"name"`
	// Path is the bus's serial device (a USB-RS485 adapter:
	// /dev/serial/by-id/… survives a replug).
	Path string `yaml:"path"`
	// Baud is the bus's speed, the same on every board of the path;
	// default 9600 (8N1).
	Baud int `yaml:"baud"`
	// Protocol is modbus, qsystem or template.
	Protocol string `yaml:"protocol"`
	// Address is the board's address on the bus: Modbus unit id 1-247
	// (1 by factory default), QSystem and templates 0-255.
	Address int `yaml:"address"`
	// Counter is the id of the counter whose ticket the board shows.
	Counter  string         `yaml:"counter"`
	Modbus   BoardModbus    `yaml:"modbus"`
	QSystem  BoardQSystem   `yaml:"qsystem"`
	Template *BoardTemplate `yaml:"template"`
}

// Board protocols.
const (
	ProtocolModbus   = "modbus"
	ProtocolQSystem  = "qsystem"
	ProtocolTemplate = "template"
)

// BoardModbus are a Modbus board's registers (counterboard.ModbusOpts).
type BoardModbus struct {
	// Register is the first holding register of the text, 0-based as on
	// the wire (a manual's 40001 is 0).
	Register int `yaml:"register"`
	// Width is the characters the board shows; default 4.
	Width int `yaml:"width"`
	// Encoding is ascii (a character per register, default), packed (two
	// per register) or numeric (a letter code, then the digits as a number).
	Encoding string `yaml:"encoding"`
	// Letters maps a number's letters to their code on a numeric board;
	// default A=1 … Z=26.
	Letters map[string]int `yaml:"letters"`
	// BlankValue blanks a numeric board's digits; default 65535.
	BlankValue int `yaml:"blank_value"`
	// Blink: the register after the text is 1 during a recall, 0 otherwise.
	Blink bool `yaml:"blink"`
	// Timeout is how long the board may stay silent; default 300ms.
	Timeout time.Duration `yaml:"timeout"`
}

// BoardQSystem are a QSystem-style board's settings.
type BoardQSystem struct {
	Width int `yaml:"width"` // default 4
	// AddressDigits sends the address as that many ASCII digits; 0 (the
	// default) as one byte.
	AddressDigits int           `yaml:"address_digits"`
	Pause         time.Duration `yaml:"pause"` // after each frame; default 50ms
}

// BoardTemplate are a template board's bytes (counterboard.TemplateOpts).
type BoardTemplate struct {
	Show   string        `yaml:"show"`
	Recall string        `yaml:"recall"`
	Blank  string        `yaml:"blank"`
	Pause  time.Duration `yaml:"pause"`
}

// Buttons are the wireless call buttons: their receivers, and how long a
// repeated code counts once. Which code does what is learned in the admin
// pages and kept in the data directory (buttons.json).
type Buttons struct {
	// Window is how long a code repeated (a key held, two receivers in
	// range) counts as one press; default 1.5s.
	Window    time.Duration    `yaml:"window"`
	Receivers []ButtonReceiver `yaml:"receivers"`
}

// ButtonReceiver is a call-button receiver on a serial port.
type ButtonReceiver struct {
	Name   string `yaml:"name"`
	Path   string `yaml:"path"`
	VID    string `yaml:"vid"`
	PID    string `yaml:"pid"`
	Serial string `yaml:"serial"`
	Baud   int    `yaml:"baud"`
	Suffix string `yaml:"suffix"` // as for scanners; default auto (CR, LF or CRLF)
}

// RatingBox is a counter's three-key satisfaction box.
type RatingBox struct {
	Name    string `yaml:"name"`
	Counter string `yaml:"counter"`
	// Type is serial (default) or hid: a USB keyboard box read from its
	// input device (each key followed by Enter).
	Type   string `yaml:"type"`
	Path   string `yaml:"path"`
	VID    string `yaml:"vid"`
	PID    string `yaml:"pid"`
	Serial string `yaml:"serial"`
	Baud   int    `yaml:"baud"`
	Suffix string `yaml:"suffix"` // default auto; none for a box that sends a bare key
	// Keys maps what each key sends to its level: 1 Không hài lòng,
	// 2 Hài lòng, 3 Rất hài lòng. Default {"1": 1, "2": 2, "3": 3}.
	Keys map[string]int `yaml:"keys"`
}

var letterPattern = regexp.MustCompile(`^[A-Z]{1,3}$`)

// checkBoards checks each board and the buses they form.
func (c *Config) checkBoards() []*Error {
	var errs []*Error
	counters := c.counterIDs()
	names := map[string]bool{}
	type bus struct {
		baud  int
		addrs map[int]string
	}
	buses := map[string]*bus{}
	for i := range c.Boards {
		b := &c.Boards[i]
		key := fmt.Sprintf("boards[%d]", i)
		if !idPattern.MatchString(b.Name) || names[b.Name] {
			errs = append(errs, c.fail(key+".name", "%q: a board needs a unique name of letters, digits, - or _", b.Name))
		}
		names[b.Name] = true
		if b.Path == "" {
			errs = append(errs, c.fail(key+".path", "give the bus's serial device (see motcua devices)"))
		}
		if !counters[b.Counter] {
			errs = append(errs, c.fail(key+".counter", "unknown counter %q: a board shows one counter of counters", b.Counter))
		}
		if b.Baud < 0 {
			errs = append(errs, c.fail(key+".baud", "a speed cannot be negative"))
		}
		if b.Baud == 0 {
			b.Baud = 9600
		}
		b.Protocol = strings.ToLower(b.Protocol)
		switch b.Protocol {
		case ProtocolModbus:
			if b.Address < 1 || b.Address > 247 {
				errs = append(errs, c.fail(key+".address", "%d: a Modbus unit id is 1-247", b.Address))
			}
			errs = append(errs, c.checkBoardModbus(key+".modbus", &b.Modbus)...)
		case ProtocolQSystem, ProtocolTemplate:
			if b.Address < 0 || b.Address > 255 {
				errs = append(errs, c.fail(key+".address", "%d: an address is 0-255", b.Address))
			}
			if b.Protocol == ProtocolQSystem && (b.QSystem.AddressDigits < 0 || b.QSystem.AddressDigits > 3 || b.QSystem.Width < 0 || b.QSystem.Pause < 0) {
				errs = append(errs, c.fail(key+".qsystem", "address_digits is 0-3; width and pause cannot be negative"))
			}
			if b.Protocol == ProtocolTemplate && (b.Template == nil || b.Template.Show == "") {
				errs = append(errs, c.fail(key+".template", "a template board needs template.show: its bytes with {address} and {number}"))
			}
		default:
			errs = append(errs, c.fail(key+".protocol", "%q: use modbus, qsystem or template", b.Protocol))
		}
		if len(errs) == 0 {
			d, err := b.Driver()
			if err != nil {
				errs = append(errs, c.fail(key+"."+b.Protocol, "%v", err))
			} else if q, ok := d.(*counterboard.QSystem); ok {
				if err := q.CheckAddress(b.Address); err != nil {
					errs = append(errs, c.fail(key+".address", "%v", err))
				}
			}
		}
		if b.Path == "" {
			continue
		}
		bs, ok := buses[b.Path]
		if !ok {
			bs = &bus{baud: b.Baud, addrs: map[int]string{}}
			buses[b.Path] = bs
		}
		if bs.baud != b.Baud {
			errs = append(errs, c.fail(key+".baud", "%d: the boards on %s run at %d; one bus has one speed", b.Baud, b.Path, bs.baud))
		}
		if other, dup := bs.addrs[b.Address]; dup {
			errs = append(errs, c.fail(key+".address", "%d: board %s on %s has this address already", b.Address, other, b.Path))
		}
		bs.addrs[b.Address] = b.Name
	}
	return errs
}

func (c *Config) checkBoardModbus(key string, m *BoardModbus) []*Error {
	var errs []*Error
	if m.Register < 0 || m.Register > 0xFFFF {
		errs = append(errs, c.fail(key+".register", "%d: a register is 0-65535", m.Register))
	}
	if m.Width < 0 || m.Width > 32 {
		errs = append(errs, c.fail(key+".width", "%d: a board shows 1-32 characters", m.Width))
	}
	m.Encoding = strings.ToLower(m.Encoding)
	if !slices.Contains([]string{"", "ascii", "packed", "numeric"}, m.Encoding) {
		errs = append(errs, c.fail(key+".encoding", "%q: use ascii, packed or numeric", m.Encoding))
	}
	for l, v := range m.Letters {
		if !letterPattern.MatchString(l) || v < 0 || v > 0xFFFF {
			errs = append(errs, c.fail(key+".letters", "%s: %d: letters are 1-3 capitals, codes 0-65535", l, v))
		}
	}
	if m.BlankValue < 0 || m.BlankValue > 0xFFFF {
		errs = append(errs, c.fail(key+".blank_value", "%d: a register holds 0-65535", m.BlankValue))
	}
	if m.Timeout < 0 {
		errs = append(errs, c.fail(key+".timeout", "cannot be negative"))
	}
	return errs
}

// checkButtons checks the call-button receivers and the rating boxes.
func (c *Config) checkButtons() []*Error {
	var errs []*Error
	if c.Buttons.Window < 0 {
		errs = append(errs, c.fail("buttons.window", "cannot be negative"))
	}
	names := map[string]bool{}
	for i, r := range c.Buttons.Receivers {
		key := fmt.Sprintf("buttons.receivers[%d]", i)
		if !idPattern.MatchString(r.Name) || names[r.Name] {
			errs = append(errs, c.fail(key+".name", "%q: a receiver needs a unique name of letters, digits, - or _", r.Name))
		}
		names[r.Name] = true
		errs = append(errs, c.checkPort(key, r.Path, r.VID, r.PID, r.Suffix, r.Baud)...)
	}
	counters := c.counterIDs()
	for i := range c.RatingBoxes {
		rb := &c.RatingBoxes[i]
		key := fmt.Sprintf("rating_boxes[%d]", i)
		if !idPattern.MatchString(rb.Name) || names[rb.Name] {
			errs = append(errs, c.fail(key+".name", "%q: a rating box needs a unique name of letters, digits, - or _ (receivers' names too)", rb.Name))
		}
		names[rb.Name] = true
		if !counters[rb.Counter] {
			errs = append(errs, c.fail(key+".counter", "unknown counter %q: a rating box rates the visits of one counter", rb.Counter))
		}
		errs = append(errs, c.checkPort(key, rb.Path, rb.VID, rb.PID, rb.Suffix, rb.Baud)...)
		switch rb.Type {
		case "", ScannerSerial, ScannerHID:
		default:
			errs = append(errs, c.fail(key+".type", "%q: use serial or hid (a USB keyboard box)", rb.Type))
		}
		if len(rb.Keys) == 0 {
			rb.Keys = map[string]int{"1": 1, "2": 2, "3": 3}
		}
		for k, v := range rb.Keys {
			if strings.TrimSpace(k) == "" || v < 1 || v > 3 {
				errs = append(errs, c.fail(key+".keys", "%q: %d: each key gives a level 1 (Không hài lòng), 2 (Hài lòng) or 3 (Rất hài lòng)", k, v))
			}
		}
	}
	return errs
}

// checkPort checks a serial device given by path or USB ids.
func (c *Config) checkPort(key, path, vid, pid, suffix string, baud int) []*Error {
	var errs []*Error
	switch {
	case path == "" && vid == "" && pid == "":
		errs = append(errs, c.fail(key, "give the device path, or its USB vid and pid (see motcua devices)"))
	case path != "" && (vid != "" || pid != ""):
		errs = append(errs, c.fail(key, "give either path or vid/pid, not both"))
	case path == "" && (!hexID.MatchString(vid) || !hexID.MatchString(pid)):
		errs = append(errs, c.fail(key+".vid", "vid and pid are 4 hex digits each, as motcua devices lists them"))
	}
	if !slices.Contains(suffixes, strings.ToLower(suffix)) {
		errs = append(errs, c.fail(key+".suffix", "%q: use auto, cr, lf, crlf, tab, none or stx-etx", suffix))
	}
	if baud < 0 {
		errs = append(errs, c.fail(key+".baud", "a speed cannot be negative"))
	}
	return errs
}

// Driver is the board's protocol driver, as configured.
func (b Board) Driver() (counterboard.Driver, error) {
	switch b.Protocol {
	case ProtocolModbus:
		m := b.Modbus
		var letters map[string]uint16
		if m.Letters != nil {
			letters = map[string]uint16{}
			for l, v := range m.Letters {
				letters[l] = uint16(v)
			}
		}
		return counterboard.NewModbus(counterboard.ModbusOpts{Register: uint16(m.Register), Width: m.Width,
			Encoding: counterboard.Encoding(m.Encoding), Letters: letters, BlankValue: uint16(m.BlankValue), Blink: m.Blink, Timeout: m.Timeout})
	case ProtocolQSystem:
		return counterboard.NewQSystem(counterboard.QSystemOpts{Width: b.QSystem.Width, AddressDigits: b.QSystem.AddressDigits, Pause: b.QSystem.Pause})
	case ProtocolTemplate:
		if b.Template == nil {
			return nil, fmt.Errorf("template: missing")
		}
		return counterboard.NewTemplate(counterboard.TemplateOpts{Show: b.Template.Show, Recall: b.Template.Recall, Blank: b.Template.Blank, Pause: b.Template.Pause})
	}
	return nil, fmt.Errorf("protocol %q", b.Protocol)
}
