package verification_test

import (
	"context"
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"

	"github.com/kartamieszkanca/platform/infra/local/testenv"
	"github.com/kartamieszkanca/platform/shared/card"
	"github.com/kartamieszkanca/platform/shared/qrtoken"
	"github.com/kartamieszkanca/platform/shared/store"
)

func TestMain(m *testing.M) { testenv.Main(m) }

type verdict struct {
	Valid     bool      `json:"valid"`
	Reason    *string   `json:"reason"`
	CheckedAt time.Time `json:"checkedAt"`
	Holder    *struct {
		FirstName       string  `json:"firstName"`
		LastNameInitial string  `json:"lastNameInitial"`
		PhotoURL        *string `json:"photoUrl"`
	} `json:"holder"`
	Packages *[]struct {
		PackageID string `json:"packageId"`
		Name      string `json:"name"`
		ValidTo   string `json:"validTo"`
	} `json:"packages"`
	Identifiers *[]struct {
		TypeID string `json:"typeId"`
		Name   string `json:"name"`
		Value  string `json:"value"`
	} `json:"identifiers"`
}

type staff struct{ partner, inspector string }

func verifiers(t *testing.T, e *testenv.Env) staff {
	return staff{e.Staff(t, "partner@example.com").AccessToken, e.Staff(t, "inspector@example.com").AccessToken}
}

func verify(t *testing.T, e *testenv.Env, token string, body map[string]string) (verdict, *testenv.Resp) {
	t.Helper()
	var v verdict
	res := e.Call(t, "POST", "/verify", token, body).Expect(t, 200)
	res.Decode(t, &v)
	return v, res
}

func qr(t *testing.T, e *testenv.Env, h testenv.Holder, cardID string) string {
	t.Helper()
	var q struct{ Token string }
	e.Call(t, "GET", h.Path("/cards/"+cardID+"/qr"), h.Token, nil).Expect(t, 200).Decode(t, &q)
	return q.Token
}

// nothingDisclosed: an invalid card's answer says nothing about the person.
func nothingDisclosed(t *testing.T, v verdict, res *testenv.Resp, reason string) {
	t.Helper()
	if v.Valid || v.Reason == nil || *v.Reason != reason || v.Holder != nil || v.Packages != nil || v.Identifiers != nil {
		t.Fatalf("want invalid (%s) with nothing disclosed, got %s", reason, res.Body)
	}
	for _, leak := range []string{"Anna", "Nowak", "transport", "culture"} {
		if strings.Contains(string(res.Body), leak) {
			t.Fatalf("invalid answer discloses %q: %s", leak, res.Body)
		}
	}
}

// R12.1: a partner checks a card by number, an inspector by the virtual
// card's QR token; a valid card shows the holder's first name, last name's
// initial, photo and active packages, and identifiers only to inspectors.
func TestVerifyValidCard(t *testing.T) {
	e := testenv.Get(t)
	s := verifiers(t, e)
	h, c := e.CardHolder(t, nil)

	v, res := verify(t, e, s.partner, map[string]string{"cardNumber": c.Number})
	if !v.Valid || v.Reason != nil || v.Holder == nil || v.Holder.FirstName != "Anna" || v.Holder.LastNameInitial != "N" ||
		v.Holder.PhotoURL == nil || v.Packages == nil || len(*v.Packages) != 2 || v.Identifiers == nil || len(*v.Identifiers) != 0 {
		t.Fatalf("partner's check by number: %s", res.Body)
	}
	if strings.Contains(string(res.Body), "Nowak") || strings.Contains(string(res.Body), "1990") {
		t.Fatalf("the check discloses more than the first name and initial: %s", res.Body)
	}
	// The gate with the number's claim (one BatchGetItem), the holder's
	// partition, the record: the write budget.
	if res.Calls > 3 {
		t.Errorf("POST /verify by number made %d round trips, budget 3", res.Calls)
	}

	v, res = verify(t, e, s.inspector, map[string]string{"qrToken": qr(t, e, h, c.CardID)})
	if !v.Valid || v.Holder == nil || v.Packages == nil || len(*v.Packages) != 2 || v.Identifiers == nil {
		t.Fatalf("inspector's check by QR: %s", res.Body)
	}
	if res.Calls > 3 {
		t.Errorf("POST /verify by QR token made %d round trips, budget 3", res.Calls)
	}
}

