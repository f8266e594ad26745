package jsonpath_test

import (
	"encoding/json"
	"strings"
	"testing"

	"motcua/internal/jsonpath"
)

func TestLookupAndScalar(t *testing.T) {
	d := json.NewDecoder(strings.NewReader(`{"data":{"items":[{"code":"A1","n":12,"ok":true,"x":null}]},"s":"x"}`))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		path string
		ok   bool
		want string
	}{
		{"s", true, "x"},
		{"data.items.0.code", true, "A1"},
		{"data.items.0.n", true, "12"},
		{"data.items.0.ok", true, "true"},
		{"data.items.0.x", true, ""},
		{"data.items.1.code", false, ""},
		{"data.items.-1", false, ""},
		{"data.items.a", false, ""},
		{"s.deeper", false, ""},
		{"missing", false, ""},
	} {
		got, ok := jsonpath.Lookup(v, tc.path)
		if ok != tc.ok || jsonpath.Scalar(got) != tc.want {
			t.Errorf("%q: %v %v, want %q %v", tc.path, jsonpath.Scalar(got), ok, tc.want, tc.ok)
		}
	}
	if got, ok := jsonpath.Lookup(v, ""); !ok || got == nil {
		t.Error(`"" is not the value itself`)
	}
	if jsonpath.Scalar(map[string]any{}) != "" {
		t.Error("an object has a scalar's text")
	}
}
