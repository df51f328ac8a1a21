package benefit_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kartamieszkanca/platform/infra/local/testenv"
	"github.com/kartamieszkanca/platform/shared/benefit"
	"github.com/kartamieszkanca/platform/shared/citytime"
	"github.com/kartamieszkanca/platform/shared/entitlement"
	"github.com/kartamieszkanca/platform/shared/store"
)

func TestMain(m *testing.M) { testenv.Main(m) }

type view struct {
	BenefitID   string    `json:"benefitId"`
	Name        string    `json:"name"`
	PackageID   string    `json:"packageId"`
	PackageName string    `json:"packageName"`
	PartnerName string    `json:"partnerName"`
	UsedAt      time.Time `json:"usedAt"`
	Amount      *float64  `json:"amount"`
}

type list struct {
	Items      []view  `json:"items"`
	NextCursor *string `json:"nextCursor"`
}

func partner(t *testing.T, e *testenv.Env) string {
	return e.Staff(t, "partner@example.com").AccessToken
}

func key(i int) string {
	return fmt.Sprintf("1b9d6bcd-bbfd-4b2d-9b5d-%012d", time.Now().UnixNano()%1e9*100+int64(i))
}

// R12.2: a partner records a benefit against a valid card with an active
// package; the answer names the partner's organization, not the person.
func TestRecordBenefit(t *testing.T) {
	e := testenv.Get(t)
	p := partner(t, e)
	h, c := e.CardHolder(t, nil)
	body := map[string]any{"cardNumber": c.Number, "packageId": "transport", "name": "Bilet miesięczny ulgowy", "amount": 55.5}
	k := key(1)
	var first view
	res := e.Call(t, "POST", "/partner/benefits", p, body, "Idempotency-Key", k).Expect(t, 201)
	res.Decode(t, &first)
	if first.BenefitID == "" || first.PartnerName != "MOSiR" || first.PackageID != "transport" || first.PackageName == "" ||
		first.Amount == nil || *first.Amount != 55.5 || first.UsedAt.IsZero() {
		t.Fatalf("recorded %s", res.Body)
	}
	// A retry with the key records nothing new and answers the first answer.
	var again view
	res = e.Call(t, "POST", "/partner/benefits", p, body, "Idempotency-Key", k).Expect(t, 201)
	res.Decode(t, &again)
	if again.BenefitID != first.BenefitID || res.Header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("retry answered %s", res.Body)
	}
	other := map[string]any{"cardNumber": c.Number, "packageId": "transport", "name": "Bilet jednorazowy"}
	if p := e.Call(t, "POST", "/partner/benefits", partner(t, e), other, "Idempotency-Key", k).Expect(t, 422).Problem(t); p.Code != "idempotency_key_reused" {
		t.Fatalf("another body with the key: %+v", p)
	}
	var l list
	e.Call(t, "GET", h.Path("/benefits"), h.Token, nil).Expect(t, 200).Decode(t, &l)
	if len(l.Items) != 1 || l.Items[0].BenefitID != first.BenefitID {
		t.Fatalf("history %+v", l)
	}
	// By the virtual card's QR token too, without an amount.
	var q struct{ Token string }
	e.Call(t, "GET", h.Path("/cards/"+c.CardID+"/qr"), h.Token, nil).Expect(t, 200).Decode(t, &q)
	res = e.Call(t, "POST", "/partner/benefits", p, map[string]any{"qrToken": q.Token, "packageId": "culture", "name": "Muzeum"},
		"Idempotency-Key", key(2)).Expect(t, 201)
	var byQR view
	res.Decode(t, &byQR)
	if byQR.Amount != nil || byQR.PackageID != "culture" {
		t.Fatalf("by QR: %s", res.Body)
	}
	if res.Calls > 3 {
		t.Errorf("POST /partner/benefits by QR token made %d round trips, budget 3", res.Calls)
	}
}

