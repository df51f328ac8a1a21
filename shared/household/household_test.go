package household_test

import (
	"strings"
	"testing"
	"time"

	"github.com/kartamieszkanca/platform/infra/local/testenv"
	"github.com/kartamieszkanca/platform/shared/outbox"
	"github.com/kartamieszkanca/platform/shared/store"
)

// R10.1: a child needs no e-mail and is active at once; an adult (18 or more
// in Europe/Warsaw today) without one is 422 email_required, nothing added;
// an adult with one is pending_activation and invited by mail (R10.2).
func TestAddMembers(t *testing.T) {
	e := testenv.Get(t)
	head := e.NewHolder(t)

	kid := add(t, e, head, childBody())
	if kid.Status != "active" || kid.Head || kid.Relationship == nil || *kid.Relationship != "child" || kid.Email != nil {
		t.Fatalf("child %+v", kid)
	}
	body := adultBody("")
	delete(body, "email")
	code(t, e.Call(t, "POST", "/family", head.Token, body), 422, "email_required")
	// Exactly 18 today in the city is an adult.
	body["birthDate"] = time.Now().In(warsaw(t)).AddDate(-18, 0, 0).Format(time.DateOnly)
	code(t, e.Call(t, "POST", "/family", head.Token, body), 422, "email_required")
	body["relationship"] = "cousin"
	body["email"] = testenv.Email("x")
	code(t, e.Call(t, "POST", "/family", head.Token, body), 422, "validation_failed")

	addr := testenv.Email("jan")
	adult := add(t, e, head, adultBody(addr))
	if adult.Status != "pending_activation" || adult.Email == nil || *adult.Email != addr {
		t.Fatalf("adult %+v", adult)
	}
	invitation(t, e, addr, 1)

	var list struct{ Items []profileView }
	e.Call(t, "GET", "/profiles", head.Token, nil).Expect(t, 200).Decode(t, &list)
	if len(list.Items) != 3 || !list.Items[0].Head || list.Items[1].ProfileID != kid.ProfileID || list.Items[2].ProfileID != adult.ProfileID {
		t.Fatalf("household %+v", list.Items)
	}
	// The head switches to a member's profile (R10.3).
	var got profileView
	e.Call(t, "GET", "/profiles/"+kid.ProfileID, head.Token, nil).Expect(t, 200).Decode(t, &got)
	if got.FirstName != "Ola" {
		t.Fatalf("member's profile %+v", got)
	}
}

// R10.2: the invitation sets the member's first password (the registration's
// policy), makes the profile active and the member able to log in; the link
// is single use.
func TestInvitationAccepted(t *testing.T) {
	e := testenv.Get(t)
	head := e.NewHolder(t)
	addr := testenv.Email("jan")
	p := add(t, e, head, adultBody(addr))
	tok := invitation(t, e, addr, 1)

	code(t, e.Call(t, "POST", "/auth/invitation/accept", "", map[string]string{"token": tok, "newPassword": newPassword, "newPasswordRepeat": newPassword + "x"}), 422, "passwords_differ")
	code(t, e.Call(t, "POST", "/auth/invitation/accept", "", map[string]string{"token": tok, "newPassword": "password1234", "newPasswordRepeat": "password1234"}), 422, "password_policy")
	// Not a login yet.
	code(t, e.Call(t, "POST", "/auth/login", "", map[string]string{"email": addr, "password": newPassword}), 401, "invalid_credentials")

	res := e.Call(t, "POST", "/auth/invitation/accept", "", accept(tok)).Expect(t, 204)
	if res.Calls > 3 {
		t.Errorf("accept: %d round trips, budget 3", res.Calls)
	}
	code(t, e.Call(t, "POST", "/auth/invitation/accept", "", accept(tok)), 410, "token_invalid")

	tk := e.Login(t, addr, newPassword)
	var acc struct {
		Email     string  `json:"email"`
		ProfileID *string `json:"profileId"`
		Household bool    `json:"household"`
		Status    string  `json:"status"`
	}
	e.Call(t, "GET", "/account", tk.AccessToken, nil).Expect(t, 200).Decode(t, &acc)
	if acc.Email != addr || acc.ProfileID == nil || *acc.ProfileID != p.ProfileID || acc.Household || acc.Status != "active" {
		t.Fatalf("member's account %+v", acc)
	}
	var mine profileView
	e.Call(t, "GET", "/profiles/"+p.ProfileID, head.Token, nil).Expect(t, 200).Decode(t, &mine)
	if mine.Status != "active" || mine.Email != nil {
		t.Fatalf("accepted member %+v", mine)
	}
	// Resending has nothing to send now.
	code(t, e.Call(t, "POST", "/family/"+p.ProfileID+"/invitation", head.Token, nil), 409, "invitation_not_pending")
	// Its e-mail belongs to the account now.
	code(t, e.Call(t, "PUT", "/family/"+p.ProfileID, head.Token, map[string]any{"email": testenv.Email("y")}), 422, "validation_failed")
}

