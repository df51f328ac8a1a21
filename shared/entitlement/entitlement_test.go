package entitlement_test

import (
	"context"
	"sort"
	"testing"
	"time"

	"github.com/oklog/ulid/v2"

	"github.com/kartamieszkanca/platform/infra/local/testenv"
	"github.com/kartamieszkanca/platform/shared/citytime"
	"github.com/kartamieszkanca/platform/shared/entitlement"
	"github.com/kartamieszkanca/platform/shared/profile"
	"github.com/kartamieszkanca/platform/shared/store"
)

func TestMain(m *testing.M) { testenv.Main(m) }

type pkgView struct {
	PackageID string `json:"packageId"`
	Name      string `json:"name"`
	ValidFrom string `json:"validFrom"`
	ValidTo   string `json:"validTo"`
	Status    string `json:"status"`
}

func packages(t *testing.T, e *testenv.Env, token, profileID string) ([]pkgView, *testenv.Resp) {
	t.Helper()
	var l struct{ Items []pkgView }
	res := e.Call(t, "GET", "/profiles/"+profileID+"/packages", token, nil).Expect(t, 200)
	res.Decode(t, &l)
	sort.Slice(l.Items, func(i, j int) bool { return l.Items[i].PackageID < l.Items[j].PackageID })
	return l.Items, res
}

func ids(ps []pkgView) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.PackageID)
	}
	return out
}

func day(offset int) string {
	return citytime.Day(time.Now()).AddDate(0, 0, offset).Format(time.DateOnly)
}

// R4.8: a card application without packages grants the city's default ones,
// valid from the decision day (in Warsaw) for the package's months; the
// packages list and the card show them, each read in one Query.
func TestCardIssueGrantsDefaultPackages(t *testing.T) {
	e := testenv.Get(t)
	h, c := e.CardHolder(t, nil)
	ps, res := packages(t, e, h.Token, "me")
	if got := ids(ps); len(got) != 2 || got[0] != "culture" || got[1] != "transport" {
		t.Fatalf("default packages %v", got)
	}
	wantTo := citytime.Day(time.Now()).AddDate(0, 12, -1).Format(time.DateOnly)
	for _, p := range ps {
		if p.Status != entitlement.Active || p.ValidFrom != day(0) || p.ValidTo != wantTo || p.Name == "" {
			t.Errorf("entitlement %+v, want active from %s to %s", p, day(0), wantTo)
		}
	}
	if res.Calls > 2 {
		t.Errorf("GET packages made %d round trips, budget 2", res.Calls)
	}
	if len(c.Packages) != 2 {
		t.Errorf("the card shows packages %+v", c.Packages)
	}
	list := e.Call(t, "GET", h.Path("/cards"), h.Token, nil).Expect(t, 200)
	if list.Calls > 2 {
		t.Errorf("GET cards made %d round trips, budget 2", list.Calls)
	}
}

// R4.8: the packages chosen in the application are granted, and only they.
func TestCardIssueChosenPackages(t *testing.T) {
	e := testenv.Get(t)
	h, c := e.CardHolder(t, map[string]any{"packageIds": []string{"sport", "transport"}})
	ps, _ := packages(t, e, h.Token, h.ProfileID)
	if got := ids(ps); len(got) != 2 || got[0] != "sport" || got[1] != "transport" {
		t.Fatalf("chosen packages %v", got)
	}
	if len(c.Packages) != 2 || len(c.Identifiers) != 0 {
		t.Fatalf("card shows %+v", c)
	}
}

// R4.8, R14.2: package ids are checked as a draft (shape, duplicates) and at
// submit (known, active); the age rule answers 409 not_eligible. Nothing is
// granted by a refused application.
func TestCardIssuePackageRules(t *testing.T) {
	e := testenv.Get(t)
	h := e.NewHolder(t)
	res := e.Call(t, "POST", h.Path("/applications"), h.Token, map[string]any{"type": "card_issue",
		"data": map[string]any{"packageIds": []string{"", "sport", "sport"}}}).Expect(t, 422)
	p := res.Problem(t)
	if p.Code != "validation_failed" || len(p.Errors) != 2 || p.Errors[0].Field != "data.packageIds[0]" || p.Errors[0].Code != "invalid" ||
		p.Errors[1].Field != "data.packageIds[2]" || p.Errors[1].Code != "duplicate" {
		t.Fatalf("draft with bad package ids: %+v", p)
	}

	submit := func(pkgs ...string) *testenv.Resp {
		var a struct {
			ApplicationID string `json:"applicationId"`
		}
		e.Call(t, "POST", h.Path("/applications"), h.Token, map[string]any{"type": "card_issue",
			"data": e.CardData(t, h, h.ProfileID, map[string]any{"packageIds": pkgs})}).Expect(t, 201).Decode(t, &a)
		res := e.Call(t, "POST", h.Path("/applications/"+a.ApplicationID+"/submit"), h.Token, nil)
		e.Call(t, "DELETE", h.Path("/applications/"+a.ApplicationID), h.Token, nil).Expect(t, 204)
		return res
	}
	p = submit("transport", "yacht").Expect(t, 422).Problem(t)
	if p.Code != "validation_failed" || len(p.Errors) != 1 || p.Errors[0].Field != "data.packageIds[1]" || p.Errors[0].Code != "unknown" {
		t.Fatalf("unknown package: %+v", p)
	}
	// Senior 65+ for a resident born in 1990.
	p = submit("transport", "senior").Expect(t, 409).Problem(t)
	if p.Code != "application_not_available" || len(p.Errors) != 1 || p.Errors[0].Field != "data.packageIds[1]" || p.Errors[0].Code != "not_eligible" {
		t.Fatalf("age rule: %+v", p)
	}
	if ps, _ := packages(t, e, h.Token, "me"); len(ps) != 0 {
		t.Fatalf("refused applications granted %v", ps)
	}
}

