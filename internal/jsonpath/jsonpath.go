package jsonpath

import (
	"encoding/json"
	"strconv"
	"strings"
)

// Lookup follows path, dot-separated object keys and array indexes, from
// v; "" is v itself. ok is false when a step is missing.
func Lookup(v any, path string) (any, bool) {
	if path == "" {
		return v, true
	}
	for key := range strings.SplitSeq(path, ".") {
		switch node := v.(type) {
		case map[string]any:
			next, ok := node[key]
			if !ok {
				return nil, false
			}
			v = next
		case []any:
			i, err := strconv.Atoi(key)
			if err != nil || i < 0 || i >= len(node) {
				return nil, false
			}
			v = node[i]
		default:
			return nil, false
		}
	}
	return v, true
}

// Scalar is the text of a JSON string, number (json.Number) or boolean;
// "" for anything else.
func Scalar(v any) string {
	switch s := v.(type) {
	case string:
		return s
	case json.Number:
		return s.String()
	case bool:
		return strconv.FormatBool(s)
	}
	return ""
}
