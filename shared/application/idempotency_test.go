package application_test

import (
	"context"
	"testing"
	"time"

	"github.com/oklog/ulid/v2"

	"github.com/kartamieszkanca/platform/infra/local/testenv"
	"github.com/kartamieszkanca/platform/shared/profile"
	"github.com/kartamieszkanca/platform/shared/store"
)

// Issue 7, item 10: an Idempotency-Key is scoped to the caller, the method and
// the path: the key a household head used for one profile's application is a
// new request on a family member's path, not a replay of the first answer
// (R10.3).
func TestIdempotencyKeyIsScopedToThePath(t *testing.T) {
	e := testenv.Get(t)
	p := newPerson(t, e)
	member := ulid.Make().String()
	// A family member's profile in the head's household (no route adds one yet).
	if err := store.Of(e.Deps).Put(context.Background(), &profile.Profile{Key: store.ProfileKey(p.profile, member),
		ProfileID: member, HouseholdID: p.profile, FirstName: "Jan", LastName: "Nowak", BirthDate: "2015-06-01",
		Relationship: "child", Status: "active", CreatedAt: time.Now().UTC(), Version: 1}); err != nil {
		t.Fatal(err)
	}
	key := "6f0e8a47-3c7d-4d3e-9a55-" + "5e2a1d0c9b87"
	body := map[string]any{"type": "card_issue", "data": map[string]any{"cardKind": "virtual"}}
	var first, second struct {
		ApplicationID string `json:"applicationId"`
		ProfileID     string `json:"profileId"`
	}
	e.Call(t, "POST", p.path("/applications"), p.token, body, "Idempotency-Key", key).Expect(t, 201).Decode(t, &first)
	res := e.Call(t, "POST", "/profiles/"+member+"/applications", p.token, body, "Idempotency-Key", key).Expect(t, 201)
	res.Decode(t, &second)
	if res.Header.Get("Idempotent-Replayed") != "" || second.ProfileID != member || second.ApplicationID == first.ApplicationID {
		t.Fatalf("the key on another profile's path answered %s (replayed %q)", res.Body, res.Header.Get("Idempotent-Replayed"))
	}
	// A retry on its own path is still a replay.
	res = e.Call(t, "POST", "/profiles/"+member+"/applications", p.token, body, "Idempotency-Key", key).Expect(t, 201)
	var again struct {
		ApplicationID string `json:"applicationId"`
	}
	res.Decode(t, &again)
	if res.Header.Get("Idempotent-Replayed") != "true" || again.ApplicationID != second.ApplicationID {
		t.Fatalf("retry on the member's path: %s", res.Body)
	}
}
