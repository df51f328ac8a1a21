package entitlement_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"

	"github.com/kartamieszkanca/platform/infra/local/testenv"
	"github.com/kartamieszkanca/platform/shared/citytime"
	"github.com/kartamieszkanca/platform/shared/store"
)

func available(t *testing.T, e *testenv.Env, h testenv.Holder) map[string]string {
	t.Helper()
	var l struct {
		Items []struct {
			Type      string  `json:"type"`
			Available bool    `json:"available"`
			Reason    *string `json:"reason"`
		}
	}
	e.Call(t, "GET", h.Path("/applications/available"), h.Token, nil).Expect(t, 200).Decode(t, &l)
	out := map[string]string{}
	for _, i := range l.Items {
		out[i.Type] = "yes"
		if !i.Available {
			out[i.Type] = *i.Reason
		}
	}
	return out
}

// draft creates a draft and returns its id.
func draft(t *testing.T, e *testenv.Env, h testenv.Holder, typ string, data any) (string, json.RawMessage) {
	t.Helper()
	var a struct {
		ApplicationID string          `json:"applicationId"`
		Data          json.RawMessage `json:"data"`
	}
	body := map[string]any{"type": typ}
	if data != nil {
		body["data"] = data
	}
	e.Call(t, "POST", h.Path("/applications"), h.Token, body).Expect(t, 201).Decode(t, &a)
	return a.ApplicationID, a.Data
}

func submit(t *testing.T, e *testenv.Env, h testenv.Holder, id string) *testenv.Resp {
	t.Helper()
	return e.Call(t, "POST", h.Path("/applications/"+id+"/submit"), h.Token, nil)
}

func drop(t *testing.T, e *testenv.Env, h testenv.Holder, id string) {
	t.Helper()
	e.Call(t, "DELETE", h.Path("/applications/"+id), h.Token, nil).Expect(t, 204)
}

// setValidTo moves an entitlement's last day, as time would.
func setValidTo(t *testing.T, e *testenv.Env, profileID, packageID, validTo string) {
	t.Helper()
	if err := store.Of(e.Deps).Update(context.Background(), store.EntitlementKey(profileID, packageID),
		expression.Set(expression.Name("validTo"), expression.Value(validTo)), store.Exists(), nil); err != nil {
		t.Fatal(err)
	}
}

func held(t *testing.T, e *testenv.Env, h testenv.Holder) map[string]pkgView {
	t.Helper()
	ps, _ := packages(t, e, h.Token, "me")
	out := map[string]pkgView{}
	for _, p := range ps {
		out[p.PackageID] = p
	}
	return out
}

// R4.8, R5.1: another package is added with an active card, for a package not
// held (or expired), with documents where the package asks for them and the
// age rule met.
func TestPackageAdd(t *testing.T) {
	e := testenv.Get(t)
	nocard := e.NewHolder(t)
	if av := available(t, e, nocard); av["package_add"] != "active_card_required" || av["entitlement_extension"] != "no_expiring_entitlement" {
		t.Fatalf("without a card: %v", av)
	}
	res := e.Call(t, "POST", nocard.Path("/applications"), nocard.Token, map[string]any{"type": "package_add", "data": map[string]any{"packageId": "sport"}})
	if p := res.Expect(t, 409).Problem(t); p.Code != "application_not_available" || p.Errors[0].Code != "active_card_required" {
		t.Fatalf("package_add without a card: %+v", p)
	}

	h, _ := e.CardHolder(t, nil) // transport and culture
	if av := available(t, e, h); av["package_add"] != "yes" || av["entitlement_extension"] != "no_expiring_entitlement" {
		t.Fatalf("with a card: %v", av)
	}
	refusals := []struct {
		data        map[string]any
		status      int
		code, field string
		fieldCode   string
	}{
		{map[string]any{"packageId": "transport"}, 409, "application_not_available", "data.packageId", "package_held"},
		{map[string]any{"packageId": "senior"}, 409, "application_not_available", "data.packageId", "not_eligible"},
		{map[string]any{"packageId": "yacht"}, 422, "validation_failed", "data.packageId", "unknown"},
		{map[string]any{}, 422, "validation_failed", "data.packageId", "required"},
		{map[string]any{"packageId": "large-family"}, 422, "validation_failed", "data.documentUploadIds", "required"},
	}
	for _, r := range refusals {
		id, _ := draft(t, e, h, "package_add", r.data)
		p := submit(t, e, h, id).Expect(t, r.status).Problem(t)
		if p.Code != r.code || len(p.Errors) != 1 || p.Errors[0].Field != r.field || p.Errors[0].Code != r.fieldCode {
			t.Errorf("%v: %+v", r.data, p)
		}
		drop(t, e, h, id)
	}

	doc := e.Upload(t, h.Token, h.ProfileID, "document", "application/pdf", testenv.PDFBytes)
	e.Accept(t, e.Apply(t, h, h.ProfileID, "package_add", map[string]any{"packageId": "large-family", "documentUploadIds": []string{doc}}))
	e.Accept(t, e.Apply(t, h, h.ProfileID, "package_add", map[string]any{"packageId": "sport"}))
	got := held(t, e, h)
	if got["large-family"].Status != "active" || got["large-family"].ValidFrom != day(0) || got["sport"].Status != "active" {
		t.Fatalf("after adding: %+v", got)
	}

	// An expired package is added anew, from today.
	setValidTo(t, e, h.ProfileID, "culture", day(-200))
	e.Accept(t, e.Apply(t, h, h.ProfileID, "package_add", map[string]any{"packageId": "culture"}))
	if c := held(t, e, h)["culture"]; c.ValidFrom != day(0) || c.ValidTo != citytime.Day(time.Now()).AddDate(0, 12, -1).Format(time.DateOnly) {
		t.Fatalf("re-added: %+v", c)
	}
}

