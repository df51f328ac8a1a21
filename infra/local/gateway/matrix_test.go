package gateway_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/oklog/ulid/v2"

	"github.com/kartamieszkanca/platform/infra/local/testenv"
	"github.com/kartamieszkanca/platform/shared/account"
	"github.com/kartamieszkanca/platform/shared/outbox"
	"github.com/kartamieszkanca/platform/shared/routes"
	"github.com/kartamieszkanca/platform/shared/store"
)

// The authorization matrix (issue 13; R14.2 roles, R14.3 someone else's
// object, R10.4 the household, R7.3 the consent block): every route of the
// route table × every role × every ownership of the objects its path names,
// with the expected answer written once per route in matrix below. A route
// without a row fails the test.

// role is who calls.
type role int

const (
	anonymous role = iota // no token
	head                  // a registered resident, head of a household
	member                // an adult invited through POST /family, in through the invitation
	operator
	partner
	inspector
	// blocked: an account the city blocked (status blocked without a
	// consent reason); no route sets it, the gate refuses it everywhere.
	blocked
	// consentBlocked: a head who withdrew a mandatory clause (R7.3); it
	// still reaches the routes marked WhileBlocked.
	consentBlocked
	nRoles
)

var roleNames = [nRoles]string{"anonymous", "head", "member", "operator", "partner", "inspector", "blocked", "consent-blocked"}

// ownership is whose objects the path names. On the staff's routes with ids
// (an application, a card, a case, a resident, a dictionary entry, a staff
// account) only foreign (an existing object: staff own none) and none apply.
type ownership int

const (
	own     ownership = iota // the caller's own profile and objects (for staff and anonymous: "me")
	family                   // the head's member's; the member's head's and sibling's
	foreign                  // another household's
	none                     // well-formed ids that name nothing
	nOwnerships
)

// want is an expected answer: a refusal's status and problem code (and
// detail where it matters), or admitted.
type want struct {
	status int
	code   string
	detail string
}

var (
	// in: the handler ran — a 2xx, or a 4xx of the handler's own (422
	// validation, 409 conflict …), never 5xx and never 401/403/404.
	in = want{}
	// unauth: API Gateway's JWT authorizer answers, not the function.
	unauth      = want{status: 401, code: gatewayUnauthorized}
	forbidden   = want{status: 403, code: "forbidden"}
	headOnly    = want{status: 403, code: "household_head_only"}
	acctBlocked = want{status: 403, code: "account_blocked"}
	notFound    = want{status: 404, code: "not_found"}
	// noProfile: a member on another profile of its household (R10.4).
	noProfile = want{status: 404, code: "not_found", detail: "No such profile."}
)

func (w want) String() string {
	if w == in {
		return "admitted"
	}
	return fmt.Sprintf("%d %s", w.status, w.code)
}

// answer is one role's expected answer at each ownership.
type answer [nOwnerships]want

// all: the same answer whatever the path names.
func all(w want) answer { return answer{w, w, w, w} }

// at: by ownership (own, family's, another household's, nonexistent).
func at(o, f, x, n want) answer { return answer{o, f, x, n} }

// existing: a staff route's answer for an existing object and a nonexistent one.
func existing(x, n want) answer { return answer{x, x, x, n} }

// row is a route's expected answers, by role.
type row [nRoles]answer

// Answers that recur on the household's routes.
var (
	// headReach: the head reaches every profile of its household, no other.
	headReach = at(in, in, notFound, notFound)
	// memberOwn: a member's own profile on a route marked Members.
	memberOwn = at(in, noProfile, notFound, notFound)
	// memberNot: a route that is the head's alone.
	memberNot = at(headOnly, noProfile, notFound, notFound)
	// familyOnly: the /family routes act on members, never on the head's own profile.
	familyOnly = at(notFound, in, notFound, notFound)
)

// public: no token needed; a token changes nothing.
var public = row{all(in), all(in), all(in), all(in), all(in), all(in), all(in), all(in)}

// accountRow: any login; blocked accounts refused, a consent-blocked one as cb says.
func accountRow(m, cb answer) row {
	return row{anonymous: all(unauth), head: all(in), member: m, operator: all(in), partner: all(in), inspector: all(in),
		blocked: all(acctBlocked), consentBlocked: cb}
}

