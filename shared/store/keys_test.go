package store

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// keyLiterals are the key prefixes and fixed sort keys written in keys.go.
func keyLiterals(t *testing.T) []string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), "keys.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	var out []string
	shape := regexp.MustCompile(`^[A-Z][A-Z0-9]*[#$]?$`)
	ast.Inspect(f, func(n ast.Node) bool {
		lit, ok := n.(*ast.BasicLit)
		if !ok || lit.Kind != token.STRING {
			return true
		}
		s, _ := strconv.Unquote(lit.Value)
		if shape.MatchString(s) && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
		return true
	})
	return out
}

// Every key prefix of keys.go is distinct (none starts another, so a
// begins_with never reaches a neighbour's items) and documented in the table
// of items of docs/architecture.md.
func TestKeyPrefixesDistinctAndDocumented(t *testing.T) {
	lits := keyLiterals(t)
	if len(lits) < 10 {
		t.Fatalf("found only %v in keys.go", lits)
	}
	var prefixes []string
	for _, l := range lits {
		if strings.HasSuffix(l, "#") {
			prefixes = append(prefixes, l)
		}
	}
	for _, a := range prefixes {
		for _, b := range prefixes {
			if a != b && strings.HasPrefix(b, a) {
				t.Errorf("prefix %q starts %q", a, b)
			}
		}
	}
	doc, err := os.ReadFile("../../docs/architecture.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(doc)
	for _, l := range lits {
		if strings.HasSuffix(l, "$") {
			continue // a range bound, not a key
		}
		if !regexp.MustCompile("`[^`]*" + regexp.QuoteMeta(l)).MatchString(text) {
			t.Errorf("%q is not in docs/architecture.md's table of items", l)
		}
	}
}
