package gateway_test

import (
	"encoding/base64"
	"regexp"
	"strings"
	"testing"

	"github.com/kartamieszkanca/platform/infra/local/stack"
	"github.com/kartamieszkanca/platform/infra/local/testenv"
	"github.com/kartamieszkanca/platform/shared/routes"
)

func TestMain(m *testing.M) { testenv.Main(m) }

func resident(t *testing.T, e *testenv.Env) string {
	_, tk := e.Resident(t)
	return tk.AccessToken
}

var param = regexp.MustCompile(`\{[^}]+\}`)

// R14.2, R14.3 and the roles: every non-public route answers 401 without a
// token and 403 to a role its Access does not admit, before its handler runs;
// an admitted role never gets 401 or 403 for its role. Table-driven over the
// route table, so a new route is covered the day it is added.
func TestAuthorizationMatrix(t *testing.T) {
	e := testenv.Get(t)
	callers := map[string]struct {
		token  string
		groups []string
	}{
		"resident": {resident(t, e), nil},
	}
	for _, s := range stack.Staff {
		callers[s.Group] = struct {
			token  string
			groups []string
		}{e.Staff(t, s.Email).AccessToken, []string{s.Group}}
	}
	for _, r := range routes.All {
		path := param.ReplaceAllString(r.Path, "x01")
		if r.Access == routes.Public {
			continue
		}
		t.Run(r.Key(), func(t *testing.T) {
			if res := e.Call(t, r.Method, path, "", nil); res.Status != 401 {
				t.Errorf("no token: %d", res.Status)
			}
			for name, c := range callers {
				res := e.Call(t, r.Method, path, c.token, "{}")
				admitted := r.Access.Admits(c.groups)
				switch {
				case !admitted && res.Status != 403:
					t.Errorf("%s: %d, want 403", name, res.Status)
				case !admitted:
					if p := res.Problem(t); p.Code != "forbidden" {
						t.Errorf("%s: code %s", name, p.Code)
					}
				case res.Status == 401 || res.Status == 403 || res.Status >= 500:
					t.Errorf("%s is admitted but got %d: %s", name, res.Status, res.Body)
				}
			}
		})
	}
}

// The local gateway checks tokens as the JWT authorizer does.
func TestTokenChecks(t *testing.T) {
	e := testenv.Get(t)
	tok := e.Staff(t, "operator@example.com").AccessToken
	parts := strings.Split(tok, ".")
	for name, bad := range map[string]string{
		"not a JWT":       "abc",
		"bad signature":   parts[0] + "." + parts[1] + "." + strings.Repeat("A", len(parts[2])),
		"unsigned":        parts[0] + "." + parts[1] + ".",
		"basic scheme":    "Basic " + tok,
		"empty":           "",
		"another payload": parts[0] + "." + b64(`{"sub":"x","iss":"`+e.Resources.Issuer+`","client_id":"`+e.Resources.ClientID+`","exp":9999999999}`) + "." + parts[2],
	} {
		t.Run(name, func(t *testing.T) {
			res := e.Call(t, "GET", "/account", "", nil, "Authorization", "Bearer "+bad)
			if strings.HasPrefix(bad, "Basic ") {
				res = e.Call(t, "GET", "/account", "", nil, "Authorization", bad)
			}
			if res.Status != 401 {
				t.Fatalf("status %d", res.Status)
			}
		})
	}
	e.Call(t, "GET", "/account", tok, nil).Expect(t, 200)
	// Unknown routes are the gateway's 404.
	e.Call(t, "GET", "/nope", "", nil).Expect(t, 404)
	e.Call(t, "DELETE", "/health", "", nil).Expect(t, 404)
}

func b64(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
