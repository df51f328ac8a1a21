package gateway_test

import (
	"encoding/json"
	"maps"
	"strings"
	"testing"

	"github.com/oklog/ulid/v2"

	"github.com/kartamieszkanca/platform/infra/local/testenv"
	"github.com/kartamieszkanca/platform/shared/routes"
)

// R14.3: another household's object answers exactly as a nonexistent one —
// the same status and the same body apart from the request id — on every
// route of the route table that names an object, reads and writes alike, so
// an attacker learns nothing from an id. Resident B calls each route with
// resident A's ids (A's profile; B's own profile with A's application, card,
// case or identifier) and with ids of the same shape that name nothing.
func TestForeignObjectsAnswerAsNonexistent(t *testing.T) {
	e := testenv.Get(t)
	examples := requestExamples(t)
	a, aCard := e.CardHolder(t, nil)
	b, _ := e.CardHolder(t, nil)
	var apps struct {
		Items []struct {
			ApplicationID string `json:"applicationId"`
		}
	}
	e.Call(t, "GET", a.Path("/applications"), a.Token, nil).Expect(t, 200).Decode(t, &apps)
	var cs struct {
		CaseID string `json:"caseId"`
	}
	e.Call(t, "POST", a.Path("/cases"), a.Token, map[string]any{"typeId": "general", "subject": "Pytanie", "body": "Treść"}).
		Expect(t, 201).Decode(t, &cs)
	var ident struct {
		IdentifierID string `json:"identifierId"`
	}
	e.Call(t, "POST", a.Path("/identifiers"), a.Token, map[string]any{"typeId": "student-id", "value": "123456"}).
		Expect(t, 201).Decode(t, &ident)
	foreign := map[string]string{
		"applicationId": apps.Items[0].ApplicationID, "cardId": aCard.CardID, "caseId": cs.CaseID, "identifierId": ident.IdentifierID,
	}
	// Parameters that name no one's object are the same in both calls.
	common := map[string]string{"clauseId": "newsletter", "kind": "pickup-points"}
	none := func(name string) string {
		switch name {
		case "identifierId":
			return ulid.Make().String()
		default: // owned ids: a profile id and a ULID
			return ulid.Make().String() + "." + ulid.Make().String()
		}
	}
	checked := 0
	for _, r := range routes.All {
		if r.Access != routes.Resident && r.Access != routes.Account {
			continue
		}
		names := param.FindAllString(r.Path, -1)
		if len(names) == 0 {
			continue
		}
		// Two ways in: A's profile in the path, or B's own with A's object.
		for _, viaProfile := range []bool{true, false} {
			theirs, nobody := r.Path, r.Path
			objects := 0
			for _, n := range names {
				name := strings.Trim(n, "{}")
				switch {
				case name == "profileId" && viaProfile:
					theirs = strings.Replace(theirs, n, a.ProfileID, 1)
					nobody = strings.Replace(nobody, n, ulid.Make().String(), 1)
					objects++
				case name == "profileId":
					theirs = strings.Replace(theirs, n, b.ProfileID, 1)
					nobody = strings.Replace(nobody, n, b.ProfileID, 1)
				case common[name] != "":
					theirs = strings.Replace(theirs, n, common[name], 1)
					nobody = strings.Replace(nobody, n, common[name], 1)
				case foreign[name] != "":
					theirs = strings.Replace(theirs, n, foreign[name], 1)
					nobody = strings.Replace(nobody, n, none(name), 1)
					objects++
				default:
					t.Fatalf("%s: no object of A for %s: add one to this test", r.Key(), name)
				}
			}
			if objects == 0 {
				continue
			}
			if !viaProfile && len(names) == 1 && names[0] == "{profileId}" {
				continue // B's own profile: not someone else's object
			}
			body := examples[r.Key()]
			t.Run(r.Key()+map[bool]string{true: " (A's profile)", false: " (A's object)"}[viaProfile], func(t *testing.T) {
				got := e.Call(t, r.Method, theirs, b.Token, bodyOrNil(body))
				want := e.Call(t, r.Method, nobody, b.Token, bodyOrNil(body))
				if got.Status != want.Status || !sameProblem(got.Body, want.Body) {
					t.Errorf("someone else's: %d %s\nnonexistent: %d %s", got.Status, got.Body, want.Status, want.Body)
				}
				if got.Status < 400 {
					t.Errorf("someone else's object answered %d", got.Status)
				}
			})
			checked++
		}
	}
	t.Logf("%d route × way pairs compared", checked)
	// A's objects are untouched by B's attempts.
	if cards := e.Cards(t, a, a.ProfileID); len(cards) != 1 || cards[0].Status != "active" {
		t.Errorf("A's card after B's attempts: %+v", cards)
	}
}

func bodyOrNil(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// sameProblem compares two answers' bodies without their request ids.
func sameProblem(x, y []byte) bool {
	var a, b map[string]any
	if json.Unmarshal(x, &a) != nil || json.Unmarshal(y, &b) != nil {
		return string(x) == string(y)
	}
	delete(a, "requestId")
	delete(b, "requestId")
	return maps.EqualFunc(a, b, func(p, q any) bool {
		pj, _ := json.Marshal(p)
		qj, _ := json.Marshal(q)
		return string(pj) == string(qj)
	})
}