// R4.8: a resident old enough gets an age-ruled package, for its own months.
func TestSeniorPackage(t *testing.T) {
	e := testenv.Get(t)
	email := testenv.Email("senior")
	body := testenv.Registration(email)
	body["birthDate"] = "1950-02-01"
	e.Call(t, "POST", "/auth/register", "", body).Expect(t, 202)
	tok := e.WaitMail(t, email, 1).LinkToken(t, "/activate")
	e.Call(t, "POST", "/auth/activate", "", map[string]string{"token": tok}).Expect(t, 204)
	tk := e.Login(t, email, testenv.ResidentPassword)
	var me struct {
		ProfileID string `json:"profileId"`
	}
	e.Call(t, "GET", "/profiles/me", tk.AccessToken, nil).Expect(t, 200).Decode(t, &me)
	h := testenv.Holder{Email: email, Token: tk.AccessToken, ProfileID: me.ProfileID}
	e.Accept(t, e.Apply(t, h, h.ProfileID, "card_issue", e.CardData(t, h, h.ProfileID,
		map[string]any{"birthDate": "1950-02-01", "packageIds": []string{"senior"}})))
	ps, _ := packages(t, e, h.Token, "me")
	if len(ps) != 1 || ps[0].PackageID != "senior" || ps[0].ValidTo != citytime.Day(time.Now()).AddDate(0, 24, -1).Format(time.DateOnly) {
		t.Fatalf("senior package %+v", ps)
	}
}

// R14.3: another household's packages are 404, exactly like a missing profile.
func TestPackagesOfAnotherHousehold(t *testing.T) {
	e := testenv.Get(t)
	h, _ := e.CardHolder(t, nil)
	other := e.NewHolder(t)
	for _, id := range []string{h.ProfileID, ulid.Make().String()} {
		p := e.Call(t, "GET", "/profiles/"+id+"/packages", other.Token, nil).Expect(t, 404).Problem(t)
		if p.Code != "not_found" || p.Detail != "No such profile." {
			t.Fatalf("foreign packages: %+v", p)
		}
	}
}

// R4.8: status is computed from the dates when read: expiring within 30 days
// of the last day (inclusive), expired after it.
func TestStatusFromDates(t *testing.T) {
	e := testenv.Get(t)
	h := e.NewHolder(t)
	for id, to := range map[string]string{"transport": day(31), "culture": day(30), "sport": day(0), "senior": day(-1)} {
		if err := store.Of(e.Deps).Put(context.Background(), &entitlement.Entitlement{Key: store.EntitlementKey(h.ProfileID, id),
			ProfileID: h.ProfileID, HouseholdID: h.ProfileID, PackageID: id, Name: id, ValidFrom: day(-400), ValidTo: to, Version: 1}); err != nil {
			t.Fatal(err)
		}
	}
	ps, _ := packages(t, e, h.Token, "me")
	got := map[string]string{}
	for _, p := range ps {
		got[p.PackageID] = p.Status
	}
	want := map[string]string{"transport": "active", "culture": "expiring", "sport": "expiring", "senior": "expired"}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: status %q, want %q (all: %v)", k, got[k], v, got)
		}
	}
}

// R10.3: the head reads a family member's packages; the member's card
// application grants them to the member, not the head.
func TestFamilyMemberPackages(t *testing.T) {
	e := testenv.Get(t)
	h := e.NewHolder(t)
	child := ulid.Make().String()
	if err := store.Of(e.Deps).Put(context.Background(), &profile.Profile{Key: store.ProfileKey(h.ProfileID, child),
		ProfileID: child, HouseholdID: h.ProfileID, FirstName: "Jan", LastName: "Nowak", BirthDate: "2015-06-01",
		Relationship: "child", Status: "active", CreatedAt: time.Now().UTC(), Version: 1}); err != nil {
		t.Fatal(err)
	}
	e.Accept(t, e.Apply(t, h, child, "card_issue", e.CardData(t, h, child,
		map[string]any{"firstName": "Jan", "birthDate": "2015-06-01", "packageIds": []string{"culture"}})))
	if ps, _ := packages(t, e, h.Token, child); len(ps) != 1 || ps[0].PackageID != "culture" {
		t.Fatalf("child's packages %v", ps)
	}
	if ps, _ := packages(t, e, h.Token, "me"); len(ps) != 0 {
		t.Fatalf("head's packages %v", ps)
	}
}