// residentRow: residents and members only; staff refused by role.
func residentRow(h, m, cb answer) row {
	return row{anonymous: all(unauth), head: h, member: m, operator: all(forbidden), partner: all(forbidden), inspector: all(forbidden),
		blocked: all(acctBlocked), consentBlocked: cb}
}

// staffRow: one or more staff groups; residents refused by role, blocked or not.
func staffRow(op, pa, ins answer) row {
	return row{anonymous: all(unauth), head: all(forbidden), member: all(forbidden), operator: op, partner: pa, inspector: ins,
		blocked: all(forbidden), consentBlocked: all(forbidden)}
}

var (
	refused   = all(forbidden)
	admitted  = all(in)
	isBlocked = all(acctBlocked)
	operators = staffRow(admitted, refused, refused)
	// operatorsOn: an operator's route naming an object.
	operatorsOn = staffRow(existing(in, notFound), refused, refused)
)

// matrix is the expected answer of every route: one row per route of the
// route table, checked against it both ways.
var matrix = map[string]row{
	"GET /health":                  public,
	"GET /consents/clauses":        public,
	"GET /dictionaries/{kind}":     public,
	"POST /auth/register":          public,
	"POST /auth/activate":          public,
	"POST /auth/activation/resend": public,
	"POST /auth/login":             public,
	"POST /auth/refresh":           public,
	"POST /auth/password/forgot":   public,
	"POST /auth/password/reset":    public,
	"POST /auth/invitation/accept": public,
	"GET /cards/qr-keys":           public,

	// R7.3: logout and one's own account stay reachable while consent-blocked.
	"POST /auth/logout":      accountRow(admitted, admitted),
	"GET /account":           accountRow(admitted, admitted),
	"PUT /account/phone":     accountRow(admitted, isBlocked),
	"DELETE /account/phone":  accountRow(admitted, isBlocked),
	"POST /account/password": accountRow(admitted, isBlocked),
	// R6.2, R15.4: deletion and export are a resident's (a member's too), while blocked too.
	"DELETE /account":                  residentRow(admitted, admitted, admitted),
	"GET /account/export":              residentRow(admitted, admitted, admitted),
	"GET /account/consents":            residentRow(admitted, all(headOnly), admitted),
	"PUT /account/consents/{clauseId}": residentRow(admitted, all(headOnly), admitted),

	"GET /profiles":             residentRow(admitted, admitted, isBlocked),
	"GET /profiles/{profileId}": residentRow(headReach, memberOwn, isBlocked),

	// R10: the household is the head's to change.
	"POST /family":                        residentRow(admitted, all(headOnly), isBlocked),
	"PUT /family/{profileId}":             residentRow(familyOnly, memberNot, isBlocked),
	"DELETE /family/{profileId}":          residentRow(familyOnly, memberNot, isBlocked),
	"POST /family/{profileId}/invitation": residentRow(familyOnly, memberNot, isBlocked),
	"POST /profiles/{profileId}/uploads":  residentRow(headReach, memberNot, isBlocked),

	"GET /profiles/{profileId}/applications/available":               residentRow(headReach, memberNot, isBlocked),
	"POST /profiles/{profileId}/applications":                        residentRow(headReach, memberNot, isBlocked),
	"GET /profiles/{profileId}/applications":                         residentRow(headReach, memberNot, isBlocked),
	"GET /profiles/{profileId}/applications/{applicationId}":         residentRow(headReach, memberNot, isBlocked),
	"PUT /profiles/{profileId}/applications/{applicationId}":         residentRow(headReach, memberNot, isBlocked),
	"POST /profiles/{profileId}/applications/{applicationId}/submit": residentRow(headReach, memberNot, isBlocked),
	"DELETE /profiles/{profileId}/applications/{applicationId}":      residentRow(headReach, memberNot, isBlocked),

	// R10.4: a member sees and blocks its own cards.
	"GET /profiles/{profileId}/cards":                         residentRow(headReach, memberOwn, isBlocked),
	"GET /profiles/{profileId}/cards/{cardId}/qr":             residentRow(headReach, memberOwn, isBlocked),
	"POST /profiles/{profileId}/cards/{cardId}/block":         residentRow(headReach, memberOwn, isBlocked),
	"GET /profiles/{profileId}/packages":                      residentRow(headReach, memberOwn, isBlocked),
	"GET /profiles/{profileId}/identifiers":                   residentRow(headReach, memberOwn, isBlocked),
	"POST /profiles/{profileId}/identifiers":                  residentRow(headReach, memberNot, isBlocked),
	"DELETE /profiles/{profileId}/identifiers/{identifierId}": residentRow(headReach, memberNot, isBlocked),
	"GET /profiles/{profileId}/cards/{cardId}/checks":         residentRow(headReach, memberOwn, isBlocked),
	"GET /profiles/{profileId}/cards/{cardId}/validity":       residentRow(headReach, memberOwn, isBlocked),
	"GET /profiles/{profileId}/benefits":                      residentRow(headReach, memberOwn, isBlocked),

	"GET /cards/revocations": staffRow(refused, admitted, admitted),
	"POST /verify":           staffRow(refused, admitted, admitted),
	"POST /partner/benefits": staffRow(refused, admitted, refused),
	"GET /partner/benefits":  staffRow(refused, admitted, refused),

	"GET /operator/applications":                           operators,
	"GET /operator/applications/{applicationId}":           operatorsOn,
	"POST /operator/applications/{applicationId}/review":   operatorsOn,
	"POST /operator/applications/{applicationId}/decision": operatorsOn,
	"POST /operator/cards/{cardId}/status":                 operatorsOn,
	"POST /operator/cards/{cardId}/unblock":                operatorsOn,

	"GET /profiles/{profileId}/cases":                    residentRow(headReach, memberNot, isBlocked),
	"GET /profiles/{profileId}/cases/unread-count":       residentRow(headReach, memberNot, isBlocked),
	"POST /profiles/{profileId}/cases":                   residentRow(headReach, memberNot, isBlocked),
	"GET /profiles/{profileId}/cases/{caseId}":           residentRow(headReach, memberNot, isBlocked),
	"GET /profiles/{profileId}/cases/{caseId}/messages":  residentRow(headReach, memberNot, isBlocked),
	"POST /profiles/{profileId}/cases/{caseId}/messages": residentRow(headReach, memberNot, isBlocked),
	"GET /operator/cases":                                operators,
	"POST /operator/cases":                               operators,
	"GET /operator/cases/{caseId}":                       operatorsOn,
	"GET /operator/cases/{caseId}/messages":              operatorsOn,
	"POST /operator/cases/{caseId}/messages":             operatorsOn,
	"POST /operator/cases/{caseId}/close":                operatorsOn,

	"GET /operator/dictionaries/{kind}":         operators,
	"POST /operator/dictionaries/{kind}":        operators,
	"GET /operator/dictionaries/{kind}/{id}":    operatorsOn,
	"PUT /operator/dictionaries/{kind}/{id}":    operatorsOn,
	"DELETE /operator/dictionaries/{kind}/{id}": operatorsOn,
	"GET /operator/residents":                   operators,
	"GET /operator/residents/{profileId}":       operatorsOn,
	"GET /operator/audit":                       operators,
	"POST /operator/staff":                      operators,
	"GET /operator/staff":                       operators,
	"DELETE /operator/staff/{accountId}":        operatorsOn,
}

