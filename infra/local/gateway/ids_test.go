package gateway_test

import (
	"strings"
	"testing"

	"github.com/kartamieszkanca/platform/infra/local/testenv"
	"github.com/kartamieszkanca/platform/shared/routes"
)

// Issue 7, item 9 (R14.3): a path id of the wrong shape, however long, is 404
// `not_found` before any read, on every route with ids, for a caller the
// route admits; never a 500 (and so never an ERROR log, which only internal
// errors make). Table-driven over the route table.
func TestMalformedPathIDsAre404(t *testing.T) {
	e := testenv.Get(t)
	tokens := map[routes.Access]string{
		routes.Resident:  resident(t, e),
		routes.Operators: e.Staff(t, "operator@example.com").AccessToken,
		routes.Partners:  e.Staff(t, "partner@example.com").AccessToken,
		routes.Verifiers: e.Staff(t, "inspector@example.com").AccessToken,
	}
	tokens[routes.Account] = tokens[routes.Resident]
	bad := map[string]string{
		"oversized":      strings.Repeat("A", 2000),
		"oversized ulid": strings.Repeat("01J0000000000000000000000", 80),
		"not an id":      "x01",
		"dot dot":        "..",
		"lower case me":  "ME",
	}
	for _, r := range routes.All {
		if !param.MatchString(r.Path) {
			continue
		}
		for name, id := range bad {
			// Every id malformed, and (on profile paths) only the last one.
			paths := []string{param.ReplaceAllString(r.Path, id)}
			if strings.HasPrefix(r.Path, "/profiles/{profileId}/") {
				last := param.FindAllStringIndex(r.Path, -1)
				i := last[len(last)-1]
				paths = append(paths, strings.Replace(r.Path[:i[0]], "{profileId}", "me", 1)+id+r.Path[i[1]:])
			}
			for _, path := range paths {
				t.Run(r.Key()+" "+name, func(t *testing.T) {
					res := e.Call(t, r.Method, path, tokens[r.Access], "{}")
					if res.Status != 404 {
						t.Fatalf("%s %s: %d %s", r.Method, path[:min(len(path), 80)], res.Status, res.Body)
					}
					if p := res.Problem(t); p.Code != "not_found" {
						t.Fatalf("code %s", p.Code)
					}
				})
			}
		}
	}
}