// R12.2, R14.2: a benefit needs a key, a valid card, a package held and
// active; nothing is recorded otherwise. Only partners record.
func TestRecordBenefitRefusals(t *testing.T) {
	e := testenv.Get(t)
	p := partner(t, e)
	h, c := e.CardHolder(t, map[string]any{"packageIds": []string{"transport"}})
	body := func(pkg string) map[string]any {
		return map[string]any{"cardNumber": c.Number, "packageId": pkg, "name": "Bilet"}
	}
	if pr := e.Call(t, "POST", "/partner/benefits", p, body("transport")).Expect(t, 400).Problem(t); pr.Code != "idempotency_key_required" {
		t.Fatalf("no key: %+v", pr)
	}
	if pr := e.Call(t, "POST", "/partner/benefits", p, body("sport"), "Idempotency-Key", key(3)).Expect(t, 409).Problem(t); pr.Code != "package_not_held" {
		t.Fatalf("package not held: %+v", pr)
	}
	// Held, but expired yesterday.
	if err := store.Of(e.Deps).Put(context.Background(), &entitlement.Entitlement{Key: store.EntitlementKey(h.ProfileID, "culture"),
		ProfileID: h.ProfileID, HouseholdID: h.ProfileID, PackageID: "culture", Name: "Kultura", ValidFrom: "2020-01-01",
		ValidTo: citytime.Day(time.Now()).AddDate(0, 0, -1).Format(time.DateOnly), Version: 1}); err != nil {
		t.Fatal(err)
	}
	if pr := e.Call(t, "POST", "/partner/benefits", p, body("culture"), "Idempotency-Key", key(4)).Expect(t, 409).Problem(t); pr.Code != "package_not_held" {
		t.Fatalf("expired package: %+v", pr)
	}
	for name, b := range map[string]map[string]any{
		"no name":    {"cardNumber": c.Number, "packageId": "transport"},
		"bad amount": {"cardNumber": c.Number, "packageId": "transport", "name": "Bilet", "amount": -1},
		"3 places":   {"cardNumber": c.Number, "packageId": "transport", "name": "Bilet", "amount": 1.005},
		"no card":    {"packageId": "transport", "name": "Bilet"},
	} {
		if pr := e.Call(t, "POST", "/partner/benefits", p, b, "Idempotency-Key", key(5)).Expect(t, 422).Problem(t); pr.Code != "validation_failed" {
			t.Errorf("%s: %+v", name, pr)
		}
	}
	insp := e.Staff(t, "inspector@example.com").AccessToken
	if pr := e.Call(t, "POST", "/partner/benefits", insp, body("transport"), "Idempotency-Key", key(6)).Expect(t, 403).Problem(t); pr.Code != "forbidden" {
		t.Fatalf("inspector: %+v", pr)
	}
	// A blocked card (R4.4) is not valid at the counter.
	e.Call(t, "POST", h.Path("/cards/"+c.CardID+"/block"), h.Token, map[string]string{"reason": "stolen"}).Expect(t, 200)
	pr := e.Call(t, "POST", "/partner/benefits", p, body("transport"), "Idempotency-Key", key(7)).Expect(t, 409).Problem(t)
	if pr.Code != "card_not_valid" || len(pr.Errors) != 1 || pr.Errors[0].Code != "blocked" {
		t.Fatalf("blocked card: %+v", pr)
	}
	if strings.Contains(pr.Detail, "Anna") {
		t.Fatalf("refusal names the holder: %+v", pr)
	}
	var l list
	e.Call(t, "GET", h.Path("/benefits"), h.Token, nil).Expect(t, 200).Decode(t, &l)
	if len(l.Items) != 0 {
		t.Fatalf("refused requests recorded %+v", l.Items)
	}
}

// R12.2: thirty partners' terminals retrying one request at once record it
// once; thirty requests with their own keys record thirty benefits.
func TestRecordBenefitConcurrently(t *testing.T) {
	e := testenv.Get(t)
	p := partner(t, e)
	h, c := e.CardHolder(t, nil)
	body := map[string]any{"cardNumber": c.Number, "packageId": "transport", "name": "Bilet"}
	run := func(keyOf func(int) string) map[string]int {
		var mu sync.Mutex
		ids := map[string]int{}
		var wg sync.WaitGroup
		for i := range 30 {
			wg.Go(func() {
				res := e.Call(t, "POST", "/partner/benefits", p, body, "Idempotency-Key", keyOf(i))
				var v view
				if res.Status != 201 {
					t.Errorf("request %d: %d %s", i, res.Status, res.Body)
					return
				}
				res.Decode(t, &v)
				mu.Lock()
				ids[v.BenefitID]++
				mu.Unlock()
			})
		}
		wg.Wait()
		return ids
	}
	one := key(100)
	if ids := run(func(int) string { return one }); len(ids) != 1 {
		t.Fatalf("one key answered %d benefits", len(ids))
	}
	if ids := run(func(i int) string { return key(200 + i) }); len(ids) != 30 {
		t.Fatalf("thirty keys answered %d benefits", len(ids))
	}
	var l list
	e.Call(t, "GET", h.Path("/benefits?limit=100"), h.Token, nil).Expect(t, 200).Decode(t, &l)
	if len(l.Items) != 31 {
		t.Fatalf("history holds %d benefits, want 31", len(l.Items))
	}
}

// seed records benefits at chosen instants (a request records "now").
func seed(t *testing.T, e *testenv.Env, profileID, org, partnerName string, rows ...benefit.Benefit) {
	t.Helper()
	for _, b := range rows {
		b.ProfileID, b.OrganizationID, b.PartnerName, b.CardID, b.PackageID, b.PackageName = profileID, org, partnerName, "x", "culture", "Kultura"
		tx := &store.Tx{}
		benefit.Put(tx, &b)
		if err := store.Of(e.Deps).Commit(context.Background(), tx); err != nil {
			t.Fatal(err)
		}
	}
}

func at(s string) time.Time {
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return v
}

func names(l list) string {
	var out []string
	for _, i := range l.Items {
		out = append(out, i.Name)
	}
	return strings.Join(out, ",")
}

