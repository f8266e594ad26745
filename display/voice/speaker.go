package voice

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// ErrUnavailable means the server cannot say this announcement: no clips
// for all its words and no espeak-ng. The page then uses the browser's
// speech synthesis.
var ErrUnavailable = errors.New("voice: no server-side voice for this announcement")

// Opts configure a Speaker. The zero value uses espeak-ng from PATH, if any.
type Opts struct {
	// Clips is a folder of the center's recorded WAV clips, one per word
	// (docs/voice.md names them). Empty: none. Read once by New.
	Clips string
	// Espeak is the espeak-ng program: a path, "" to look for "espeak-ng"
	// in PATH, or "off" to use clips only.
	Espeak string
	// EspeakVoice is the espeak-ng voice. Default "vi" (northern); also
	// "vi-vn-x-central", "vi-vn-x-south".
	EspeakVoice string
	// Speed in words per minute for espeak-ng. Default 135: slower than
	// conversation, for a hall.
	Speed int
	// BatchSpeed is espeak-ng's speed for calls announced together
	// (AnnounceMany), so that the last of four is heard within 10 s of its
	// call. Default 165.
	BatchSpeed int
	// Gap is the pause between clips, and twice it after the invitation.
	// Default 120 ms.
	Gap time.Duration
	// CacheBytes bounds the cache of finished announcements. Default 32 MiB.
	CacheBytes int
	// MaxProcs bounds concurrent espeak-ng processes. Default 2.
	MaxProcs int
	// Timeout bounds one espeak-ng run. Default 10 s.
	Timeout time.Duration
	Logger  *slog.Logger // default slog.Default()
}

// Speaker makes announcements. Create it with New.
type Speaker struct {
	opts   Opts
	espeak string // resolved path, "" when unavailable
	clips  map[string]PCM
	format PCM // rate and channels of the clips (no data)
	chime  PCM
	sem    chan struct{}

	mu     sync.Mutex
	cache  map[string]said
	order  []string // cache keys, oldest first
	size   int
	flight map[string]*flight
}

// said is a finished announcement: its WAV file and, for several calls,
// where each call's part starts in it.
type said struct {
	wav   []byte
	parts []time.Duration
}

type flight struct {
	done chan struct{}
	said
	err error
}

// New reads the clips folder, if any, and finds espeak-ng.
func New(o Opts) (*Speaker, error) {
	if o.EspeakVoice == "" {
		o.EspeakVoice = "vi"
	}
	if o.Speed <= 0 {
		o.Speed = 135
	}
	if o.BatchSpeed <= 0 {
		o.BatchSpeed = 165
	}
	if o.Gap <= 0 {
		o.Gap = 120 * time.Millisecond
	}
	if o.CacheBytes <= 0 {
		o.CacheBytes = 32 << 20
	}
	if o.MaxProcs <= 0 {
		o.MaxProcs = 2
	}
	if o.Timeout <= 0 {
		o.Timeout = 10 * time.Second
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	s := &Speaker{opts: o, sem: make(chan struct{}, o.MaxProcs), cache: map[string]said{},
		flight: map[string]*flight{}, format: PCM{Rate: 22050, Channels: 1}}
	switch o.Espeak {
	case "off":
	case "":
		if p, err := exec.LookPath("espeak-ng"); err == nil {
			s.espeak = p
		}
	default:
		if _, err := os.Stat(o.Espeak); err != nil {
			return nil, fmt.Errorf("voice: espeak-ng: %w", err)
		}
		s.espeak = o.Espeak
	}
	if o.Clips != "" {
		if err := s.loadClips(o.Clips); err != nil {
			return nil, err
		}
	}
	s.chime = Chime(s.format.Rate, s.format.Channels)
	if c, ok := s.clips["chime"]; ok {
		s.chime = c
	}
	return s, nil
}

func (s *Speaker) loadClips(dir string) error {
	files, err := filepath.Glob(filepath.Join(dir, "*.wav"))
	if err != nil {
		return fmt.Errorf("voice: clips: %w", err)
	}
	if len(files) == 0 {
		return fmt.Errorf("voice: clips: no .wav file in %s", dir)
	}
	s.clips = map[string]PCM{}
	for i, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return fmt.Errorf("voice: clips: %w", err)
		}
		p, err := ParseWAV(b)
		if err != nil {
			return fmt.Errorf("voice: clip %s: %w", filepath.Base(f), err)
		}
		if i == 0 {
			s.format = PCM{Rate: p.Rate, Channels: p.Channels}
		} else if p.Rate != s.format.Rate || p.Channels != s.format.Channels {
			return fmt.Errorf("voice: clip %s is %d Hz × %d channels, others %d Hz × %d: record all alike",
				filepath.Base(f), p.Rate, p.Channels, s.format.Rate, s.format.Channels)
		}
		s.clips[strings.TrimSuffix(filepath.Base(f), ".wav")] = p
	}
	return nil
}