// objects are the ids a path may name, of one owner.
type objects struct {
	profile, application, card, caseID, identifier string
}

// newOwned is a well-formed id of a profile's object that does not exist.
func newOwned(profileID string) string { return profileID + "." + ulid.Make().String() }

func nobodys() objects {
	p := ulid.Make().String()
	return objects{p, newOwned(p), newOwned(p), newOwned(p), ulid.Make().String()}
}

// under is the profile's own path with ids of objects that do not exist.
func under(profileID string) objects {
	return objects{profileID, newOwned(profileID), newOwned(profileID), newOwned(profileID), ulid.Make().String()}
}

// matrixFixtures are the callers and their objects.
type matrixFixtures struct {
	tokens [nRoles]string
	// mine: each role's own objects; kin: its household members' (the head:
	// its member; the member: its head and a sibling).
	mine [nRoles]objects
	kin  [nRoles][]objects
	// theirs: another household's objects.
	theirs objects
	// the head's household, for staff routes: H's objects and the head.
	h, other testenv.Holder
	hObj     objects
	entryID  string // a dictionary entry of the test's own
	staffID  string // a staff account of the test's own
}

const invitedPassword = "Czerwony-Autobus-2027"

// invite adds an adult to the head's household through POST /family and
// logs it in through the invitation the mail carries (the real API).
func invite(t *testing.T, e *testenv.Env, h testenv.Holder) testenv.Holder {
	t.Helper()
	addr := testenv.Email("jan")
	var p struct {
		ProfileID string `json:"profileId"`
	}
	e.Call(t, "POST", "/family", h.Token, map[string]any{"firstName": "Jan", "lastName": "Nowak", "birthDate": "1995-06-01",
		"relationship": "spouse", "email": addr}).Expect(t, 201).Decode(t, &p)
	var link string
	for _, m := range e.Outbox(t, addr) {
		if m.Template == outbox.FamilyInvitation {
			link = m.Data["link"]
		}
	}
	u, err := url.Parse(link)
	if err != nil || u.Query().Get("token") == "" {
		t.Fatalf("invitation link %q", link)
	}
	e.Call(t, "POST", "/auth/invitation/accept", "", map[string]string{"token": u.Query().Get("token"),
		"newPassword": invitedPassword, "newPasswordRepeat": invitedPassword}).Expect(t, 204)
	return testenv.Holder{Email: addr, Token: e.Login(t, addr, invitedPassword).AccessToken, ProfileID: p.ProfileID}
}