// R10.2: a link older than 7 days is 410, and the member stays pending.
func TestInvitationExpired(t *testing.T) {
	e := testenv.Get(t)
	head := e.NewHolder(t)
	addr := testenv.Email("jan")
	p := add(t, e, head, adultBody(addr))
	tok := invitation(t, e, addr, 1)
	setAttr(t, e, store.TokenKey(store.Hash(tok)), "expiresAt", time.Now().Add(-time.Second).Unix())
	code(t, e.Call(t, "POST", "/auth/invitation/accept", "", accept(tok)), 410, "token_invalid")
	code(t, e.Call(t, "POST", "/auth/login", "", map[string]string{"email": addr, "password": newPassword}), 401, "invalid_credentials")
	var got profileView
	e.Call(t, "GET", "/profiles/"+p.ProfileID, head.Token, nil).Expect(t, 200).Decode(t, &got)
	if got.Status != "pending_activation" {
		t.Fatalf("member %+v", got)
	}
	// Malformed and unknown links are the same 410.
	code(t, e.Call(t, "POST", "/auth/invitation/accept", "", accept("nonsense")), 410, "token_invalid")
	code(t, e.Call(t, "POST", "/auth/invitation/accept", "", accept(strings.Repeat("A", 43))), 410, "token_invalid")
}

// R10.2: resending makes a new link and the old one stops working; at most a
// mail a minute.
func TestInvitationResent(t *testing.T) {
	e := testenv.Get(t)
	head := e.NewHolder(t)
	addr := testenv.Email("jan")
	p := add(t, e, head, adultBody(addr))
	old := invitation(t, e, addr, 1)

	code(t, e.Call(t, "POST", "/family/"+p.ProfileID+"/invitation", head.Token, nil), 429, "rate_limited")
	setAttr(t, e, store.ProfileKey(head.ProfileID, p.ProfileID), "invitationMailedAt", time.Now().Add(-2*time.Minute).Unix())
	res := e.Call(t, "POST", "/family/"+p.ProfileID+"/invitation", head.Token, nil).Expect(t, 202)
	if res.Calls > 3 {
		t.Errorf("resend: %d round trips, budget 3", res.Calls)
	}
	fresh := invitation(t, e, addr, 2)
	code(t, e.Call(t, "POST", "/auth/invitation/accept", "", accept(old)), 410, "token_invalid")
	e.Call(t, "POST", "/auth/invitation/accept", "", accept(fresh)).Expect(t, 204)
	e.Login(t, addr, newPassword)
	// Not the head's own profile, nor another household's member.
	code(t, e.Call(t, "POST", "/family/"+head.ProfileID+"/invitation", head.Token, nil), 404, "not_found")
	other := e.NewHolder(t)
	code(t, e.Call(t, "POST", "/family/"+p.ProfileID+"/invitation", other.Token, nil), 404, "not_found")
}

// R10.2, R1.4: an address that has an account gets the same 201 — the same
// shape, pending_activation — and its owner a notice instead of an
// invitation; nothing tells the head.
func TestExistingEmailNoEnumeration(t *testing.T) {
	e := testenv.Get(t)
	head := e.NewHolder(t)
	owner := e.NewHolder(t)
	fresh := testenv.Email("jan")

	a := add(t, e, head, adultBody(owner.Email))
	b := add(t, e, head, adultBody(fresh))
	if a.Status != b.Status || a.Status != "pending_activation" || a.Email == nil || *a.Email != owner.Email {
		t.Fatalf("taken %+v, fresh %+v", a, b)
	}
	if n := len(mails(t, e, owner.Email, outbox.FamilyAccountExists)); n != 1 {
		t.Fatalf("%d notices to the owner", n)
	}
	if n := len(mails(t, e, owner.Email, outbox.FamilyInvitation)); n != 0 {
		t.Fatalf("%d invitations to an existing account", n)
	}
	invitation(t, e, fresh, 1)
	// The mail reaches the owner, in Polish.
	m := e.WaitMail(t, owner.Email, 2)
	if !strings.Contains(m.Subject, "rodziny") || !strings.Contains(m.Body.Text, testenv.PortalURL+"/forgot-password") {
		t.Fatalf("notice %q: %s", m.Subject, m.Body.Text)
	}
	// A resend tells the owner again, with the same answer as a real one.
	setAttr(t, e, store.ProfileKey(head.ProfileID, a.ProfileID), "invitationMailedAt", time.Now().Add(-2*time.Minute).Unix())
	e.Call(t, "POST", "/family/"+a.ProfileID+"/invitation", head.Token, nil).Expect(t, 202)
	if n := len(mails(t, e, owner.Email, outbox.FamilyAccountExists)); n != 2 {
		t.Fatalf("%d notices after a resend", n)
	}
	// The owner's account is untouched: same password, own household.
	e.Login(t, owner.Email, testenv.ResidentPassword)
}

