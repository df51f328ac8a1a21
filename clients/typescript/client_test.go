// Package typescript holds a typed example of a portal's first calls and the
// test that keeps openapi.yaml good enough to generate a client from.
package typescript

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// The client a portal team generates (openapi-typescript, pinned in the local
// npm tools) compiles a card application, a verification and an error branch
// under `tsc --strict`; example.ts also asserts that a wrong form does not
// compile (@ts-expect-error), so a form typed as "anything" fails too.
func TestGeneratedClientCompiles(t *testing.T) {
	bin, err := filepath.Abs("../../.local/emulators/node_modules/.bin")
	if err != nil {
		t.Fatal(err)
	}
	for _, tool := range []string{"openapi-typescript", "tsc"} {
		if _, err := os.Stat(filepath.Join(bin, tool)); err != nil {
			t.Fatalf("%s is not installed: run make deps (%v)", tool, err)
		}
	}
	dir := t.TempDir()
	for _, f := range []string{"example.ts", "tsconfig.json"} {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, f), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	run := func(name string, args ...string) {
		t.Helper()
		cmd := exec.Command(filepath.Join(bin, name), args...)
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%s: %v\n%s", name, err, out)
		}
	}
	spec, err := filepath.Abs("../../openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	run("openapi-typescript", spec, "-o", "api.d.ts")
	run("tsc", "-p", ".")
}
