package profile_test

import (
	"testing"

	"github.com/kartamieszkanca/platform/infra/local/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }

type view struct {
	ProfileID string `json:"profileId"`
	FirstName string `json:"firstName"`
	LastName  string `json:"lastName"`
	BirthDate string `json:"birthDate"`
	Status    string `json:"status"`
	Head      bool   `json:"head"`
}

// R10.3, R14.3: the caller's profiles, own first; "me" is the own profile; a
// profile of another household is 404, never 403; staff own no profile.
func TestProfiles(t *testing.T) {
	e := testenv.Get(t)
	_, anna := e.Resident(t)
	_, other := e.Resident(t)

	var list struct {
		Items      []view  `json:"items"`
		NextCursor *string `json:"nextCursor"`
	}
	res := e.Call(t, "GET", "/profiles", anna.AccessToken, nil).Expect(t, 200)
	res.Decode(t, &list)
	if len(list.Items) != 1 || !list.Items[0].Head || list.Items[0].Status != "active" || list.Items[0].FirstName != "Anna" || list.Items[0].BirthDate != "1990-04-12" {
		t.Fatalf("profiles %+v", list.Items)
	}
	if res.Calls > 2 {
		t.Errorf("GET /profiles: %d round trips, budget 2", res.Calls)
	}
	own := list.Items[0].ProfileID

	var me, byID view
	e.Call(t, "GET", "/profiles/me", anna.AccessToken, nil).Expect(t, 200).Decode(t, &me)
	e.Call(t, "GET", "/profiles/"+own, anna.AccessToken, nil).Expect(t, 200).Decode(t, &byID)
	if me != byID || me.ProfileID != own {
		t.Fatalf("me %+v, by id %+v", me, byID)
	}

	// Another household's profile, and one that does not exist, look the same.
	var theirs view
	e.Call(t, "GET", "/profiles/me", other.AccessToken, nil).Expect(t, 200).Decode(t, &theirs)
	a := e.Call(t, "GET", "/profiles/"+theirs.ProfileID, anna.AccessToken, nil).Expect(t, 404).Problem(t)
	b := e.Call(t, "GET", "/profiles/01JNOSUCHPROFILE0000000000", anna.AccessToken, nil).Expect(t, 404).Problem(t)
	if a.Code != "not_found" || a.Code != b.Code || a.Detail != b.Detail {
		t.Fatalf("foreign %+v vs missing %+v", a, b)
	}

	op := e.Staff(t, "operator@example.com")
	e.Call(t, "GET", "/profiles", op.AccessToken, nil).Expect(t, 403)
}
