package gateway_test

import (
	"encoding/base64"
	"regexp"
	"strings"
	"testing"

	"github.com/kartamieszkanca/platform/infra/local/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }

func resident(t *testing.T, e *testenv.Env) string {
	_, tk := e.Resident(t)
	return tk.AccessToken
}

var param = regexp.MustCompile(`\{[^}]+\}`)

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