// Available reports whether the server can speak at all (clips or
// espeak-ng). When false, pages use the browser's speech synthesis.
func (s *Speaker) Available() bool { return s.espeak != "" || len(s.clips) > 0 }

// Chime is the chime alone, as a WAV file.
func (s *Speaker) Chime() []byte { return s.chime.WAV() }

// Announce returns the chime followed by the call of ticket to the counter,
// as a WAV file. Bad input fails before anything runs.
func (s *Speaker) Announce(ctx context.Context, ticket, counterID, counterName string) ([]byte, error) {
	words, err := Words(ticket, counterID, counterName)
	if err != nil {
		return nil, err
	}
	key := counterID + "|" + Text(words)
	out, err := s.once(ctx, key, 1, func(ctx context.Context) (said, error) {
		wav, err := s.synthesize(ctx, words, counterID)
		return said{wav: wav}, err
	})
	return out.wav, err
}

// AnnounceMany returns one WAV file for calls made together: a short
// chime, the invitation once, then each call's part (PartWords) with a
// pause between, spoken at Opts.BatchSpeed; and where each call's part
// starts in it. Clips are used when every word of every part has one.
// Bad input fails before anything runs.
func (s *Speaker) AnnounceMany(ctx context.Context, calls []Call) ([]byte, []time.Duration, error) {
	if len(calls) == 0 || len(calls) > MaxBatch {
		return nil, nil, fmt.Errorf("voice: %d calls in one announcement (1 to %d)", len(calls), MaxBatch)
	}
	parts := make([][]Word, len(calls))
	var key strings.Builder
	key.WriteString("many")
	for i, c := range calls {
		w, err := PartWords(c)
		if err != nil {
			return nil, nil, err
		}
		parts[i] = w
		key.WriteString("|" + c.CounterID + "|" + Text(w))
	}
	out, err := s.once(ctx, key.String(), len(calls)+1, func(ctx context.Context) (said, error) {
		return s.synthesizeMany(ctx, calls, parts)
	})
	return out.wav, out.parts, err
}

// MaxBatch is how many calls AnnounceMany says in one announcement.
const MaxBatch = 4

// Pauses of an announcement of several calls: after the chime, and before
// each part.
const (
	batchChimeGap = 300 * time.Millisecond
	batchPartGap  = 300 * time.Millisecond
)

// once makes the announcement of key with mk, once for everyone asking at
// the same time, and keeps it in the cache; mk runs espeak-ng at most runs
// times.
func (s *Speaker) once(ctx context.Context, key string, runs int, mk func(context.Context) (said, error)) (said, error) {
	s.mu.Lock()
	if b, ok := s.cache[key]; ok {
		s.mu.Unlock()
		return b, nil
	}
	f, ok := s.flight[key]
	if !ok {
		f = &flight{done: make(chan struct{})}
		s.flight[key] = f
		go s.make(key, runs, mk, f)
	}
	s.mu.Unlock()
	select {
	case <-f.done:
		return f.said, f.err
	case <-ctx.Done():
		return said{}, ctx.Err()
	}
}

// make synthesises one announcement for everyone waiting on f. It runs on
// its own so that a caller who gives up does not cancel the others; its
// duration is bounded by Opts.Timeout per espeak-ng run.
func (s *Speaker) make(key string, runs int, mk func(context.Context) (said, error), f *flight) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Duration(runs)*(s.opts.Timeout+time.Second))
	defer cancel()
	f.said, f.err = mk(ctx)
	s.mu.Lock()
	delete(s.flight, key)
	if f.err == nil {
		s.put(key, f.said)
	}
	s.mu.Unlock()
	close(f.done)
}

// put adds to the cache, evicting the oldest. Caller holds s.mu.
func (s *Speaker) put(key string, b said) {
	if len(b.wav) > s.opts.CacheBytes {
		return
	}
	for s.size+len(b.wav) > s.opts.CacheBytes && len(s.order) > 0 {
		old := s.order[0]
		s.order = s.order[1:]
		s.size -= len(s.cache[old].wav)
		delete(s.cache, old)
	}
	s.cache[key] = b
	s.order = append(s.order, key)
	s.size += len(b.wav)
}