// R8.1: the history is searched by name and partner ignoring case and Polish
// diacritics, limited to days of the city's calendar (Europe/Warsaw), sorted
// both ways and paged; another household's history is 404.
func TestHistory(t *testing.T) {
	e := testenv.Get(t)
	h := e.NewHolder(t)
	seed(t, e, h.ProfileID, "mosir", "MOSiR",
		benefit.Benefit{Name: "Basen", UsedAt: at("2026-03-01T22:59:00Z")},     // 23:59 on 1 March in Warsaw
		benefit.Benefit{Name: "Lodowisko", UsedAt: at("2026-03-01T23:00:00Z")}, // 00:00 on 2 March
		benefit.Benefit{Name: "Sauna", UsedAt: at("2026-03-02T22:30:00Z")},     // 23:30 on 2 March
	)
	seed(t, e, h.ProfileID, "teatr", "Teatr Nowy w Łodzi",
		benefit.Benefit{Name: "Spektakl „Łódź nocą”", UsedAt: at("2026-03-03T10:00:00Z")},
	)
	get := func(query string) list {
		t.Helper()
		var l list
		res := e.Call(t, "GET", h.Path("/benefits"+query), h.Token, nil).Expect(t, 200)
		res.Decode(t, &l)
		if res.Calls > 2 {
			t.Errorf("GET benefits%s made %d round trips, budget 2", query, res.Calls)
		}
		return l
	}
	for query, want := range map[string]string{
		"":                                       "Spektakl „Łódź nocą”,Sauna,Lodowisko,Basen",
		"?sort=date_asc":                         "Basen,Lodowisko,Sauna,Spektakl „Łódź nocą”",
		"?q=lodz":                                "Spektakl „Łódź nocą”",
		"?q=%C5%81%C3%93D%C5%B9":                 "Spektakl „Łódź nocą”", // ŁÓDŹ
		"?q=mosir":                               "Sauna,Lodowisko,Basen",
		"?q=LODOW":                               "Lodowisko",
		"?from=2026-03-02&to=2026-03-02":         "Sauna,Lodowisko",
		"?from=2026-03-01&to=2026-03-01":         "Basen",
		"?from=2026-03-03":                       "Spektakl „Łódź nocą”",
		"?to=2026-03-01":                         "Basen",
		"?q=sauna&from=2026-03-01&to=2026-03-03": "Sauna",
		"?q=kino":                                "",
	} {
		if got := names(get(query)); got != want {
			t.Errorf("%s: %q, want %q", query, got, want)
		}
	}
	// Pages: two, then two, then none.
	first := get("?limit=2&sort=date_asc")
	if names(first) != "Basen,Lodowisko" || first.NextCursor == nil {
		t.Fatalf("first page %+v", first)
	}
	second := get("?limit=2&sort=date_asc&cursor=" + *first.NextCursor)
	if names(second) != "Sauna,Spektakl „Łódź nocą”" {
		t.Fatalf("second page %+v", second)
	}
	for query, code := range map[string]string{"?from=2026-13-01": "invalid_date", "?from=2026-03-02&to=2026-03-01": "before_from",
		"?sort=name": "invalid", "?limit=0": "out_of_range"} {
		p := e.Call(t, "GET", h.Path("/benefits"+query), h.Token, nil).Expect(t, 422).Problem(t)
		if p.Code != "validation_failed" || p.Errors[0].Code != code {
			t.Errorf("%s: %+v", query, p)
		}
	}
	other := e.NewHolder(t)
	if p := e.Call(t, "GET", h.Path("/benefits"), other.Token, nil).Expect(t, 404).Problem(t); p.Code != "not_found" {
		t.Errorf("another household: %+v", p)
	}
	// A cursor of another list is refused.
	if p := e.Call(t, "GET", other.Path("/benefits?cursor="+*first.NextCursor), other.Token, nil).Expect(t, 400).Problem(t); p.Code != "invalid_cursor" {
		t.Errorf("foreign cursor: %+v", p)
	}
}

// R12.2: a partner lists its own organization's records, by days.
func TestPartnerList(t *testing.T) {
	e := testenv.Get(t)
	h := e.NewHolder(t)
	// Another organization's record, and ours, on a day of their own.
	seed(t, e, h.ProfileID, "teatr", "Teatr", benefit.Benefit{Name: "Spektakl", UsedAt: at("2024-05-05T10:00:00Z")})
	seed(t, e, h.ProfileID, "mosir", "MOSiR", benefit.Benefit{Name: "Basen", UsedAt: at("2024-05-05T11:00:00Z")})
	var l list
	res := e.Call(t, "GET", "/partner/benefits?from=2024-05-05&to=2024-05-05", partner(t, e), nil).Expect(t, 200)
	res.Decode(t, &l)
	if names(l) != "Basen" || l.Items[0].PartnerName != "MOSiR" {
		t.Fatalf("partner's list %s", res.Body)
	}
	if res.Calls > 2 {
		t.Errorf("GET /partner/benefits made %d round trips, budget 2", res.Calls)
	}
	e.Call(t, "GET", "/partner/benefits", h.Token, nil).Expect(t, 403)
}