func addChild(t testing.TB, e *testenv.Env, h testenv.Holder) string {
	t.Helper()
	var p struct {
		ProfileID string `json:"profileId"`
	}
	e.Call(t, "POST", "/family", h.Token, map[string]any{"firstName": "Ola", "lastName": "Nowak", "birthDate": "2016-03-10",
		"relationship": "child"}).Expect(t, 201).Decode(t, &p)
	return p.ProfileID
}

func openCase(t testing.TB, e *testenv.Env, token, profileID string) string {
	t.Helper()
	var c struct {
		CaseID string `json:"caseId"`
	}
	e.Call(t, "POST", "/profiles/"+profileID+"/cases", token, map[string]any{"typeId": "general", "subject": "Pytanie", "body": "Treść"}).
		Expect(t, 201).Decode(t, &c)
	return c.CaseID
}

// addIdentifier adds an identifier of the first seeded type the profile
// has room for (a profile holds one of each).
func addIdentifier(t testing.TB, e *testenv.Env, token, profileID string) string {
	t.Helper()
	for _, v := range []map[string]any{{"typeId": "student-id", "value": uniqueDigits()[:8]},
		{"typeId": "school-id", "value": "S" + uniqueDigits()[:8]}, {"typeId": "large-family", "value": "1" + uniqueDigits()[:9]}} {
		res := e.Call(t, "POST", "/profiles/"+profileID+"/identifiers", token, v)
		if res.Status == 409 {
			continue
		}
		var i struct {
			IdentifierID string `json:"identifierId"`
		}
		res.Expect(t, 201).Decode(t, &i)
		return i.IdentifierID
	}
	t.Fatalf("profile %s has no room for an identifier", profileID)
	return ""
}

// uniqueDigits: an identifier's value nobody holds (values are unique).
func uniqueDigits() string {
	var b strings.Builder
	for _, c := range ulid.Make().String()[14:] {
		fmt.Fprintf(&b, "%d", c%10)
	}
	return b.String()
}

func newEntry(t testing.TB, e *testenv.Env, op string) string {
	t.Helper()
	id := "matrix-" + strings.ToLower(ulid.Make().String()[16:])
	e.Call(t, "POST", "/operator/dictionaries/duplicate-reasons", op, map[string]any{"id": id, "name": "Powód"}).Expect(t, 201)
	return id
}

func newStaff(t testing.TB, e *testenv.Env, op string) string {
	t.Helper()
	var m struct {
		AccountID string `json:"accountId"`
	}
	e.Call(t, "POST", "/operator/staff", op, map[string]any{"email": testenv.Email("insp"), "group": "inspectors", "organizationName": "Straż Miejska"}).
		Expect(t, 201).Decode(t, &m)
	return m.AccountID
}

