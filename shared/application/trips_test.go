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