// synthesizeMany makes the announcement of several calls: from clips when
// every word has one, else each piece with espeak-ng, its silent ends
// trimmed.
func (s *Speaker) synthesizeMany(ctx context.Context, calls []Call, parts [][]Word) (said, error) {
	pieces := make([]PCM, 0, len(parts)+1)
	if p, err := s.fromClips([]Word{wordInvite}, ""); err == nil {
		pieces = append(pieces, p)
		for i, w := range parts {
			p, err := s.fromClips(w, calls[i].CounterID)
			if err != nil {
				pieces = pieces[:0]
				break
			}
			pieces = append(pieces, p)
		}
	}
	if len(pieces) == 0 {
		if s.espeak == "" {
			return said{}, ErrUnavailable
		}
		for _, w := range append([][]Word{{wordInvite}}, parts...) {
			p, err := s.fromEspeak(ctx, Plain(w), s.opts.BatchSpeed)
			if err != nil {
				s.opts.Logger.Warn("voice: espeak-ng failed", "err", err)
				return said{}, err
			}
			pieces = append(pieces, Trim(p))
		}
	}
	chime := ShortChime(pieces[0].Rate, pieces[0].Channels)
	if c, ok := s.clips["chime_short"]; ok && c.Rate == pieces[0].Rate && c.Channels == pieces[0].Channels {
		chime = c
	}
	all := []PCM{chime, Silence(chime, batchChimeGap), pieces[0]}
	at := chime.Duration() + batchChimeGap + pieces[0].Duration()
	var starts []time.Duration
	for _, p := range pieces[1:] {
		all = append(all, Silence(chime, batchPartGap), p)
		at += batchPartGap
		starts = append(starts, at)
		at += p.Duration()
	}
	out, err := Join(append(all, Silence(chime, 200*time.Millisecond))...)
	if err != nil {
		return said{}, err
	}
	return said{wav: out.WAV(), parts: starts}, nil
}

func (s *Speaker) synthesize(ctx context.Context, words []Word, counterID string) ([]byte, error) {
	speech, err := s.fromClips(words, counterID)
	if err != nil {
		if s.espeak == "" {
			return nil, err
		}
		if speech, err = s.fromEspeak(ctx, Text(words), s.opts.Speed); err != nil {
			s.opts.Logger.Warn("voice: espeak-ng failed", "err", err)
			return nil, err
		}
	}
	gap := Silence(speech, 300*time.Millisecond)
	chime := s.chime
	if chime.Rate != speech.Rate || chime.Channels != speech.Channels {
		chime = Chime(speech.Rate, speech.Channels)
	}
	out, err := Join(chime, gap, speech, Silence(speech, 200*time.Millisecond))
	if err != nil {
		return nil, err
	}
	return out.WAV(), nil
}

// fromClips joins the recorded clips of words, or fails with ErrUnavailable
// naming the first missing clip. A clip "counter_ID" of the called counter,
// when recorded, replaces the words naming the counter.
func (s *Speaker) fromClips(words []Word, counterID string) (PCM, error) {
	if len(s.clips) == 0 {
		return PCM{}, ErrUnavailable
	}
	var parts []PCM
	for i, w := range words {
		if w == wordCounter || w == wordTo || w == wordQuay {
			if whole, ok := s.clips["counter_"+counterID]; ok {
				parts = append(parts, Silence(s.format, 2*s.opts.Gap), whole)
				break
			}
		}
		c, ok := s.clips[w.Clip]
		if !ok {
			return PCM{}, fmt.Errorf("%w: clip %s.wav missing", ErrUnavailable, w.Clip)
		}
		if i > 0 {
			gap := s.opts.Gap
			if (i == 1 && words[0] == wordInvite) || w == wordCounter || w == wordTo || w == wordQuay || strings.HasPrefix(w.Clip, "field_") {
				gap *= 2
			}
			parts = append(parts, Silence(s.format, gap))
		}
		parts = append(parts, c)
	}
	return Join(parts...)
}

func (s *Speaker) fromEspeak(ctx context.Context, text string, speed int) (PCM, error) {
	if len(text) > 400 {
		return PCM{}, errors.New("voice: text too long")
	}
	select {
	case s.sem <- struct{}{}:
	case <-ctx.Done():
		return PCM{}, ctx.Err()
	}
	defer func() { <-s.sem }()
	ctx, cancel := context.WithTimeout(ctx, s.opts.Timeout)
	defer cancel()
	// Arguments, never a shell; the text goes on stdin so nothing in it is
	// read as an option.
	cmd := exec.CommandContext(ctx, s.espeak, "-v", s.opts.EspeakVoice, "-s", fmt.Sprint(speed), "--stdout")
	cmd.Stdin = strings.NewReader(text)
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Run(); err != nil {
		return PCM{}, fmt.Errorf("voice: espeak-ng: %w: %s", err, strings.TrimSpace(stderr.String()))
	}
	return ParseWAV(out.Bytes())
}
