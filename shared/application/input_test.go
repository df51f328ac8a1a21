package application_test

import (
	"context"
	"testing"

	"github.com/kartamieszkanca/platform/infra/local/testenv"
	"github.com/kartamieszkanca/platform/shared/application"
	"github.com/kartamieszkanca/platform/shared/store"
)

// stored reads an application item as the table holds it.
func stored(t *testing.T, e *testenv.Env, p person, id string) application.Application {
	t.Helper()
	var a application.Application
	if err := store.Of(e.Deps).Get(context.Background(), store.ApplicationKey(p.profile, id), &a); err != nil {
		t.Fatal(err)
	}
	return a
}

func applicationCount(t *testing.T, e *testenv.Env, p person) int {
	t.Helper()
	var l struct{ Items []app }
	e.Call(t, "GET", p.path("/applications"), p.token, nil).Expect(t, 200).Decode(t, &l)
	return len(l.Items)
}

// R14.2, R4.1, R11.1 (issue 7, item 5): the operator sees what is applied. A key
// given twice, or a key that matches a field only up to case, is 400 anywhere
// in the body (encoding/json would keep the last one, or fold the case), and
// nothing is created or changed.
func TestDataKeysAreExact(t *testing.T) {
	e := testenv.Get(t)
	p := newPerson(t, e)
	cases := []struct {
		name, body, code, field string
	}{
		{"case variant beside the field", `{"type":"card_issue","data":{"firstName":"Anna","FirstName":"Mallory"}}`, "unknown_field", "data.FirstName"},
		{"case variant alone", `{"type":"card_issue","data":{"FIRSTNAME":"Mallory"}}`, "unknown_field", "data.FIRSTNAME"},
		{"unicode case fold", `{"type":"card_issue","data":{"cardKind":"virtual","la\u017ftName":"Mallory"}}`, "unknown_field", "data.laſtName"},
		{"duplicate in data", `{"type":"card_issue","data":{"firstName":"Anna","firstName":"Mallory"}}`, "duplicate_field", "data.firstName"},
		{"duplicate in a consent", `{"type":"card_issue","data":{"consents":[{"clauseId":"terms","accepted":false,"accepted":true}]}}`, "duplicate_field", "data.consents[0].accepted"},
		{"duplicate type", `{"type":"data_change","type":"card_issue","data":{}}`, "duplicate_field", "type"},
		{"duplicate data", `{"type":"card_issue","data":{"firstName":"Anna"},"data":{"firstName":"Mallory"}}`, "duplicate_field", "data"},
		{"case variant of data", `{"type":"card_issue","Data":{"firstName":"Mallory"}}`, "unknown_field", "Data"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			pr := e.Call(t, "POST", p.path("/applications"), p.token, c.body).Expect(t, 400).Problem(t)
			if pr.Code != c.code || len(pr.Errors) == 0 || pr.Errors[0].Field != c.field {
				t.Fatalf("problem %+v, want %s on %s", pr, c.code, c.field)
			}
		})
	}
	if n := applicationCount(t, e, p); n != 0 {
		t.Fatalf("%d applications after refused creates", n)
	}
	// The same holds for a draft's new data, which stays as it was.
	a := draft(t, e, p, "card_issue", map[string]any{"firstName": "Anna"})
	before := stored(t, e, p, a.ApplicationID)
	for body, code := range map[string]string{
		`{"data":{"firstName":"Anna","FirstName":"Mallory"}}`: "unknown_field",
		`{"data":{"firstName":"Anna","firstName":"Mallory"}}`: "duplicate_field",
		`{"data":{"firstName":"Anna"},"Data":null}`:           "unknown_field",
	} {
		if pr := e.Call(t, "PUT", p.path("/applications/"+a.ApplicationID), p.token, body).Expect(t, 400).Problem(t); pr.Code != code {
			t.Fatalf("%s: code %s, want %s", body, pr.Code, code)
		}
	}
	if after := stored(t, e, p, a.ApplicationID); after.Data != before.Data || after.Version != before.Version {
		t.Fatalf("a refused update changed the draft: %q → %q", before.Data, after.Data)
	}
}

