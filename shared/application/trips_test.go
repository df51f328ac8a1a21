package application_test

import (
	"testing"

	"github.com/kartamieszkanca/platform/infra/local/testenv"
)

// Facts first: submit and decision read everything their rules need in one
// Query (application, the profile's applications, uploads and cards) and
// commit once; with the account gate that is 3 DynamoDB round trips, the
// write budget. The consent clauses are read once per instance (the first
// submit warms them) and guarded by conditions of the commit.
func TestSubmitAndDecisionWithinThreeRoundTrips(t *testing.T) {
	e := testenv.Get(t)
	op := e.Staff(t, "operator@example.com").AccessToken
	for i := 0; i < 2; i++ {
		p := newPerson(t, e)
		photo := e.Upload(t, p.token, p.profile, "photo", "image/jpeg", testenv.JPEGBytes)
		doc := e.Upload(t, p.token, p.profile, "document", "application/pdf", testenv.PDFBytes)
		a := cardDraft(t, e, p, photo, doc)
		submit := e.Call(t, "POST", p.path("/applications/"+a.ApplicationID+"/submit"), p.token, nil).Expect(t, 200)
		accept := decide(t, e, op, a.ApplicationID, "accept", "").Expect(t, 200)
		if i == 0 {
			continue // the instance's first read of the clauses
		}
		if submit.Calls != 3 || accept.Calls != 3 {
			t.Fatalf("round trips: submit %d, decision %d; want 3 each", submit.Calls, accept.Calls)
		}
	}
}

// R4.8: a package's age rule is checked against the birth date the submit's
// own Query already holds (the resident index entry, changed in the same
// transactions as the profile), not a read of the profile: a package_add for
// a package with an age rule costs the gate and that Query when refused, and
// 3 round trips when submitted, like any other.
func TestAgeRuleReadsNoProfile(t *testing.T) {
	e := testenv.Get(t)
	h, _ := e.CardHolder(t, nil)
	for i := 0; i < 2; i++ {
		var a app
		e.Call(t, "POST", "/profiles/"+h.ProfileID+"/applications", h.Token,
			map[string]any{"type": "package_add", "data": map[string]any{"packageId": "senior"}}).Expect(t, 201).Decode(t, &a)
		res := e.Call(t, "POST", "/profiles/"+h.ProfileID+"/applications/"+a.ApplicationID+"/submit", h.Token, nil).Expect(t, 409)
		if p := res.Problem(t); len(p.Errors) != 1 || p.Errors[0].Code != "not_eligible" {
			t.Fatalf("a 36-year-old's senior package: %+v", p)
		}
		e.Call(t, "DELETE", "/profiles/"+h.ProfileID+"/applications/"+a.ApplicationID, h.Token, nil).Expect(t, 204)
		if i == 0 {
			continue // the instance's first read of the dictionaries
		}
		if res.Calls != 2 {
			t.Fatalf("refused for the age rule: %d round trips, want 2 (the gate, the subject's Query)", res.Calls)
		}
	}
}
