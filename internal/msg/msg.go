package msg

import (
	"sort"
	"strings"
)

// ID names a message of the catalogue.
type ID string

// Code is the API error code that the message answers: the ID up to the
// first dot.
func (id ID) Code() string {
	code, _, _ := strings.Cut(string(id), ".")
	return code
}

// Text is the message of id; an ID missing from the catalogue (a bug the
// package's test catches for every constant) gives its own name.
func (id ID) Text() Text {
	if t, ok := messages[id]; ok {
		return t
	}
	return Text{VI: string(id), EN: string(id)}
}

// VI is the Vietnamese message of id with its slots filled from vars
// (name, value, name, value…).
func (id ID) VI(vars ...string) string { return id.Text().With(vars...).VI }

// Text is one message in Vietnamese and English.
type Text struct {
	VI string `json:"vi"`
	EN string `json:"en"`
}

// With fills the {name} slots of t from vars, given as name, value pairs.
func (t Text) With(vars ...string) Text {
	if len(vars) == 0 {
		return t
	}
	var pairs []string
	for i := 0; i+1 < len(vars); i += 2 {
		pairs = append(pairs, "{"+vars[i]+"}", vars[i+1])
	}
	r := strings.NewReplacer(pairs...)
	return Text{VI: r.Replace(t.VI), EN: r.Replace(t.EN)}
}

// IDs lists every message of the catalogue, sorted.
func IDs() []ID {
	cat := messages
	out := make([]ID, 0, len(cat))
	for id := range cat {
		out = append(out, id)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// ByLanguage is the catalogue as the pages read it: language ("vi", "en")
// to ID to text.
func ByLanguage() map[string]map[ID]string {
	out := map[string]map[ID]string{"vi": {}, "en": {}}
	for id, t := range messages {
		out["vi"][id], out["en"][id] = t.VI, t.EN
	}
	return out
}