// R4.1, R11.1 (issue 7, item 5): what is stored is the form as it was decoded
// and checked, never the client's bytes.
func TestStoredDataIsTheDecodedForm(t *testing.T) {
	e := testenv.Get(t)
	p := newPerson(t, e)
	body := "{\"type\":\"card_issue\",\"data\":{ \"cardKind\" : \"virtual\",\n \"firstName\":\"\\u0041nna <&>\", \"lastName\":\"\" }}"
	var a struct {
		ApplicationID string         `json:"applicationId"`
		Data          map[string]any `json:"data"`
	}
	e.Call(t, "POST", p.path("/applications"), p.token, body).Expect(t, 201).Decode(t, &a)
	const want = `{"firstName":"Anna <&>","cardKind":"virtual"}`
	if got := stored(t, e, p, a.ApplicationID).Data; got != want {
		t.Fatalf("stored %s, want %s", got, want)
	}
	if a.Data["firstName"] != "Anna <&>" || len(a.Data) != 2 {
		t.Fatalf("answered data %v", a.Data)
	}
	e.Call(t, "PUT", p.path("/applications/"+a.ApplicationID), p.token,
		"{\"data\":{\"lastName\":\"Nowak\" ,\"firstName\":\"Anna\"}}").Expect(t, 200)
	if got := stored(t, e, p, a.ApplicationID).Data; got != `{"firstName":"Anna","lastName":"Nowak"}` {
		t.Fatalf("stored after update %s", got)
	}
}

// openapi.yaml (CreateApplicationRequest, UpdateApplicationRequest; issue 7,
// item 12): absent data is stored as {}, null as null, and a null draft is
// empty to submit (R4.1, R14.2).
func TestNullDataIsKept(t *testing.T) {
	e := testenv.Get(t)
	p := newPerson(t, e)
	dataOf := func(res *testenv.Resp) string {
		t.Helper()
		var v map[string]rawJSON
		res.Decode(t, &v)
		return string(v["data"])
	}
	res := e.Call(t, "POST", p.path("/applications"), p.token, `{"type":"card_issue","data":null}`).Expect(t, 201)
	if got := dataOf(res); got != "null" {
		t.Fatalf("created with null data, answered %s", got)
	}
	var a app
	res.Decode(t, &a)
	if got := dataOf(e.Call(t, "GET", p.path("/applications/"+a.ApplicationID), p.token, nil).Expect(t, 200)); got != "null" {
		t.Fatalf("read back %s", got)
	}
	if got := stored(t, e, p, a.ApplicationID).Data; got != "null" {
		t.Fatalf("stored %s", got)
	}
	// Empty to submit: every required field is missing (and the consents, whose
	// code the answer carries).
	pr := e.Call(t, "POST", p.path("/applications/"+a.ApplicationID+"/submit"), p.token, nil).Expect(t, 422).Problem(t)
	if pr.Code != "consent_required" || len(pr.Errors) == 0 || pr.Errors[0].Field != "data.firstName" || pr.Errors[0].Code != "required" {
		t.Fatalf("submit of null data: %+v", pr)
	}
	e.Call(t, "PUT", p.path("/applications/"+a.ApplicationID), p.token, `{"data":{"cardKind":"virtual"}}`).Expect(t, 200)
	if got := dataOf(e.Call(t, "PUT", p.path("/applications/"+a.ApplicationID), p.token, `{"data":null}`).Expect(t, 200)); got != "null" {
		t.Fatalf("updated to null, answered %s", got)
	}
	if got := stored(t, e, p, a.ApplicationID).Data; got != "null" {
		t.Fatalf("stored after update %s", got)
	}
	e.Call(t, "DELETE", p.path("/applications/"+a.ApplicationID), p.token, nil).Expect(t, 204)
	if got := dataOf(e.Call(t, "POST", p.path("/applications"), p.token, `{"type":"card_issue"}`).Expect(t, 201)); got != "{}" {
		t.Fatalf("created without data, answered %s", got)
	}
}

type rawJSON []byte

func (r *rawJSON) UnmarshalJSON(b []byte) error { *r = append((*r)[:0], b...); return nil }
