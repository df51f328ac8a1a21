package catalog

import (
	"flag"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"sort"
	"strings"
	"testing"

	"github.com/kartamieszkanca/platform/shared/routes"
)

var update = flag.Bool("update", false, "write functions/*/main.go from the catalog")

// funcName is "github.com/…/shared/account.Register" → ("…/shared/account", "account.Register").
func funcName(f any) (importPath, ref string) {
	full := runtime.FuncForPC(reflect.ValueOf(f).Pointer()).Name()
	dot := strings.LastIndex(full, ".")
	importPath = full[:dot]
	return importPath, importPath[strings.LastIndex(importPath, "/")+1:] + full[dot:]
}

// jobName is funcName for a job: a job's handler is a package variable made
// by schedule.Job, whose closure is named after the package's init, not the
// variable; the variable is the one catalog.go's Jobs names in that package.
func jobName(f any) (importPath, ref string, err error) {
	full := runtime.FuncForPC(reflect.ValueOf(f).Pointer()).Name()
	slash := strings.LastIndex(full, "/")
	importPath = full[:slash+strings.Index(full[slash:], ".")]
	pkg := importPath[strings.LastIndex(importPath, "/")+1:]
	file, err := parser.ParseFile(token.NewFileSet(), "catalog.go", nil, 0)
	if err != nil {
		return "", "", err
	}
	ast.Inspect(file, func(n ast.Node) bool {
		vs, ok := n.(*ast.ValueSpec)
		if !ok || len(vs.Names) != 1 || vs.Names[0].Name != "Jobs" || len(vs.Values) != 1 {
			return true
		}
		for _, el := range vs.Values[0].(*ast.CompositeLit).Elts {
			if sel, ok := el.(*ast.KeyValueExpr).Value.(*ast.SelectorExpr); ok {
				if id, ok := sel.X.(*ast.Ident); ok && id.Name == pkg {
					ref = pkg + "." + sel.Sel.Name
				}
			}
		}
		return false
	})
	if ref == "" {
		return "", "", fmt.Errorf("catalog.go's Jobs names no handler of package %s", pkg)
	}
	return importPath, ref, nil
}

// imports is the sorted import block gofmt keeps.
func imports(handlerPkg string) string {
	ps := []string{"github.com/kartamieszkanca/platform/shared/entry", handlerPkg}
	sort.Strings(ps)
	return fmt.Sprintf("\t%q\n\t%q\n", ps[0], ps[1])
}

func mainFor(name string) (string, error) {
	if f, ok := HTTP[name]; ok {
		r, _ := routes.ByFunction(name)
		imp, ref := funcName(f)
		return fmt.Sprintf(`// Command %s serves %s: %s.
package main

import (
%s)

func main() { entry.HTTP(%q, %s) }
`, name, r.Key(), strings.ToLower(r.Summary[:1])+r.Summary[1:], imports(imp), name, ref), nil
	}
	if f, ok := Jobs[name]; ok {
		imp, ref, err := jobName(f)
		if err != nil {
			return "", err
		}
		return fmt.Sprintf(`// Command %s is a scheduled job.
package main

import (
%s)

func main() { entry.Scheduled(%q, %s) }
`, name, imports(imp), name, ref), nil
	}
	if f, ok := Streams[name]; ok {
		imp, ref := funcName(f)
		return fmt.Sprintf(`// Command %s consumes the table's stream.
package main

import (
%s)

func main() { entry.Stream(%q, %s) }
`, name, imports(imp), name, ref), nil
	}
	return "", fmt.Errorf("function %q has no handler in the catalog", name)
}

// TestFunctionsWiring: every route and job has a handler and a functions/<name>/
// main.go that is wiring only (exactly the generated one); no folder lacks a
// route. `make functions` rewrites them.
func TestFunctionsWiring(t *testing.T) {
	root := filepath.Join("..", "..", "functions")
	want := map[string]bool{}
	for _, name := range routes.Functions() {
		want[name] = true
		src, err := mainFor(name)
		if err != nil {
			t.Error(err)
			continue
		}
		path := filepath.Join(root, name, "main.go")
		if *update {
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(path)
		if err != nil {
			t.Errorf("route function %s has no main.go: %v (run make functions)", name, err)
			continue
		}
		if string(got) != src {
			t.Errorf("%s is not the wiring the catalog gives (run make functions)", path)
		}
	}
	entries, err := os.ReadDir(root)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if !want[e.Name()] {
			t.Errorf("functions/%s has no route or job in the route table", e.Name())
		}
	}
	for name := range HTTP {
		if _, ok := routes.ByFunction(name); !ok {
			t.Errorf("catalog handler %s has no route", name)
		}
	}
}
