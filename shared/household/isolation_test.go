package household_test

import (
	"strings"
	"testing"

	"github.com/kartamieszkanca/platform/infra/local/testenv"
	"github.com/kartamieszkanca/platform/shared/routes"
)

// R10.3, R10.4, R14.3: a family member's own login, on every route of the
// route table a member's token is admitted to: on its own profile only the
// routes marked Members reach their handler (others 403
// household_head_only), on the head's and a sibling's profile every route is
// 404 not_found; a route without a profile is the head's unless marked
// Members. The head reaches every member's profile. Table-driven over
// routes.All, so a new route is covered the day it is added.
func TestMemberIsolation(t *testing.T) {
	e := testenv.Get(t)
	head := e.NewHolder(t)
	m := invited(t, e, head)
	sibling := add(t, e, head, childBody())
	// The head applies for the member's card (switching, R10.3).
	e.Accept(t, e.Apply(t, head, m.ProfileID, "card_issue",
		e.CardData(t, head, m.ProfileID, map[string]any{"firstName": "Jan", "lastName": "Nowak", "birthDate": "1995-06-01"})))
	cards := e.Cards(t, head, m.ProfileID)
	if len(cards) != 1 {
		t.Fatalf("member's cards %+v", cards)
	}
	cardID := cards[0].CardID

	params := map[string]string{"cardId": cardID, "applicationId": m.ProfileID + ".01JAAAAAAAAAAAAAAAAAAAAAAA",
		"caseId": m.ProfileID + ".01JAAAAAAAAAAAAAAAAAAAAAAA", "identifierId": "01JAAAAAAAAAAAAAAAAAAAAAAA", "clauseId": "terms"}
	fill := func(path, profileID string) string {
		for k, v := range params {
			path = strings.ReplaceAll(path, "{"+k+"}", v)
		}
		return strings.ReplaceAll(path, "{profileId}", profileID)
	}
	checked := 0
	for _, r := range routes.All {
		if r.Access != routes.Resident && r.Access != routes.Account {
			continue
		}
		t.Run(r.Key(), func(t *testing.T) {
			if !strings.Contains(r.Path, "{profileId}") {
				res := e.Call(t, r.Method, fill(r.Path, ""), m.Token, "{}")
				if r.Members {
					if res.Status == 403 || res.Status == 404 || res.Status >= 500 {
						t.Fatalf("member's own route: %d %s", res.Status, res.Body)
					}
				} else {
					code(t, res, 403, "household_head_only")
				}
				return
			}
			for _, own := range []string{m.ProfileID, "me"} {
				res := e.Call(t, r.Method, fill(r.Path, own), m.Token, "{}")
				if r.Members {
					if res.Status == 403 || res.Status == 404 || res.Status >= 500 {
						t.Fatalf("own profile (%s): %d %s", own, res.Status, res.Body)
					}
				} else {
					code(t, res, 403, "household_head_only")
				}
			}
			for name, other := range map[string]string{"head": head.ProfileID, "sibling": sibling.ProfileID} {
				res := e.Call(t, r.Method, fill(r.Path, other), m.Token, "{}")
				if p := res.Expect(t, 404).Problem(t); p.Code != "not_found" || p.Detail != "No such profile." {
					t.Fatalf("%s's profile: %+v", name, p)
				}
			}
			checked++
		})
	}
	if checked < 20 {
		t.Fatalf("only %d profile routes checked", checked)
	}

	// The member sees its own card; the head reaches the member's profile
	// and the sibling's.
	var own struct{ Items []testenv.IssuedCard }
	e.Call(t, "GET", "/profiles/me/cards", m.Token, nil).Expect(t, 200).Decode(t, &own)
	if len(own.Items) != 1 || own.Items[0].CardID != cardID {
		t.Fatalf("member's own cards %+v", own.Items)
	}
	var list struct{ Items []profileView }
	e.Call(t, "GET", "/profiles", m.Token, nil).Expect(t, 200).Decode(t, &list)
	if len(list.Items) != 1 || list.Items[0].ProfileID != m.ProfileID {
		t.Fatalf("member's profiles %+v", list.Items)
	}
	for _, p := range []string{m.ProfileID, sibling.ProfileID} {
		e.Call(t, "GET", "/profiles/"+p+"/cards", head.Token, nil).Expect(t, 200)
		e.Call(t, "GET", "/profiles/"+p+"/applications", head.Token, nil).Expect(t, 200)
		e.Call(t, "GET", "/profiles/"+p+"/cases", head.Token, nil).Expect(t, 200)
	}
}