// holderObjects: a card holder's objects (its card application, card, a
// case, an identifier), made through the API.
func holderObjects(t *testing.T, e *testenv.Env, token, profileID, appID, cardID string) objects {
	return objects{profileID, appID, cardID, openCase(t, e, token, profileID), addIdentifier(t, e, token, profileID)}
}

func firstApplication(t *testing.T, e *testenv.Env, token, profileID string) string {
	t.Helper()
	var apps struct {
		Items []struct {
			ApplicationID string `json:"applicationId"`
		}
	}
	e.Call(t, "GET", "/profiles/"+profileID+"/applications", token, nil).Expect(t, 200).Decode(t, &apps)
	if len(apps.Items) == 0 {
		t.Fatalf("profile %s has no application", profileID)
	}
	return apps.Items[0].ApplicationID
}

func setAccountStatus(t *testing.T, e *testenv.Env, token, status string) {
	t.Helper()
	var acc struct {
		AccountID string `json:"accountId"`
	}
	e.Call(t, "GET", "/account", token, nil).Expect(t, 200).Decode(t, &acc)
	if err := store.Of(e.Deps).Update(context.Background(), store.AccountKey(acc.AccountID),
		expression.Set(expression.Name("status"), expression.Value(status)), nil, nil); err != nil {
		t.Fatal(err)
	}
}

func makeFixtures(t *testing.T, e *testenv.Env) *matrixFixtures {
	f := &matrixFixtures{}
	var wg sync.WaitGroup
	var h, other, bl, cb testenv.Holder
	var hCard, otherCard testenv.IssuedCard
	// Households are independent: made side by side.
	wg.Go(func() { h, hCard = e.CardHolder(t, nil) })
	wg.Go(func() { other, otherCard = e.CardHolder(t, nil) })
	wg.Go(func() { bl = e.NewHolder(t) })
	wg.Go(func() { cb = e.NewHolder(t) })
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
	f.h, f.other = h, other
	op := e.Staff(t, "operator@example.com").AccessToken
	f.tokens = [nRoles]string{anonymous: "", head: h.Token, operator: op,
		partner: e.Staff(t, "partner@example.com").AccessToken, inspector: e.Staff(t, "inspector@example.com").AccessToken,
		blocked: bl.Token, consentBlocked: cb.Token}

	// The head's member, with a card the head applied for (R10.3) and a
	// case and an identifier the head made on its profile; a sibling.
	m := invite(t, e, h)
	f.tokens[member] = m.Token
	e.Accept(t, e.Apply(t, h, m.ProfileID, "card_issue",
		e.CardData(t, h, m.ProfileID, map[string]any{"firstName": "Jan", "lastName": "Nowak", "birthDate": "1995-06-01"})))
	mCards := e.Cards(t, h, m.ProfileID)
	if len(mCards) != 1 {
		t.Fatalf("member's cards %+v", mCards)
	}
	sibling := addChild(t, e, h)

	f.hObj = holderObjects(t, e, h.Token, h.ProfileID, firstApplication(t, e, h.Token, h.ProfileID), hCard.CardID)
	mObj := holderObjects(t, e, h.Token, m.ProfileID, firstApplication(t, e, h.Token, m.ProfileID), mCards[0].CardID)
	f.theirs = holderObjects(t, e, other.Token, other.ProfileID, firstApplication(t, e, other.Token, other.ProfileID), otherCard.CardID)

	f.mine[head], f.kin[head] = f.hObj, []objects{mObj}
	sib := f.hObj
	sib.profile = sibling
	f.mine[member], f.kin[member] = mObj, []objects{f.hObj, sib}
	f.mine[blocked], f.mine[consentBlocked] = under(bl.ProfileID), under(cb.ProfileID)
	for _, r := range []role{anonymous, operator, partner, inspector} {
		f.mine[r] = under("me")
	}
	f.entryID = newEntry(t, e, op)
	f.staffID = newStaff(t, e, op)

	// The blocked account: blocked by the city, not by a consent; the
	// consent-blocked one: its head withdrew the terms (R7.3).
	setAccountStatus(t, e, bl.Token, account.Blocked)
	e.Call(t, "PUT", "/account/consents/terms", cb.Token, map[string]any{"accepted": false}).Expect(t, 200)
	return f
}