// R10.1: names, birth date and relationship change; the e-mail changes while
// the member is pending, and the new address's link replaces the old one; a
// member who becomes an adult without an e-mail is refused.
func TestEditMember(t *testing.T) {
	e := testenv.Get(t)
	head := e.NewHolder(t)
	kid := add(t, e, head, childBody())

	var got profileView
	res := e.Call(t, "PUT", "/family/"+kid.ProfileID, head.Token, map[string]any{"firstName": "Aleksandra", "relationship": "other"}).Expect(t, 200)
	if res.Calls > 3 {
		t.Errorf("edit: %d round trips, budget 3", res.Calls)
	}
	res.Decode(t, &got)
	if got.FirstName != "Aleksandra" || got.LastName != "Nowak" || *got.Relationship != "other" || got.Status != "active" {
		t.Fatalf("edited %+v", got)
	}
	code(t, e.Call(t, "PUT", "/family/"+kid.ProfileID, head.Token, map[string]any{"birthDate": "1990-01-01"}), 422, "email_required")
	code(t, e.Call(t, "PUT", "/family/"+head.ProfileID, head.Token, map[string]any{"firstName": "X"}), 404, "not_found")

	first := testenv.Email("jan")
	p := add(t, e, head, adultBody(first))
	old := invitation(t, e, first, 1)
	second := testenv.Email("jan")
	e.Call(t, "PUT", "/family/"+p.ProfileID, head.Token, map[string]any{"email": second}).Expect(t, 200).Decode(t, &got)
	if got.Email == nil || *got.Email != second || got.Status != "pending_activation" {
		t.Fatalf("re-addressed %+v", got)
	}
	code(t, e.Call(t, "POST", "/auth/invitation/accept", "", accept(old)), 410, "token_invalid")
	e.Call(t, "POST", "/auth/invitation/accept", "", accept(invitation(t, e, second, 1))).Expect(t, 204)
	e.Login(t, second, newPassword)
}

func warsaw(t *testing.T) *time.Location {
	loc, err := time.LoadLocation("Europe/Warsaw")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// R10.2: a member invited by e-mail is available only after the invitation is
// accepted: until then switching to the profile answers 409
// profile_pending_activation (the family routes still manage it).
func TestPendingMemberIsNotReachable(t *testing.T) {
	e := testenv.Get(t)
	head := e.NewHolder(t)
	addr := testenv.Email("jan")
	p := add(t, e, head, adultBody(addr))
	var got profileView
	e.Call(t, "GET", "/profiles/"+p.ProfileID, head.Token, nil).Expect(t, 200).Decode(t, &got)
	if got.Status != "pending_activation" {
		t.Fatalf("pending %+v", got)
	}
	for _, c := range []struct{ method, path string }{
		{"GET", "/profiles/" + p.ProfileID + "/cards"},
		{"POST", "/profiles/" + p.ProfileID + "/applications"},
	} {
		var body any
		if c.method == "POST" {
			body = map[string]any{"type": "card_issue"}
		}
		code(t, e.Call(t, c.method, c.path, head.Token, body), 409, "profile_pending_activation")
	}
	e.Call(t, "PUT", "/family/"+p.ProfileID, head.Token, map[string]any{"firstName": "Janusz"}).Expect(t, 200)
	e.Call(t, "POST", "/auth/invitation/accept", "", accept(invitation(t, e, addr, 1))).Expect(t, 204)
	e.Call(t, "GET", "/profiles/"+p.ProfileID+"/cards", head.Token, nil).Expect(t, 200)
	e.Call(t, "GET", "/profiles/"+p.ProfileID, head.Token, nil).Expect(t, 200).Decode(t, &got)
	if got.Status != "active" || got.FirstName != "Janusz" {
		t.Fatalf("after acceptance %+v", got)
	}
}

// R10.1: the head's edit of a member's names reaches the member's cards,
// whose names verifiers are shown.
func TestEditMemberRenamesItsCards(t *testing.T) {
	e := testenv.Get(t)
	head := e.NewHolder(t)
	kid := add(t, e, head, childBody())
	e.Accept(t, e.Apply(t, head, kid.ProfileID, "card_issue",
		e.CardData(t, head, kid.ProfileID, map[string]any{"firstName": "Ola", "lastName": "Nowak", "birthDate": "2016-03-10"})))
	cs := e.Cards(t, head, kid.ProfileID)
	if len(cs) != 1 {
		t.Fatalf("cards %+v", cs)
	}
	res := e.Call(t, "PUT", "/family/"+kid.ProfileID, head.Token, map[string]any{"firstName": "Aleksandra", "lastName": "Kowalska"}).Expect(t, 200)
	if res.Calls > 3 {
		t.Errorf("an edit of names with the cards: %d round trips, budget 3", res.Calls)
	}
	var v struct {
		Holder struct {
			FirstName       string `json:"firstName"`
			LastNameInitial string `json:"lastNameInitial"`
		} `json:"holder"`
	}
	// The cards follow by a task of the edit: polled, bounded against loss.
	partner := e.Staff(t, "partner@example.com").AccessToken
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		e.Call(t, "POST", "/verify", partner, map[string]string{"cardNumber": cs[0].Number}).Expect(t, 200).Decode(t, &v)
		if v.Holder.FirstName == "Aleksandra" && v.Holder.LastNameInitial == "K" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the verifier still sees %+v", v.Holder)
		}
	}
}
