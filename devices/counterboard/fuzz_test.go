package counterboard

import (
	"testing"
)

// FuzzTemplate: any template a technician types either is refused with an
// error or fills without panicking, for any number and address.
func FuzzTemplate(f *testing.F) {
	for _, s := range []string{`\x02{address:02}{number:4}{xor}\x03`, `{address:byte}{digits:4}{sum:hex}`, `\{\}\\`, `{number:32}`, `\x`, `{`} {
		f.Add(s, "A012", 7)
	}
	f.Fuzz(func(t *testing.T, tmpl, text string, addr int) {
		tp, err := NewTemplate(TemplateOpts{Show: tmpl, Recall: tmpl, Blank: tmpl})
		if err != nil {
			return
		}
		for _, d := range []Display{{Text: text}, {Text: text, Mark: true}, {}} {
			if _, err := tp.Frame(Board{Address: addr, Counter: "3"}, d); err != nil && d.Blank() && addr >= 0 && addr <= 255 {
				t.Errorf("template %q: a blank display failed: %v", tmpl, err)
			}
		}
	})
}
