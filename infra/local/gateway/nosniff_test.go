package gateway_test

import (
	"strings"
	"testing"

	"github.com/kartamieszkanca/platform/infra/local/testenv"
)

// Every answer, the functions' and the gateway's own, tells browsers not to
// guess its content type.
func TestNoSniff(t *testing.T) {
	e := testenv.Get(t)
	for _, c := range []struct {
		method, path string
		body         any
		status       int
	}{
		{"GET", "/health", nil, 200},
		{"GET", "/consents/clauses", nil, 200},
		{"POST", "/auth/login", `{"email":`, 400},
		{"GET", "/dictionaries/nope", nil, 404},
		{"GET", "/account", nil, 401},
		{"GET", "/nope", nil, 404},
		{"POST", "/auth/login", strings.Repeat("x", 10<<20+1), 413},
		{"GET", "/portal/activate", nil, 200},
		{"GET", "/portal/nope", nil, 404},
	} {
		res := e.Call(t, c.method, c.path, "", c.body)
		if res.Status != c.status {
			t.Errorf("%s %s: %d, want %d", c.method, c.path, res.Status, c.status)
		}
		if got := res.Header.Get("X-Content-Type-Options"); got != "nosniff" {
			t.Errorf("%s %s (%d): X-Content-Type-Options %q", c.method, c.path, res.Status, got)
		}
	}
}
