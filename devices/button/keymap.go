package button

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"
)

// Action is what a call button does at its counter.
type Action string

// The actions of a call button: the console's buttons.
const (
	ActionNext     Action = "next"
	ActionRecall   Action = "recall"
	ActionNoShow   Action = "no_show"
	ActionComplete Action = "complete"
)

// Actions lists the actions in the order the learning page offers them.
func Actions() []Action { return []Action{ActionNext, ActionRecall, ActionNoShow, ActionComplete} }

// Valid reports whether a is one of Actions.
func (a Action) Valid() bool { return slices.Contains(Actions(), a) }

// Binding is a learned code and what it does.
type Binding struct {
	Code      string    `json:"code"`
	Counter   string    `json:"counter"`
	Action    Action    `json:"action"`
	LearnedAt time.Time `json:"learned_at"`
}

// Learning is an armed learn mode: the next code pressed before Until is
// bound to Counter and Action.
type Learning struct {
	Counter string    `json:"counter"`
	Action  Action    `json:"action"`
	Until   time.Time `json:"until"`
}

// Errors of a Keymap.
var (
	ErrBadAction = errors.New("button: thao tác không hợp lệ (next, recall, no_show, complete)")
	ErrNoCounter = errors.New("button: thiếu quầy")
	ErrUnknown   = errors.New("button: mã nút chưa được học")
)

// recentMax is how many unknown codes the learning page sees.
const recentMax = 10

// Keymap is the learned codes, kept in a JSON file.
type Keymap struct {
	path string

	mu       sync.Mutex
	bindings map[string]Binding
	learning *Learning
	unknown  []Press // newest last
}

type keymapFile struct {
	Bindings []Binding `json:"bindings"`
}

// OpenKeymap loads the bindings at path (none when the file does not
// exist yet).
func OpenKeymap(path string) (*Keymap, error) {
	k := &Keymap{path: path, bindings: map[string]Binding{}}
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return k, nil
	}
	if err != nil {
		return nil, fmt.Errorf("button: %w", err)
	}
	var f keymapFile
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("button: %s hỏng: %w", path, err)
	}
	for _, b := range f.Bindings {
		k.bindings[b.Code] = b
	}
	return k, nil
}

// Lookup returns the binding of code.
func (k *Keymap) Lookup(code string) (Binding, bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	b, ok := k.bindings[code]
	return b, ok
}

// Bindings are the learned codes, by counter then action.
func (k *Keymap) Bindings() []Binding {
	k.mu.Lock()
	defer k.mu.Unlock()
	out := make([]Binding, 0, len(k.bindings))
	for _, b := range k.bindings {
		out = append(out, b)
	}
	order := map[Action]int{}
	for i, a := range Actions() {
		order[a] = i
	}
	slices.SortFunc(out, func(a, b Binding) int {
		if c := strings.Compare(a.Counter, b.Counter); c != 0 {
			return c
		}
		if c := order[a.Action] - order[b.Action]; c != 0 {
			return c
		}
		return strings.Compare(a.Code, b.Code)
	})
	return out
}

// Learn arms the learn mode until until: the next code pressed is bound to
// counter and action (replacing what it did before, and any other code
// bound to that counter and action stays).
func (k *Keymap) Learn(counter string, a Action, until time.Time) error {
	if counter == "" {
		return ErrNoCounter
	}
	if !a.Valid() {
		return ErrBadAction
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	k.learning = &Learning{Counter: counter, Action: a, Until: until}
	return nil
}

// CancelLearn disarms the learn mode.
func (k *Keymap) CancelLearn() {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.learning = nil
}

// Learning returns the armed learn mode, if it has not expired at now.
func (k *Keymap) Learning(now time.Time) (Learning, bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.learning == nil || !now.Before(k.learning.Until) {
		return Learning{}, false
	}
	return *k.learning, true
}

// Unknown are the last codes pressed that no binding knows, newest last.
func (k *Keymap) Unknown() []Press {
	k.mu.Lock()
	defer k.mu.Unlock()
	return slices.Clone(k.unknown)
}

// Press handles a press: in learn mode it binds the code (learned true) and
// saves the file before returning; otherwise it returns the code's binding,
// or ErrUnknown (and keeps the press among the unknown codes).
func (k *Keymap) Press(p Press) (b Binding, learned bool, err error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if l := k.learning; l != nil && p.At.Before(l.Until) {
		b = Binding{Code: p.Code, Counter: l.Counter, Action: l.Action, LearnedAt: p.At}
		prev, had := k.bindings[p.Code]
		k.bindings[p.Code] = b
		if err := k.save(); err != nil {
			if had {
				k.bindings[p.Code] = prev
			} else {
				delete(k.bindings, p.Code)
			}
			return Binding{}, false, err
		}
		k.learning = nil
		k.unknown = slices.DeleteFunc(k.unknown, func(u Press) bool { return u.Code == p.Code })
		return b, true, nil
	}
	if b, ok := k.bindings[p.Code]; ok {
		return b, false, nil
	}
	k.unknown = append(k.unknown, p)
	if n := len(k.unknown) - recentMax; n > 0 {
		k.unknown = slices.Delete(k.unknown, 0, n)
	}
	return Binding{}, false, ErrUnknown
}

// Forget removes code's binding and saves the file.
func (k *Keymap) Forget(code string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	prev, ok := k.bindings[code]
	if !ok {
		return ErrUnknown
	}
	delete(k.bindings, code)
	if err := k.save(); err != nil {
		k.bindings[code] = prev
		return err
	}
	return nil
}

// save writes the bindings to a new file, syncs it and renames it over the
// old one (then syncs the directory): the file is the old or the new one,
// never half of either.
func (k *Keymap) save() error {
	f := keymapFile{Bindings: make([]Binding, 0, len(k.bindings))}
	for _, b := range k.bindings {
		f.Bindings = append(f.Bindings, b)
	}
	slices.SortFunc(f.Bindings, func(a, b Binding) int { return strings.Compare(a.Code, b.Code) })
	data, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return fmt.Errorf("button: %w", err)
	}
	dir := filepath.Dir(k.path)
	tmp, err := os.CreateTemp(dir, ".buttons-*.json")
	if err != nil {
		return fmt.Errorf("button: lưu mã nút: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(append(data, '\n')); err != nil {
		tmp.Close()
		return fmt.Errorf("button: lưu mã nút: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("button: lưu mã nút: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("button: lưu mã nút: %w", err)
	}
	if err := os.Rename(tmp.Name(), k.path); err != nil {
		return fmt.Errorf("button: lưu mã nút: %w", err)
	}
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}