// kindOf is which ownerships a route's path has: a household's (a profile
// path), a staff route's object, or none.
type pathKind int

const (
	noObject pathKind = iota
	householdObject
	staffObject
)

func kindOf(r routes.Route) pathKind {
	switch {
	case strings.Contains(r.Path, "{profileId}") && !strings.HasPrefix(r.Path, "/operator/"):
		return householdObject
	case strings.Contains(r.Path, "{id}") || strings.Contains(r.Path, "{accountId}") || strings.Contains(r.Path, "{profileId}") ||
		strings.Contains(r.Path, "{applicationId}") || strings.Contains(r.Path, "{cardId}") || strings.Contains(r.Path, "{caseId}"):
		return staffObject
	}
	return noObject
}

// fill puts a household's objects into a path; the other parameters name no
// one's object and are fixed (a staff route's id as given).
func fill(path string, o objects, staffID string) string {
	return strings.NewReplacer("{profileId}", o.profile, "{applicationId}", o.application, "{cardId}", o.card,
		"{caseId}", o.caseID, "{identifierId}", o.identifier, "{clauseId}", "newsletter", "{id}", staffID, "{accountId}", staffID,
		"{kind}", kindParam(path)).Replace(path)
}

func kindParam(path string) string {
	if strings.HasPrefix(path, "/operator/") {
		return "duplicate-reasons"
	}
	return "pickup-points"
}

// fresh gives the cells whose admitted call destroys its object an object of
// their own, so no other cell loses its fixture.
var fresh = map[string]func(t *testing.T, e *testenv.Env, f *matrixFixtures, o objects) objects{
	"DELETE /family/{profileId}": func(t *testing.T, e *testenv.Env, f *matrixFixtures, o objects) objects {
		o.profile = addChild(t, e, f.h)
		return o
	},
	"DELETE /profiles/{profileId}/identifiers/{identifierId}": func(t *testing.T, e *testenv.Env, f *matrixFixtures, o objects) objects {
		o.identifier = addIdentifier(t, e, f.h.Token, o.profile)
		return o
	},
	"POST /operator/cases/{caseId}/close": func(t *testing.T, e *testenv.Env, f *matrixFixtures, o objects) objects {
		o.caseID = openCase(t, e, f.h.Token, f.h.ProfileID)
		return o
	},
}

// freshStaffID is the same for the staff routes named by a slug or an account id.
var freshStaffID = map[string]func(t *testing.T, e *testenv.Env, op string) string{
	"DELETE /operator/dictionaries/{kind}/{id}": func(t *testing.T, e *testenv.Env, op string) string { return newEntry(t, e, op) },
	"DELETE /operator/staff/{accountId}":        func(t *testing.T, e *testenv.Env, op string) string { return newStaff(t, e, op) },
}

// gatewayUnauthorized stands for the authorizer's own 401 body.
const gatewayUnauthorized = "(authorizer)"

// moreExamples are valid bodies of the routes whose contract shows none,
// for the refused cells (a refusal must not be a validation answer).
var moreExamples = map[string]string{
	"POST /operator/applications/{applicationId}/decision": `{"decision":"accept","comment":""}`,
	"PUT /operator/dictionaries/{kind}/{id}":               `{"name":"Powód"}`,
	"POST /operator/dictionaries/{kind}":                   `{"id":"matrix-refused","name":"Powód"}`,
}

// queries are the required query parameters of routes, for every cell.
var queries = map[string]string{
	"GET /profiles/{profileId}/cards/{cardId}/validity": "?at=" + url.QueryEscape(time.Now().UTC().Format(time.RFC3339)),
}

// check asserts one answer against its expectation.
func check(t *testing.T, label string, res *testenv.Resp, w want) {
	t.Helper()
	if w == in {
		if res.Status >= 500 || res.Status == 401 || res.Status == 403 || res.Status == 404 {
			t.Errorf("%s: want admitted, got %d %s", label, res.Status, res.Body)
		}
		return
	}
	if w.code == gatewayUnauthorized {
		if res.Status != 401 || strings.TrimSpace(string(res.Body)) != `{"message":"Unauthorized"}` {
			t.Errorf("%s: want the authorizer's 401, got %d %s", label, res.Status, res.Body)
		}
		return
	}
	var p struct {
		Code   string `json:"code"`
		Status int    `json:"status"`
		Detail string `json:"detail"`
	}
	_ = json.Unmarshal(res.Body, &p)
	if res.Status != w.status || p.Code != w.code || p.Status != w.status || (w.detail != "" && p.Detail != w.detail) {
		t.Errorf("%s: want %s, got %d %s", label, w, res.Status, res.Body)
	}
}

