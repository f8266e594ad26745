package voice

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"time"
)

// PCM is 16-bit little-endian linear PCM audio.
type PCM struct {
	Rate     int // samples per second
	Channels int
	Data     []byte // interleaved 16-bit little-endian samples
}

// ParseWAV reads a RIFF/WAVE file of 16-bit PCM. It accepts the placeholder
// sizes that programs writing to a pipe (espeak-ng --stdout) leave in the
// header: a data chunk runs at most to the end of the file.
func ParseWAV(b []byte) (PCM, error) {
	if len(b) < 12 || string(b[0:4]) != "RIFF" || string(b[8:12]) != "WAVE" {
		return PCM{}, errors.New("voice: not a WAV file")
	}
	var p PCM
	var bits int
	haveFmt := false
	for off := 12; off+8 <= len(b); {
		id := string(b[off : off+4])
		size := int(binary.LittleEndian.Uint32(b[off+4 : off+8]))
		body := b[off+8:]
		if size < 0 || size > len(body) {
			size = len(body)
		}
		body = body[:size]
		switch id {
		case "fmt ":
			if size < 16 {
				return PCM{}, errors.New("voice: short fmt chunk")
			}
			format := binary.LittleEndian.Uint16(body[0:2])
			p.Channels = int(binary.LittleEndian.Uint16(body[2:4]))
			p.Rate = int(binary.LittleEndian.Uint32(body[4:8]))
			bits = int(binary.LittleEndian.Uint16(body[14:16]))
			if format != 1 || bits != 16 || p.Channels < 1 || p.Channels > 2 || p.Rate < 8000 || p.Rate > 96000 {
				return PCM{}, fmt.Errorf("voice: need 16-bit PCM mono or stereo at 8-96 kHz (format %d, %d bits, %d channels, %d Hz)",
					format, bits, p.Channels, p.Rate)
			}
			haveFmt = true
		case "data":
			if !haveFmt {
				return PCM{}, errors.New("voice: data before fmt")
			}
			frame := 2 * p.Channels
			p.Data = body[:len(body)/frame*frame]
			return p, nil
		}
		off += 8 + size + size%2
	}
	return PCM{}, errors.New("voice: no data chunk")
}

// WAV encodes p as a RIFF/WAVE file.
func (p PCM) WAV() []byte {
	out := make([]byte, 44, 44+len(p.Data))
	copy(out[0:], "RIFF")
	binary.LittleEndian.PutUint32(out[4:], uint32(36+len(p.Data)))
	copy(out[8:], "WAVEfmt ")
	binary.LittleEndian.PutUint32(out[16:], 16)
	binary.LittleEndian.PutUint16(out[20:], 1)
	binary.LittleEndian.PutUint16(out[22:], uint16(p.Channels))
	binary.LittleEndian.PutUint32(out[24:], uint32(p.Rate))
	binary.LittleEndian.PutUint32(out[28:], uint32(p.Rate*p.Channels*2))
	binary.LittleEndian.PutUint16(out[32:], uint16(p.Channels*2))
	binary.LittleEndian.PutUint16(out[34:], 16)
	copy(out[36:], "data")
	binary.LittleEndian.PutUint32(out[40:], uint32(len(p.Data)))
	return append(out, p.Data...)
}

// Duration is how long p plays.
func (p PCM) Duration() time.Duration {
	if p.Rate == 0 || p.Channels == 0 {
		return 0
	}
	return time.Duration(len(p.Data)/(2*p.Channels)) * time.Second / time.Duration(p.Rate)
}

// Silence is d of silence in the format of like.
func Silence(like PCM, d time.Duration) PCM {
	n := int(d.Seconds() * float64(like.Rate))
	return PCM{Rate: like.Rate, Channels: like.Channels, Data: make([]byte, n*2*like.Channels)}
}

// Join concatenates parts, which must share one format.
func Join(parts ...PCM) (PCM, error) {
	if len(parts) == 0 {
		return PCM{}, errors.New("voice: nothing to join")
	}
	out := PCM{Rate: parts[0].Rate, Channels: parts[0].Channels}
	n := 0
	for _, p := range parts {
		if p.Rate != out.Rate || p.Channels != out.Channels {
			return PCM{}, fmt.Errorf("voice: cannot join %d Hz × %d with %d Hz × %d", p.Rate, p.Channels, out.Rate, out.Channels)
		}
		n += len(p.Data)
	}
	out.Data = make([]byte, 0, n)
	for _, p := range parts {
		out.Data = append(out.Data, p.Data...)
	}
	return out, nil
}

// Trim drops the silence at both ends of p (samples below about -40 dB),
// keeping 20 ms on each side.
func Trim(p PCM) PCM {
	frame := 2 * p.Channels
	if frame == 0 || len(p.Data) < frame {
		return p
	}
	loud := func(i int) bool {
		for c := range p.Channels {
			v := int16(binary.LittleEndian.Uint16(p.Data[i*frame+2*c:]))
			if v > 300 || v < -300 {
				return true
			}
		}
		return false
	}
	n := len(p.Data) / frame
	first, last := 0, n-1
	for first < n && !loud(first) {
		first++
	}
	for last > first && !loud(last) {
		last--
	}
	if first >= n {
		return PCM{Rate: p.Rate, Channels: p.Channels}
	}
	keep := p.Rate / 50
	first, last = max(first-keep, 0), min(last+keep, n-1)
	return PCM{Rate: p.Rate, Channels: p.Channels, Data: p.Data[first*frame : (last+1)*frame]}
}

// Chime synthesises the two-tone "ding-dong" played before each
// announcement: E6 then C6, each a decaying bell with one overtone.
func Chime(rate, channels int) PCM {
	return bell(rate, channels, 1.4, []tone{{1318.5, 0}, {1046.5, 0.45}})
}

// ShortChime is the first tone of Chime alone, 0.6 s: the chime of an
// announcement of several calls, which has more to say.
func ShortChime(rate, channels int) PCM {
	p := bell(rate, channels, 0.6, []tone{{1318.5, 0}})
	// Fade the last 60 ms out: the bell still rings when it is cut.
	frames, fade := len(p.Data)/(2*channels), rate*60/1000
	for i := max(frames-fade, 0); i < frames; i++ {
		k := float64(frames-1-i) / float64(fade)
		for c := range channels {
			at := (i*channels + c) * 2
			v := float64(int16(binary.LittleEndian.Uint16(p.Data[at:])))
			binary.LittleEndian.PutUint16(p.Data[at:], uint16(int16(v*k)))
		}
	}
	return p
}

type tone struct {
	hz    float64
	start float64 // seconds
}

// bell is length seconds of decaying bell tones.
func bell(rate, channels int, length float64, tones []tone) PCM {
	n := int(length * float64(rate))
	p := PCM{Rate: rate, Channels: channels, Data: make([]byte, n*2*channels)}
	for i := range n {
		t := float64(i) / float64(rate)
		var v float64
		for _, tn := range tones {
			dt := t - tn.start
			if dt < 0 {
				continue
			}
			attack := math.Min(dt/0.005, 1) // 5 ms: no click
			env := attack * math.Exp(-dt*3.2)
			v += env * (math.Sin(2*math.Pi*tn.hz*dt) + 0.3*math.Sin(2*math.Pi*2*tn.hz*dt))
		}
		s := int16(math.Max(-1, math.Min(1, v*0.35)) * 32767)
		for c := range channels {
			binary.LittleEndian.PutUint16(p.Data[(i*channels+c)*2:], uint16(s))
		}
	}
	return p
}