// R4.9: the extension is available while a package is expiring or expired for
// at most 90 days; an empty draft comes back prefilled with those packages and
// the profile's data; acceptance extends from the later of the last day and
// today.
func TestEntitlementExtension(t *testing.T) {
	e := testenv.Get(t)
	h, _ := e.CardHolder(t, map[string]any{"packageIds": []string{"transport", "culture", "sport"}})
	setValidTo(t, e, h.ProfileID, "transport", day(10)) // expiring
	setValidTo(t, e, h.ProfileID, "culture", day(-30))  // expired a month ago
	setValidTo(t, e, h.ProfileID, "sport", day(-100))   // expired too long ago
	if av := available(t, e, h); av["entitlement_extension"] != "yes" {
		t.Fatalf("availability %v", av)
	}
	id, data := draft(t, e, h, "entitlement_extension", nil)
	var pre struct {
		FirstName  string   `json:"firstName"`
		LastName   string   `json:"lastName"`
		BirthDate  string   `json:"birthDate"`
		PackageIDs []string `json:"packageIds"`
	}
	if err := json.Unmarshal(data, &pre); err != nil {
		t.Fatal(err)
	}
	if pre.FirstName != "Anna" || pre.LastName != "Nowak" || pre.BirthDate != "1990-04-12" || len(pre.PackageIDs) != 2 ||
		pre.PackageIDs[0] != "culture" || pre.PackageIDs[1] != "transport" {
		t.Fatalf("prefilled draft %s", data)
	}
	// A package that is not expiring (or expired too long ago) is refused.
	e.Call(t, "PUT", h.Path("/applications/"+id), h.Token, map[string]any{"data": map[string]any{"packageIds": []string{"transport", "sport"}}}).Expect(t, 200)
	p := submit(t, e, h, id).Expect(t, 409).Problem(t)
	if p.Code != "application_not_available" || len(p.Errors) != 1 || p.Errors[0].Field != "data.packageIds[1]" || p.Errors[0].Code != "not_extendable" {
		t.Fatalf("extending sport: %+v", p)
	}
	e.Call(t, "PUT", h.Path("/applications/"+id), h.Token, map[string]any{"data": pre}).Expect(t, 200)
	submit(t, e, h, id).Expect(t, 200)
	e.Accept(t, id)

	got := held(t, e, h)
	today := citytime.Day(time.Now())
	if tr := got["transport"]; tr.Status != "active" || tr.ValidTo != today.AddDate(0, 0, 10).AddDate(0, 12, 0).Format(time.DateOnly) {
		t.Errorf("transport extended from its last day: %+v", tr)
	}
	if c := got["culture"]; c.Status != "active" || c.ValidTo != today.AddDate(0, 12, 0).Format(time.DateOnly) {
		t.Errorf("culture extended from today: %+v", c)
	}
	if got["sport"].Status != "expired" {
		t.Errorf("sport: %+v", got["sport"])
	}
	if av := available(t, e, h); av["entitlement_extension"] != "no_expiring_entitlement" {
		t.Errorf("after the extension: %v", av)
	}
	var a struct {
		Status  string
		History []struct{ Status string }
	}
	e.Call(t, "GET", h.Path("/applications/"+id), h.Token, nil).Expect(t, 200).Decode(t, &a)
	if a.Status != "completed" || len(a.History) != 4 {
		t.Errorf("the extension's history (R4.9 as R4.2): %+v", a)
	}
}
