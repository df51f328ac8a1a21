package verification_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/kartamieszkanca/platform/infra/local/testenv"
	"github.com/kartamieszkanca/platform/shared/account"
	"github.com/kartamieszkanca/platform/shared/httpapi"
	"github.com/kartamieszkanca/platform/shared/identity"
	"github.com/kartamieszkanca/platform/shared/store"
)

// API.md "Limits": card checks and benefits are limited per organization
// (600 a minute). The counter is set at its limit in the table (600 real
// checks would only be slower); the next request is 429 with Retry-After and
// records nothing; once the window is over the counter starts anew.
func TestChecksLimitPerOrganization(t *testing.T) {
	e := testenv.Get(t)
	s := verifiers(t, e)
	h, c := e.CardHolder(t, nil)
	ctx := context.Background()
	tbl := store.Of(e.Deps)
	claims, err := identity.ReadClaims(s.partner)
	if err != nil {
		t.Fatal(err)
	}
	var acc account.Account
	if err := tbl.Get(ctx, store.AccountKey(claims.Sub), &acc); err != nil || acc.OrganizationID == "" {
		t.Fatalf("partner's organization: %v %+v", err, acc)
	}
	for _, route := range []struct {
		function, path string
		body           map[string]any
		ok             int
	}{
		{"verify-card", "/verify", map[string]any{"cardNumber": c.Number}, 200},
		{"record-benefit", "/partner/benefits", map[string]any{"cardNumber": c.Number, "packageId": "transport", "name": "Basen"}, 201},
	} {
		k := store.RateKey(route.function, "org", acc.OrganizationID)
		full := &httpapi.Counter{Key: k, Count: 600, WindowEnd: time.Now().Add(40 * time.Second).Unix(), TTL: time.Now().Add(time.Hour).Unix()}
		if err := tbl.Put(ctx, full); err != nil {
			t.Fatal(err)
		}
		res := e.Call(t, "POST", route.path, s.partner, route.body, "Idempotency-Key", "limit-"+route.function).Expect(t, 429)
		if p := res.Problem(t); p.Code != "rate_limited" {
			t.Fatalf("%s: code %s", route.path, p.Code)
		}
		if after, err := strconv.Atoi(res.Header.Get("Retry-After")); err != nil || after < 1 || after > 60 {
			t.Fatalf("%s: Retry-After %q", route.path, res.Header.Get("Retry-After"))
		}
		// The inspectors' organization is not the partner's.
		if route.function == "verify-card" {
			e.Call(t, "POST", route.path, s.inspector, route.body).Expect(t, 200)
		}
		// The window over: the counter starts anew and the request passes.
		full.WindowEnd = time.Now().Add(-time.Second).Unix()
		if err := tbl.Put(ctx, full); err != nil {
			t.Fatal(err)
		}
		e.Call(t, "POST", route.path, s.partner, route.body, "Idempotency-Key", "limit-"+route.function).Expect(t, route.ok)
		var got httpapi.Counter
		if err := tbl.Get(ctx, k, &got); err != nil || got.Count != 1 || got.WindowEnd <= time.Now().Unix() {
			t.Fatalf("%s: counter after a new window %+v %v", route.path, got, err)
		}
	}
	// Nothing of the refused check was recorded: the holder sees the checks
	// that passed the limit (the inspector's and the partner's second).
	var l struct{ Items []struct{ Kind string } }
	e.Call(t, "GET", h.Path("/cards/"+c.CardID+"/checks"), h.Token, nil).Expect(t, 200).Decode(t, &l)
	if len(l.Items) != 2 {
		t.Fatalf("checks recorded: %+v", l.Items)
	}
}
