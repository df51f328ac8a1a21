package bench_test

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// reflectMethodUsers are packages that call methods by name through
// reflection (reflect.Value.MethodByName and kin): once a binary can reach
// such a call, the linker must keep every exported method of every type in
// it, all the AWS clients' operations included, and a function grows from
// about 8 MB to 14–22 MB. The platform renders mail without text/template
// (shared/mail), validates phone numbers from generated metadata
// (shared/phone) and scores passwords with generated tables
// (shared/password), so no function needs them.
var reflectMethodUsers = []string{
	"text/template",
	"html/template",
	"google.golang.org/protobuf/",
	"github.com/nyaruka/phonenumbers",
	"github.com/trustelem/zxcvbn",
}

// Every bootstrap stays within 10 MB. Building the binaries to weigh them
// takes minutes, so `make bench` does that (docs/performance.md); this test
// checks in seconds the cause that took three functions over: a dependency
// that keeps every method of the AWS clients in the binary.
func TestFunctionsLeaveUnusedMethodsOut(t *testing.T) {
	// With the build tags of `make build`: lambda.norpc leaves out net/rpc, whose
	// debug page uses html/template.
	cmd := exec.Command("go", "list", "-tags", "lambda.norpc", "-f", `{{.ImportPath}} {{join .Deps " "}}`, "./functions/...")
	cmd.Dir = filepath.Join("..", "..", "..")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) < 10 {
		t.Fatalf("only %d functions listed", len(lines))
	}
	for _, l := range lines {
		fields := strings.Fields(l)
		for _, dep := range fields[1:] {
			for _, bad := range reflectMethodUsers {
				if dep == bad || strings.HasPrefix(dep, bad) && (strings.HasSuffix(bad, "/") || strings.HasPrefix(dep, bad+"/")) {
					t.Errorf("%s depends on %s, which keeps every method of the AWS clients in the binary", fields[0], dep)
				}
			}
		}
	}
}