// R12.1, R4.4, R15.2: unknown numbers, blocked cards, tampered and expired
// tokens are not valid, and the answer discloses nothing about the person.
func TestVerifyInvalidCardsDiscloseNothing(t *testing.T) {
	e := testenv.Get(t)
	s := verifiers(t, e)
	h, c := e.CardHolder(t, nil)
	token := qr(t, e, h, c.CardID)

	// A number with a wrong check digit, and a well-formed one never issued.
	bad := c.Number[:11] + string('0'+(c.Number[11]-'0'+1)%10)
	v, res := verify(t, e, s.partner, map[string]string{"cardNumber": bad})
	nothingDisclosed(t, v, res, "unknown_card")
	v, res = verify(t, e, s.partner, map[string]string{"cardNumber": card.Number()})
	nothingDisclosed(t, v, res, "unknown_card")

	// A token whose payload was changed (another card number) fails its signature.
	parts := strings.Split(token, ".")
	payload, _ := base64.RawURLEncoding.DecodeString(parts[1])
	forged := strings.Replace(string(payload), c.Number, card.Number(), 1)
	tampered := parts[0] + "." + base64.RawURLEncoding.EncodeToString([]byte(forged)) + "." + parts[2]
	v, res = verify(t, e, s.inspector, map[string]string{"qrToken": tampered})
	nothingDisclosed(t, v, res, "token_invalid")
	v, res = verify(t, e, s.inspector, map[string]string{"qrToken": "not.a.token"})
	nothingDisclosed(t, v, res, "token_invalid")

	// A token signed with the platform's key, but over a minute ago.
	signer, err := qrtoken.SignerOf(e.Deps)
	if err != nil {
		t.Fatal(err)
	}
	old, _, err := qrtoken.Issue(context.Background(), signer, c.CardID, c.Number, time.Now().Add(-2*time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	v, res = verify(t, e, s.inspector, map[string]string{"qrToken": old})
	nothingDisclosed(t, v, res, "token_expired")

	// Blocked by the resident (R4.4): by number and by a token made before.
	e.Call(t, "POST", h.Path("/cards/"+c.CardID+"/block"), h.Token, map[string]string{"reason": "lost"}).Expect(t, 200)
	v, res = verify(t, e, s.partner, map[string]string{"cardNumber": c.Number})
	nothingDisclosed(t, v, res, "blocked")
	v, res = verify(t, e, s.inspector, map[string]string{"qrToken": token})
	nothingDisclosed(t, v, res, "blocked")

	// A card blocked with its account (a withdrawn consent) says so.
	h2, c2 := e.CardHolder(t, nil)
	setCard(t, e, h2.ProfileID, c2.CardID, map[string]any{"status": "blocked", "blockReason": "consent_withdrawn"})
	v, res = verify(t, e, s.partner, map[string]string{"cardNumber": c2.Number})
	nothingDisclosed(t, v, res, "account_blocked")
	setCard(t, e, h2.ProfileID, c2.CardID, map[string]any{"status": "cancelled"})
	v, res = verify(t, e, s.partner, map[string]string{"cardNumber": c2.Number})
	nothingDisclosed(t, v, res, "cancelled")
}

// setCard sets a card's attributes as another feature would (the household's
// block, an account's deletion), which this package's routes do not do.
func setCard(t *testing.T, e *testenv.Env, profileID, cardID string, attrs map[string]any) {
	t.Helper()
	var upd expression.UpdateBuilder
	for k, v := range attrs {
		upd = upd.Set(expression.Name(k), expression.Value(v))
	}
	if err := store.Of(e.Deps).Update(context.Background(), store.CardKey(profileID, cardID), upd, store.Exists(), nil); err != nil {
		t.Fatal(err)
	}
}

// R12.1: a physical card not yet collected is not valid.
func TestVerifyOrderedCard(t *testing.T) {
	e := testenv.Get(t)
	s := verifiers(t, e)
	h, _ := e.CardHolder(t, nil)
	e.Accept(t, e.Apply(t, h, h.ProfileID, "physical_card", map[string]any{"pickupPointId": "um-rynek"}))
	var physical testenv.IssuedCard
	for _, c := range e.Cards(t, h, h.ProfileID) {
		if c.Kind == "physical" {
			physical = c
		}
	}
	if physical.Status != "ordered" {
		t.Fatalf("physical card %+v", physical)
	}
	v, res := verify(t, e, s.partner, map[string]string{"cardNumber": physical.Number})
	nothingDisclosed(t, v, res, "not_active")
}

// R12.1, R14.2: only partners and inspectors verify; a body names exactly one
// of the number and the token.
func TestVerifyAccessAndInput(t *testing.T) {
	e := testenv.Get(t)
	s := verifiers(t, e)
	h, c := e.CardHolder(t, nil)
	op := e.Staff(t, "operator@example.com").AccessToken
	for name, token := range map[string]string{"resident": h.Token, "operator": op} {
		p := e.Call(t, "POST", "/verify", token, map[string]string{"cardNumber": c.Number}).Expect(t, 403).Problem(t)
		if p.Code != "forbidden" {
			t.Errorf("%s: %+v", name, p)
		}
	}
	e.Call(t, "POST", "/verify", "", map[string]string{"cardNumber": c.Number}).Expect(t, 401)
	for _, body := range []map[string]string{{}, {"cardNumber": c.Number, "qrToken": "x.y.z"}} {
		p := e.Call(t, "POST", "/verify", s.partner, body).Expect(t, 422).Problem(t)
		if p.Code != "validation_failed" || len(p.Errors) != 2 || p.Errors[0].Code != "exactly_one" {
			t.Errorf("body %v: %+v", body, p)
		}
	}
	p := e.Call(t, "POST", "/verify", s.partner, map[string]string{"number": c.Number}).Expect(t, 400).Problem(t)
	if p.Code != "unknown_field" {
		t.Errorf("unknown field: %+v", p)
	}
}

type checkView struct {
	CheckedAt        time.Time `json:"checkedAt"`
	OrganizationName string    `json:"organizationName"`
	Kind             string    `json:"kind"`
	Valid            bool      `json:"valid"`
	Reason           *string   `json:"reason"`
}

// R15.1: the holder sees every check of the card, newest first: which
// organization (never a person), what kind of verifier, when, the result.
func TestChecksAreVisibleToTheHolder(t *testing.T) {
	e := testenv.Get(t)
	s := verifiers(t, e)
	h, c := e.CardHolder(t, nil)
	path := h.Path("/cards/" + c.CardID + "/checks")

	var l struct {
		Items      []checkView
		NextCursor *string
	}
	res := e.Call(t, "GET", path, h.Token, nil).Expect(t, 200)
	res.Decode(t, &l)
	if len(l.Items) != 0 || l.NextCursor != nil {
		t.Fatalf("checks of an unchecked card: %s", res.Body)
	}
	if res.Calls > 2 {
		t.Errorf("GET checks of an unchecked card made %d round trips, budget 2", res.Calls)
	}

	verify(t, e, s.partner, map[string]string{"cardNumber": c.Number})
	verify(t, e, s.inspector, map[string]string{"qrToken": qr(t, e, h, c.CardID)})
	e.Call(t, "POST", h.Path("/cards/"+c.CardID+"/block"), h.Token, map[string]string{"reason": "stolen"}).Expect(t, 200)
	verify(t, e, s.partner, map[string]string{"cardNumber": c.Number})

	res = e.Call(t, "GET", path, h.Token, nil).Expect(t, 200)
	res.Decode(t, &l)
	if len(l.Items) != 3 {
		t.Fatalf("checks: %s", res.Body)
	}
	if res.Calls > 2 {
		t.Errorf("GET checks made %d round trips, budget 2", res.Calls)
	}
	want := []struct {
		org, kind string
		valid     bool
		reason    string
	}{{"MOSiR", "partner", false, "blocked"}, {"ZTM — kontrola biletów", "inspector", true, ""}, {"MOSiR", "partner", true, ""}}
	for i, w := range want {
		got := l.Items[i]
		reason := ""
		if got.Reason != nil {
			reason = *got.Reason
		}
		if got.OrganizationName != w.org || got.Kind != w.kind || got.Valid != w.valid || reason != w.reason || got.CheckedAt.IsZero() {
			t.Errorf("check %d: %+v, want %+v", i, got, w)
		}
	}
	if strings.Contains(string(res.Body), "partner@example.com") || strings.Contains(string(res.Body), "inspector@") {
		t.Fatalf("checks name a person: %s", res.Body)
	}

	// Paged, oldest first on request.
	var page struct {
		Items      []checkView
		NextCursor *string
	}
	e.Call(t, "GET", path+"?limit=2&sort=date_asc", h.Token, nil).Expect(t, 200).Decode(t, &page)
	if len(page.Items) != 2 || page.NextCursor == nil || !page.Items[0].Valid || page.Items[0].Kind != "partner" {
		t.Fatalf("first page: %+v", page)
	}
	e.Call(t, "GET", path+"?limit=2&sort=date_asc&cursor="+*page.NextCursor, h.Token, nil).Expect(t, 200).Decode(t, &page)
	if len(page.Items) != 1 || page.Items[0].Valid {
		t.Fatalf("second page: %+v", page)
	}
	// Newest first, one a page: three pages, the card's marker never shown.
	var all []checkView
	cursor := ""
	for range 5 {
		var pg struct {
			Items      []checkView
			NextCursor *string
		}
		e.Call(t, "GET", path+"?limit=1"+cursor, h.Token, nil).Expect(t, 200).Decode(t, &pg)
		all = append(all, pg.Items...)
		if pg.NextCursor == nil {
			break
		}
		cursor = "&cursor=" + *pg.NextCursor
	}
	if len(all) != 3 || all[0].Valid || !all[2].Valid || all[2].Kind != "partner" {
		t.Fatalf("paged newest first: %+v", all)
	}
}

// R14.3: another household's card, and a card that does not exist, are 404
// alike; so is a cursor of another card's list.
func TestChecksOfAnotherCard(t *testing.T) {
	e := testenv.Get(t)
	h, c := e.CardHolder(t, nil)
	other := e.NewHolder(t)
	missing := store.OwnedID(h.ProfileID)
	cases := map[string]string{
		"another household's card": "/profiles/me/cards/" + c.CardID + "/checks",
		"another profile's path":   "/profiles/" + h.ProfileID + "/cards/" + c.CardID + "/checks",
		"a missing card of mine":   "/profiles/me/cards/" + store.OwnedID(other.ProfileID) + "/checks",
	}
	for name, path := range cases {
		p := e.Call(t, "GET", path, other.Token, nil).Expect(t, 404).Problem(t)
		if p.Code != "not_found" {
			t.Errorf("%s: %+v", name, p)
		}
	}
	p := e.Call(t, "GET", "/profiles/me/cards/"+missing+"/checks", h.Token, nil).Expect(t, 404).Problem(t)
	if p.Code != "not_found" || p.Detail != "No such card." {
		t.Errorf("missing card: %+v", p)
	}
}

// R4.7, R12.1: an accepted data change is what verifiers see next.
func TestVerifySeesDataChange(t *testing.T) {
	e := testenv.Get(t)
	s := verifiers(t, e)
	h, c := e.CardHolder(t, nil)
	doc := e.Upload(t, h.Token, h.ProfileID, "document", "application/pdf", testenv.PDFBytes)
	e.Accept(t, e.Apply(t, h, h.ProfileID, "data_change", map[string]any{"firstName": "Joanna", "lastName": "Zielińska",
		"documentUploadIds": []string{doc}}))
	v, res := verify(t, e, s.partner, map[string]string{"cardNumber": c.Number})
	if !v.Valid || v.Holder == nil || v.Holder.FirstName != "Joanna" || v.Holder.LastNameInitial != "Z" {
		t.Fatalf("after the data change: %s", res.Body)
	}
}