// TestAuthorizationMatrix: every route × role × ownership answers as its row
// says (R14.2, R14.3, R10.4, R7.3), and someone else's object answers
// exactly as a nonexistent one — the same status and body apart from the
// request id — on every route, for every caller, both when the whole path
// is someone else's and when only the object is (the caller's own profile
// with another household's application, card, case or identifier).
func TestAuthorizationMatrix(t *testing.T) {
	var missing, stale []string
	for _, r := range routes.All {
		if _, ok := matrix[r.Key()]; !ok {
			missing = append(missing, r.Key())
		}
	}
	for k := range matrix {
		if _, _, ok := routes.Find(strings.Fields(k)[0], fill(strings.Fields(k)[1], nobodys(), "x")); !ok {
			stale = append(stale, k)
		}
	}
	sort.Strings(missing)
	sort.Strings(stale)
	for _, k := range missing {
		t.Errorf("route %s has no row in the authorization matrix (infra/local/gateway/matrix_test.go): write its expected answer for every role and ownership", k)
	}
	for _, k := range stale {
		t.Errorf("the authorization matrix has a row for %s, which the route table does not have", k)
	}
	if t.Failed() {
		t.FailNow()
	}

	e := testenv.Get(t)
	f := makeFixtures(t, e)
	examples := requestExamples(t)
	var mu sync.Mutex
	cells, calls := map[pathKind]int{}, 0
	count := func(k pathKind, n, c int) {
		mu.Lock()
		defer mu.Unlock()
		cells[k] += n
		calls += c
	}

	t.Run("cells", func(t *testing.T) {
		for _, r := range routes.All {
			rw := matrix[r.Key()]
			k := kindOf(r)
			t.Run(r.Key(), func(t *testing.T) {
				t.Parallel()
				// A refused call carries the contract's example, so the
				// refusal is never a validation answer's; an admitted one
				// an empty object, which changes nothing where the
				// handler validates (a 422 proves it ran).
				body := func(w want) any {
					if r.Method == "GET" {
						return nil
					}
					if w == in {
						return "{}"
					}
					if ex, ok := moreExamples[r.Key()]; ok {
						return ex
					}
					return bodyOrNil(examples[r.Key()])
				}
				call := func(ro role, path string, w want) *testenv.Resp {
					return e.Call(t, r.Method, path+queries[r.Key()], f.tokens[ro], body(w))
				}
				for ro := range nRoles {
					ans := rw[ro]
					name := roleNames[ro]
					switch k {
					case noObject:
						check(t, name, call(ro, fill(r.Path, f.mine[ro], ""), ans[own]), ans[own])
						count(k, 1, 1)
					case staffObject:
						id := f.entryID
						if strings.Contains(r.Path, "{accountId}") {
							id = f.staffID
						}
						o := f.hObj
						if ans[foreign] == in {
							if mk := freshStaffID[r.Key()]; mk != nil {
								id = mk(t, e, f.tokens[operator])
							}
							if mk := fresh[r.Key()]; mk != nil {
								o = mk(t, e, f, o)
							}
						}
						got := call(ro, fill(r.Path, o, id), ans[foreign])
						check(t, name+" existing", got, ans[foreign])
						want := call(ro, fill(r.Path, nobodys(), "matrix-none-"+strings.ToLower(ulid.Make().String()[20:])), ans[none])
						check(t, name+" nonexistent", want, ans[none])
						if ans[foreign] == ans[none] && !sameAnswer(got, want) {
							t.Errorf("%s: an existing object answered %d %s, a nonexistent one %d %s", name, got.Status, got.Body, want.Status, want.Body)
						}
						count(k, 2, 2)
					case householdObject:
						n, c := 0, 0
						// Own: by id, and as "me" for a resident.
						o := f.mine[ro]
						if ans[own] == in && fresh[r.Key()] != nil {
							o = fresh[r.Key()](t, e, f, o)
						}
						check(t, name+" own", call(ro, fill(r.Path, o, ""), ans[own]), ans[own])
						n, c = n+1, c+1
						if ro == head || ro == member {
							me := o
							me.profile = "me"
							if ans[own] == in && fresh[r.Key()] != nil {
								me = fresh[r.Key()](t, e, f, o)
								me.profile = "me"
							}
							check(t, name+" own (me)", call(ro, fill(r.Path, me, ""), ans[own]), ans[own])
							c++
						}
						for _, kin := range f.kin[ro] {
							if ans[family] == in && fresh[r.Key()] != nil {
								kin = fresh[r.Key()](t, e, f, kin)
							}
							check(t, name+" family's "+kin.profile, call(ro, fill(r.Path, kin, ""), ans[family]), ans[family])
							c++
						}
						if len(f.kin[ro]) > 0 {
							n++
						}
						// Another household's, the whole path and then the
						// object alone under the caller's own profile,
						// against the same shapes naming nothing.
						got := call(ro, fill(r.Path, f.theirs, ""), ans[foreign])
						want := call(ro, fill(r.Path, nobodys(), ""), ans[none])
						check(t, name+" foreign", got, ans[foreign])
						check(t, name+" nonexistent", want, ans[none])
						if !sameAnswer(got, want) {
							t.Errorf("%s: another household's answered %d %s, a nonexistent one %d %s", name, got.Status, got.Body, want.Status, want.Body)
						}
						n, c = n+2, c+2
						if strings.Count(r.Path, "{") > 1 {
							// The object alone: refused as the caller's own
							// profile is, or else not found.
							w := notFound
							if ans[own] != in {
								w = ans[own]
							}
							theirs := f.theirs
							theirs.profile = f.mine[ro].profile
							got := call(ro, fill(r.Path, theirs, ""), w)
							want := call(ro, fill(r.Path, under(f.mine[ro].profile), ""), w)
							check(t, name+" foreign object on own profile", got, w)
							check(t, name+" nonexistent object on own profile", want, w)
							if !sameAnswer(got, want) {
								t.Errorf("%s on its own profile: another household's object answered %d %s, a nonexistent one %d %s", name, got.Status, got.Body, want.Status, want.Body)
							}
							c += 2
						}
						count(k, n, c)
					}
				}
			})
		}
	})

	// Nothing of the other household changed under everyone's attempts.
	if cs := e.Cards(t, f.other, f.theirs.profile); len(cs) != 1 || cs[0].Status != "active" {
		t.Errorf("another household's card after the matrix: %+v", cs)
	}
	// R10.3, R10.4: the member sees its own card and only its own profile;
	// the head reaches its member's profile and a child's.
	m := f.mine[member]
	var cards struct{ Items []testenv.IssuedCard }
	e.Call(t, "GET", "/profiles/me/cards", f.tokens[member], nil).Expect(t, 200).Decode(t, &cards)
	if len(cards.Items) != 1 || cards.Items[0].CardID != m.card {
		t.Errorf("member's own cards %+v", cards.Items)
	}
	var list struct {
		Items []struct {
			ProfileID string `json:"profileId"`
		}
	}
	e.Call(t, "GET", "/profiles", f.tokens[member], nil).Expect(t, 200).Decode(t, &list)
	if len(list.Items) != 1 || list.Items[0].ProfileID != m.profile {
		t.Errorf("member's profiles %+v", list.Items)
	}
	for _, p := range []string{m.profile, f.kin[member][1].profile} {
		for _, rest := range []string{"/cards", "/applications", "/cases"} {
			e.Call(t, "GET", "/profiles/"+p+rest, f.tokens[head], nil).Expect(t, 200)
		}
	}
	t.Logf("%d routes × %d roles: %d cells (%d on routes without ids, %d on household paths, %d on staff routes' objects), %d calls",
		len(routes.All), nRoles, cells[noObject]+cells[householdObject]+cells[staffObject], cells[noObject], cells[householdObject], cells[staffObject], calls)
}

// sameAnswer: the same status and body apart from the request id.
func sameAnswer(x, y *testenv.Resp) bool {
	return x.Status == y.Status && sameProblem(x.Body, y.Body)
}
