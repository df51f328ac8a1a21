package gateway_test

import (
	"encoding/json"
	"os"
	"strings"
	"sync"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/kartamieszkanca/platform/infra/local/stack"
	"github.com/kartamieszkanca/platform/infra/local/testenv"
	"github.com/kartamieszkanca/platform/shared/routes"
)

// bodyRoutes are the routes that take a body, in route table order: the
// fuzzer picks one by index.
var bodyRoutes = func() []routes.Route {
	var out []routes.Route
	for _, r := range routes.All {
		if r.Method == "POST" || r.Method == "PUT" || r.Method == "DELETE" {
			out = append(out, r)
		}
	}
	return out
}()

var (
	tokensOnce sync.Once
	tokens     map[string]string // access → token of a caller it admits
)

func callerTokens(t *testing.T, e *testenv.Env) map[string]string {
	tokensOnce.Do(func() {
		tokens = map[string]string{"resident": resident(t, e)}
		for _, s := range stack.Staff {
			tokens[s.Group] = e.Staff(t, s.Email).AccessToken
		}
	})
	return tokens
}

// tokenFor is a token of a caller the route admits ("" for public routes).
func tokenFor(toks map[string]string, r routes.Route) string {
	switch r.Access {
	case routes.Public:
		return ""
	case routes.Operators:
		return toks[routes.GroupOperators]
	case routes.Partners, routes.Verifiers:
		return toks[routes.GroupPartners]
	default:
		return toks["resident"]
	}
}

// requestExamples are the contract's request body examples, by route key:
// the fuzzer's seeds, so it starts from bodies the handlers accept.
func requestExamples(f testing.TB) map[string]string {
	raw, err := os.ReadFile("../../../openapi.yaml")
	if err != nil {
		f.Fatal(err)
	}
	var doc struct {
		Paths map[string]map[string]struct {
			RequestBody struct {
				Content map[string]struct {
					Example any `yaml:"example"`
				} `yaml:"content"`
			} `yaml:"requestBody"`
		} `yaml:"paths"`
	}
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		f.Fatal(err)
	}
	out := map[string]string{}
	for path, item := range doc.Paths {
		for method, op := range item {
			if ex := op.RequestBody.Content["application/json"].Example; ex != nil {
				b, err := json.Marshal(ex)
				if err != nil {
					f.Fatal(err)
				}
				out[strings.ToUpper(method)+" "+path] = string(b)
			}
		}
	}
	return out
}

// R14.3: no body makes any route answer a server error or anything but a
// problem with a stable code. Each route takes the fuzzed body as a caller it
// admits would send it, through the gateway, on the emulators; `make test`
// runs the seeds (every route with the contract's example, an empty object,
// malformed JSON), `make fuzz` explores from them.
func FuzzRouteBodies(f *testing.F) {
	examples := requestExamples(f)
	for i, r := range bodyRoutes {
		for _, seed := range []string{examples[r.Key()], `{}`, `{"a":`, `[]`, `{"data":{"x":1,"x":2}}`} {
			if seed != "" {
				f.Add(uint8(i), seed)
			}
		}
	}
	f.Fuzz(func(t *testing.T, which uint8, body string) {
		e := testenv.Get(t)
		r := bodyRoutes[int(which)%len(bodyRoutes)]
		path := param.ReplaceAllStringFunc(r.Path, func(p string) string {
			if p == "{profileId}" {
				return "me"
			}
			return "01J9Z3K7Q8X4YV2N6M5T0B1C2D.01J9Z5M2N3P4Q5R6S7T8V9W0X1"
		})
		res := e.Call(t, r.Method, path, tokenFor(callerTokens(t, e), r), body)
		if res.Status >= 500 {
			t.Fatalf("%s with %q: %d %s", r.Key(), body, res.Status, res.Body)
		}
		if res.Status >= 400 {
			var p struct {
				Code   string `json:"code"`
				Status int    `json:"status"`
			}
			if err := json.Unmarshal(res.Body, &p); err != nil || p.Code == "" || p.Status != res.Status {
				t.Fatalf("%s with %q: %d answered %s, not a problem with a code", r.Key(), body, res.Status, res.Body)
			}
		}
	})
}
