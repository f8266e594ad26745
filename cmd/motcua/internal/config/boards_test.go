package config

import (
	"errors"
	"os"
	"strings"
	"testing"
	"time"
)

const hardwareBase = `center: {name: "UBND xã Tân Phú"}
fields:
  - {code: A, name: Hộ tịch}
counters:
  - {id: "1", services: [A]}
  - {id: "2", services: [A]}
boards:
  - {name: q1, path: /dev/ttyUSB0, protocol: modbus, address: 1, counter: "1", modbus: {encoding: packed, blink: true}}
  - {name: q2, path: /dev/ttyUSB0, protocol: modbus, address: 2, counter: "2"}
  - {name: q3, path: /dev/ttyUSB1, protocol: qsystem, address: 3, counter: "1", qsystem: {address_digits: 2}}
  - {name: q4, path: /dev/ttyUSB1, protocol: template, address: 4, counter: "2", template: {show: '\x02{address:02}{number:4}\x03'}}
buttons:
  window: 2s
  receivers:
    - {name: rx1, path: /dev/ttyUSB2}
rating_boxes:
  - {name: hop1, counter: "1", path: /dev/ttyUSB3, suffix: none}
`

func TestHardwareConfig(t *testing.T) {
	c, err := Parse([]byte(hardwareBase))
	if err != nil {
		t.Fatal(err)
	}
	if c.Boards[1].Baud != 9600 || c.Buttons.Window != 2*time.Second {
		t.Errorf("defaults: baud %d window %v", c.Boards[1].Baud, c.Buttons.Window)
	}
	if k := c.RatingBoxes[0].Keys; len(k) != 3 || k["1"] != 1 || k["3"] != 3 {
		t.Errorf("rating keys default %v", k)
	}
	for _, b := range c.Boards {
		if _, err := b.Driver(); err != nil {
			t.Errorf("board %s: %v", b.Name, err)
		}
	}
}

func TestHardwareConfigMistakes(t *testing.T) {
	cases := []struct{ old, new, want string }{
		{"address: 2, counter", "address: 1, counter", "config:9: boards[1].address: 1: board q1 on /dev/ttyUSB0 has this address already"},
		{"address: 2, counter", "address: 0, counter", "config:9: boards[1].address: 0: a Modbus unit id is 1-247"},
		{`counter: "2"}`, `counter: "9"}`, `config:9: boards[1].counter: unknown counter "9": a board shows one counter of counters`},
		{"protocol: qsystem", "protocol: ascii", `config:10: boards[2].protocol: "ascii": use modbus, qsystem or template`},
		{"path: /dev/ttyUSB0, protocol: modbus, address: 2", "path: /dev/ttyUSB0, baud: 19200, protocol: modbus, address: 2", "config:9: boards[1].baud: 19200: the boards on /dev/ttyUSB0 run at 9600; one bus has one speed"},
		{"encoding: packed", "encoding: bcd", `config:8: boards[0].modbus.encoding: "bcd": use ascii, packed or numeric`},
		{"{number:4}", "{nombre}", "config:11: boards[3].template: counterboard: template show: chỗ trống {nombre} không có (address, number, digits, counter, sum, xor)"},
		{"{name: rx1, path: /dev/ttyUSB2}", "{name: rx1}", "config:15: buttons.receivers[0]: give the device path, or its USB vid and pid (see motcua devices)"},
		{`{name: hop1, counter: "1"`, `{name: rx1, counter: "1"`, `config:17: rating_boxes[0].name: "rx1": a rating box needs a unique name of letters, digits, - or _ (receivers' names too)`},
		{"suffix: none}", "suffix: none, keys: {A: 4}}", `config:17: rating_boxes[0].keys: "A": 4: each key gives a level 1 (Không hài lòng), 2 (Hài lòng) or 3 (Rất hài lòng)`},
		{`address: 3, counter: "1", qsystem: {address_digits: 2}}`, `address: 7, counter: "1"}`, "config:10: boards[2].address: counterboard: địa chỉ 7 trùng byte đầu hoặc cuối khung (0x01, 0x07): đặt address_digits để gửi địa chỉ bằng chữ số"},
		{"window: 2s", "window: -2s", "config:13: buttons.window: cannot be negative"},
	}
	for _, tc := range cases {
		t.Run(tc.new, func(t *testing.T) {
			yaml := strings.Replace(hardwareBase, tc.old, tc.new, 1)
			if yaml == hardwareBase {
				t.Fatalf("%q is not in the base", tc.old)
			}
			_, err := Parse([]byte(yaml))
			var ce *Error
			if !errors.As(err, &ce) || err.Error() != tc.want {
				t.Fatalf("got  %v\nwant %s", err, tc.want)
			}
		})
	}
}

// The commented hardware section of configs/center.example.yaml parses
// once uncommented: its keys and values are the ones Check takes.
func TestExampleHardwareSection(t *testing.T) {
	data, err := os.ReadFile("../../../../configs/center.example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	at := strings.Index(text, "\n# boards:\n")
	if at < 0 {
		t.Fatal("no commented boards: section in the example")
	}
	// The hardware sections end at the first blank line after rating_boxes.
	rest := text[at+1:]
	if r := strings.Index(rest, "\n# rating_boxes:\n"); r >= 0 {
		if e := strings.Index(rest[r+1:], "\n\n"); e >= 0 {
			rest = rest[:r+1+e+1]
		}
	}
	var out []string
	for _, line := range strings.Split(rest, "\n") {
		for _, key := range []string{"# boards:", "# buttons:", "# rating_boxes:"} {
			if line == key {
				line = line[2:]
			}
		}
		if strings.HasPrefix(line, "#  ") {
			line = line[2:]
		}
		out = append(out, line)
	}
	c, err := Parse([]byte(text[:at+1] + strings.Join(out, "\n")))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Boards) != 3 || len(c.Buttons.Receivers) != 1 || len(c.RatingBoxes) != 1 {
		t.Errorf("example: %d boards, %d receivers, %d rating boxes", len(c.Boards), len(c.Buttons.Receivers), len(c.RatingBoxes))
	}
}
