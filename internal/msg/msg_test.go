package msg

import (
	"go/ast"
	"go/parser"
	"go/token"
	"regexp"
	"slices"
	"strconv"
	"testing"
)

// declared returns every ID constant of catalogue.go.
func declared(t *testing.T) map[string]ID {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), "catalogue.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]ID{}
	ast.Inspect(f, func(n ast.Node) bool {
		vs, ok := n.(*ast.ValueSpec)
		if !ok || vs.Type == nil || vs.Type.(*ast.Ident).Name != "ID" {
			return true
		}
		for i, name := range vs.Names {
			v, _ := strconv.Unquote(vs.Values[i].(*ast.BasicLit).Value)
			out[name.Name] = ID(v)
		}
		return true
	})
	return out
}

var slot = regexp.MustCompile(`\{[a-z_]+\}`)

func TestCatalogueComplete(t *testing.T) {
	consts := declared(t)
	if len(consts) != len(messages) {
		t.Errorf("%d ID constants, %d messages", len(consts), len(messages))
	}
	seenID, seenVI := map[ID]string{}, map[string]ID{}
	for name, id := range consts {
		if other, dup := seenID[id]; dup {
			t.Errorf("%s and %s are both %q", name, other, id)
		}
		seenID[id] = name
		tx, ok := messages[id]
		if !ok {
			t.Errorf("%s (%q) has no message", name, id)
			continue
		}
		if tx.VI == "" || tx.EN == "" {
			t.Errorf("%s: missing a language: %+v", name, tx)
		}
		if vs, es := slot.FindAllString(tx.VI, -1), slot.FindAllString(tx.EN, -1); !sameSet(vs, es) {
			t.Errorf("%s: slots %v in Vietnamese, %v in English", name, vs, es)
		}
		if other, dup := seenVI[tx.VI]; dup {
			t.Errorf("%s and %s say the same %q: keep one", id, other, tx.VI)
		}
		seenVI[tx.VI] = id
	}
}

func sameSet(a, b []string) bool {
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(slices.Compact(a), slices.Compact(b))
}

func TestIDs(t *testing.T) {
	for _, tc := range []struct {
		id       ID
		code, vi string
		vars     []string
	}{
		{QueueEmpty, "queue_empty", "Không còn ai đang chờ.", nil},
		{RouteNotFound, "not_found", "Không có trang hoặc API này.", nil},
		{FieldDossierCode, "invalid_field", "dossier_code: mã hồ sơ không đúng định dạng.", nil},
		{CounterInUse, "counter_in_use", "Quầy 3 đang được mở ở máy khác (tài khoản canbo1, từ 08:05).",
			[]string{"counter", "3", "user", "canbo1", "since", "08:05"}},
		{ID("no_such"), "no_such", "no_such", nil},
	} {
		if got := tc.id.Code(); got != tc.code {
			t.Errorf("%s.Code() = %q, want %q", tc.id, got, tc.code)
		}
		if got := tc.id.VI(tc.vars...); got != tc.vi {
			t.Errorf("%s.VI = %q, want %q", tc.id, got, tc.vi)
		}
	}
	if got := CounterInUse.Text().With("counter", "3", "user", "a", "since", "9:00").EN; got != "Counter 3 is open on another console (account a, since 9:00)." {
		t.Errorf("English with slots: %q", got)
	}
	by := ByLanguage()
	if by["vi"][ServiceClosed] != ServiceClosed.Text().VI || by["en"][ServiceClosed] != ServiceClosed.Text().EN || len(by["en"]) != len(IDs()) {
		t.Errorf("ByLanguage does not match the catalogue")
	}
}
