package yamlconf

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// Error is a mistake in a YAML file, naming the key and its line:
// "config center.yaml:9: counters[0].services[1]: unknown field "E"".
type Error struct {
	// Prefix says which file it is, as the package that reads it names
	// its errors: "config", "procedures".
	Prefix string
	File   string // "" when the data was not read from a file
	Line   int    // 0 when unknown
	Key    string // the key path, "" for a syntax error
	Msg    string
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Prefix)
	if e.File != "" {
		b.WriteString(" " + e.File)
	}
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	if e.Key != "" {
		b.WriteString(": " + e.Key)
	}
	b.WriteString(": " + e.Msg)
	return b.String()
}

// WithFile names file in err when err is an *Error, and returns err.
func WithFile(err error, file string) error {
	var e *Error
	if errors.As(err, &e) {
		e.File = file
	}
	return err
}

// Lines is the line of every key path of a document: "fields[1].code" is
// the line of the key code in the second item of fields; "fields[1]" is the
// line where that item starts.
type Lines map[string]int

// Line is the line of key, or of its nearest parent present in the file
// (a default the file leaves out is blamed on its section); 0 when none is.
func (l Lines) Line(key string) int {
	for k := key; k != ""; {
		if n, ok := l[k]; ok {
			return n
		}
		i := strings.LastIndexAny(k, ".[")
		if i < 0 {
			break
		}
		k = k[:i]
	}
	return 0
}

// Decode reads data into v, refusing keys v has no field for, and returns
// the lines of its keys. A syntax or type error is an *Error with prefix
// and the line the parser gave. Empty data decodes to nothing.
func Decode(prefix string, data []byte, v any) (Lines, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, parseError(prefix, err)
	}
	lines := Lines{}
	lines.index(&root, "")
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(v); err != nil && !errors.Is(err, io.EOF) {
		return nil, parseError(prefix, err)
	}
	return lines, nil
}

func (l Lines) index(n *yaml.Node, path string) {
	switch n.Kind {
	case yaml.DocumentNode:
		for _, c := range n.Content {
			l.index(c, path)
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i].Value
			if path != "" {
				k = path + "." + k
			}
			l[k] = n.Content[i].Line
			l.index(n.Content[i+1], k)
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			k := fmt.Sprintf("%s[%d]", path, i)
			l[k] = c.Line
			l.index(c, k)
		}
	}
}

var parserLine = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)

// parseError turns the parser's first complaint into an Error with its line.
func parseError(prefix string, err error) error {
	msg := err.Error()
	var te *yaml.TypeError
	if errors.As(err, &te) && len(te.Errors) > 0 {
		msg = te.Errors[0]
	}
	if m := parserLine.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		return &Error{Prefix: prefix, Line: line, Msg: m[2]}
	}
	return &Error{Prefix: prefix, Msg: strings.TrimPrefix(msg, "yaml: ")}
}
