// Package household serves the family of a household's head (R10): adding and
// editing members, inviting an adult member by mail, and the invitation's
// acceptance, which makes the member's own login. Who may reach which profile
// is the route table's (routes.Route.Members), checked by the request adapter.
package household

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/oklog/ulid/v2"

	"github.com/kartamieszkanca/platform/shared/account"
	"github.com/kartamieszkanca/platform/shared/apierr"
	"github.com/kartamieszkanca/platform/shared/card"
	"github.com/kartamieszkanca/platform/shared/citytime"
	"github.com/kartamieszkanca/platform/shared/httpapi"
	"github.com/kartamieszkanca/platform/shared/linktoken"
	"github.com/kartamieszkanca/platform/shared/outbox"
	"github.com/kartamieszkanca/platform/shared/platform"
	"github.com/kartamieszkanca/platform/shared/profile"
	"github.com/kartamieszkanca/platform/shared/store"
)

// Codes.
var (
	// EmailRequired: a member of 18 or more needs an e-mail (R10.1).
	EmailRequired = apierr.Register("email_required", http.StatusUnprocessableEntity)
	// HouseholdFull: the household has MaxMembers members.
	HouseholdFull = apierr.Register("household_full", http.StatusConflict)
	// NotPending: the member has no invitation to send (a login already, or
	// no e-mail).
	NotPending = apierr.Register("invitation_not_pending", http.StatusConflict)
)

// MaxMembers bounds a household (the head and 19 members), so that every
// change of the whole household — the block for a withdrawn consent: an
// account and at most a virtual and a physical live card per person, with the
// consent and the clause's check — fits one transaction of 100 items.
const MaxMembers = 19

// AdultAge is when a member needs an e-mail.
const AdultAge = 18

// Relationships a member may have to the head.
var relationships = map[string]bool{"child": true, "spouse": true, "partner": true, "parent": true, "sibling": true, "other": true}

// adult reports whether a birth date (YYYY-MM-DD) is 18 or more years ago on
// the city's calendar.
func adult(birthDate string, now time.Time) bool {
	b, err := citytime.ParseDay(birthDate)
	return err == nil && citytime.Age(b, citytime.Day(now)) >= AdultAge
}

type memberBody struct {
	FirstName    string  `json:"firstName"`
	LastName     string  `json:"lastName"`
	BirthDate    string  `json:"birthDate"`
	Relationship string  `json:"relationship"`
	Email        *string `json:"email"`
}

func (b *memberBody) Validate(c *httpapi.Checks) {
	c.Text("firstName", b.FirstName, 100)
	c.Text("lastName", b.LastName, 100)
	c.BirthDate("birthDate", b.BirthDate, time.Now())
	relationship(c, b.Relationship)
	if email(b.Email) != "" {
		c.Email("email", *b.Email)
	} else if adult(b.BirthDate, time.Now()) {
		requireEmail(c)
	}
}

func relationship(c *httpapi.Checks, v string) {
	if c.Required("relationship", v) && !relationships[v] {
		c.Fail("relationship", "invalid")
	}
}

func requireEmail(c *httpapi.Checks) {
	c.FailAs(EmailRequired, "A family member of 18 or more needs an e-mail address.", "email", "required")
}

// email is an optional address as given ("" when absent or empty).
func email(v *string) string {
	if v == nil {
		return ""
	}
	return *v
}

// Add serves POST /family (R10.1, R10.2): the member's profile in the head's
// household, within the household's limit. With an e-mail the profile is
// pending_activation and the address gets an invitation — or, when it has an
// account already, its owner gets a notice instead, and the answer is the
// same (no enumeration).
func Add(d *platform.Deps) httpapi.Handler {
	return httpapi.Body(func(ctx context.Context, r *httpapi.Request, b *memberBody) (*httpapi.Response, error) {
		acc := r.Account
		now := d.Now().UTC()
		id := ulid.Make().String()
		p := &profile.Profile{Key: store.ProfileKey(acc.HouseholdID, id), ProfileID: id, HouseholdID: acc.HouseholdID,
			FirstName: b.FirstName, LastName: b.LastName, BirthDate: b.BirthDate, Relationship: b.Relationship,
			Status: account.Active, CreatedAt: now, Version: 1}
		tx := &store.Tx{}
		if addr := store.NormalizeEmail(email(b.Email)); addr != "" {
			taken, err := emailTaken(ctx, store.Of(d), addr)
			if err != nil {
				return nil, err
			}
			p.Email, p.Status = addr, account.Pending
			invite(tx, d, acc, p, taken, now)
		}
		if p.Email == "" && !adult(p.BirthDate, now) {
			// A child without an e-mail: its head is told when it turns 18 (R15.6).
			p.Index2 = profile.BirthdayIndex(p.BirthDate, p.ProfileID)
		}
		countMember(tx, acc.HouseholdID)
		tx.Create(p, nil)
		// Operators find the member by name (and the invited address) (R11.2).
		profile.Index(tx, p, p.Email)
		return httpapi.JSON(http.StatusCreated, profile.ToView(p)).With(tx), nil
	})
}

// countMember adds to tx one more member of the household, within MaxMembers:
// the limit is the head profile's condition, not a read.
func countMember(tx *store.Tx, householdID string) {
	n := expression.Name("members")
	tx.Update(store.ProfileKey(householdID, householdID), expression.Add(n, expression.Value(1)),
		store.Cond(expression.AttributeExists(expression.Name("PK")).
			And(expression.AttributeNotExists(n).Or(n.LessThan(expression.Value(MaxMembers))))),
		apierr.New(HouseholdFull, "A household has at most %d family members.", MaxMembers))
}

// emailTaken reports whether an address has an account or a registration in
// progress (its claim): one GetItem.
func emailTaken(ctx context.Context, t *store.Table, addr string) (bool, error) {
	var c account.EmailClaim
	err := t.Get(ctx, store.EmailKey(addr), &c)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}

// invite adds to tx the mail of a member's invitation (a new link, which the
// profile then names as its newest) or, for an address that has an account,
// the notice to its owner. The profile p is changed to match; the caller
// writes it.
func invite(tx *store.Tx, d *platform.Deps, head *account.Account, p *profile.Profile, taken bool, now time.Time) {
	p.InvitationMailedAt = now.Unix()
	if taken {
		p.InvitationHash = ""
		outbox.Enqueue(tx, now, "family-exists#"+ulid.Make().String(), outbox.FamilyAccountExists, p.Email,
			map[string]string{"link": d.Config.PortalURL + "/forgot-password"}, nil)
		return
	}
	token, hash := linktoken.New()
	p.InvitationHash = hash
	exp := now.Add(linktoken.InvitationTTL).Unix()
	// The token names the head's account: acceptance is refused while the
	// household is blocked.
	tx.Create(&linktoken.Token{Key: store.TokenKey(hash), Index2: store.OwnerIndex(head.AccountID, store.TokenKey(hash)),
		Purpose: linktoken.PurposeInvitation, AccountID: head.AccountID,
		Email: p.Email, HouseholdID: p.HouseholdID, ProfileID: p.ProfileID, FirstName: p.FirstName, ExpiresAt: exp, TTL: exp}, nil)
	outbox.Enqueue(tx, now, "invitation#"+hash[:32], outbox.FamilyInvitation, p.Email,
		map[string]string{"firstName": p.FirstName, "inviter": head.FirstName,
			"link": d.Config.PortalURL + "/invitation?token=" + token}, nil)
}

var (
	errNoMember = apierr.New(apierr.NotFound, "No such profile.")
	errChanged  = apierr.New(apierr.Conflict, "The family member was changed at the same time; try again.")
)

// member reads a member of the caller's household by the path's id, and with
// it, in the same BatchGetItem, the claim of an address when addr is set. The
// head's own profile is not a member (its data change is an application).
func member(ctx context.Context, t *store.Table, acc *account.Account, id, addr string) (*profile.Profile, bool, error) {
	if id == profile.Me || id == acc.ProfileID || !store.IsID(id) {
		return nil, false, errNoMember
	}
	pk := store.ProfileKey(acc.HouseholdID, id)
	keys := []store.Key{pk}
	if addr != "" {
		keys = append(keys, store.EmailKey(addr))
	}
	got, err := t.GetItems(ctx, keys)
	if err != nil {
		return nil, false, err
	}
	item, ok := got[pk]
	if !ok {
		return nil, false, errNoMember
	}
	var p profile.Profile
	if err := attributevalue.UnmarshalMap(item, &p); err != nil {
		return nil, false, err
	}
	_, taken := got[store.EmailKey(addr)]
	return &p, addr != "" && taken, nil
}

// pending reports whether a member waits for an invitation's acceptance.
func pending(p *profile.Profile) bool {
	return p.AccountID == "" && p.Status == account.Pending && p.Email != ""
}

// invitationUpdate is the profile's change for a new invitation (or notice),
// ending the older link: its token is deleted, and acceptance is conditioned
// on the profile's newest hash anyway.
func invitationUpdate(tx *store.Tx, old string, p *profile.Profile, upd expression.UpdateBuilder) expression.UpdateBuilder {
	if old != "" {
		tx.Delete(store.TokenKey(old), nil, nil)
	}
	upd = upd.Set(expression.Name("email"), expression.Value(p.Email)).
		Set(expression.Name("status"), expression.Value(p.Status)).
		Set(expression.Name("invitationMailedAt"), expression.Value(p.InvitationMailedAt))
	if p.InvitationHash == "" {
		return upd.Remove(expression.Name("invitationHash"))
	}
	return upd.Set(expression.Name("invitationHash"), expression.Value(p.InvitationHash))
}

type editBody struct {
	FirstName    *string `json:"firstName"`
	LastName     *string `json:"lastName"`
	BirthDate    *string `json:"birthDate"`
	Relationship *string `json:"relationship"`
	Email        *string `json:"email"`
}

func (b *editBody) Validate(c *httpapi.Checks) {
	if b.FirstName != nil {
		c.Text("firstName", *b.FirstName, 100)
	}
	if b.LastName != nil {
		c.Text("lastName", *b.LastName, 100)
	}
	if b.BirthDate != nil {
		c.BirthDate("birthDate", *b.BirthDate, time.Now())
	}
	if b.Relationship != nil {
		relationship(c, *b.Relationship)
	}
	if b.Email != nil {
		c.Email("email", *b.Email)
	}
}

// Edit serves PUT /family/{profileId} (R10.1): the fields given change. The
// e-mail changes only while the member has no login; a new address gets a new
// invitation (or its owner the notice) and ends the older link. A member who
// is (or becomes, by the birth date) an adult keeps an e-mail.
func Edit(d *platform.Deps) httpapi.Handler {
	return httpapi.Body(func(ctx context.Context, r *httpapi.Request, b *editBody) (*httpapi.Response, error) {
		acc := r.Account
		addr := store.NormalizeEmail(email(b.Email))
		p, taken, err := member(ctx, store.Of(d), acc, r.Params["profileId"], addr)
		if err != nil {
			return nil, err
		}
		now := d.Now().UTC()
		var c httpapi.Checks
		if addr != "" && p.AccountID != "" {
			c.Fail("email", "not_editable")
		}
		birth := p.BirthDate
		if b.BirthDate != nil {
			birth = *b.BirthDate
		}
		if addr == "" && p.Email == "" && p.AccountID == "" && adult(birth, now) {
			requireEmail(&c)
		}
		if err := c.Err(); err != nil {
			return nil, err
		}
		tx := &store.Tx{}
		upd := expression.Set(expression.Name("birthDate"), expression.Value(birth))
		p.BirthDate = birth
		for _, f := range []struct {
			name string
			v    *string
			to   *string
		}{{"firstName", b.FirstName, &p.FirstName}, {"lastName", b.LastName, &p.LastName}, {"relationship", b.Relationship, &p.Relationship}} {
			if f.v != nil {
				upd = upd.Set(expression.Name(f.name), expression.Value(*f.v))
				*f.to = *f.v
			}
		}
		if addr != "" && addr != p.Email {
			old := p.InvitationHash
			p.Email, p.Status = addr, account.Pending
			invite(tx, d, acc, p, taken, now)
			upd = invitationUpdate(tx, old, p, upd)
		}
		// The coming-of-age index follows the birth date while the member is a
		// child without an e-mail or a login (R15.6), and is gone otherwise.
		if idx := profile.BirthdayIndex(p.BirthDate, p.ProfileID); p.Email == "" && p.AccountID == "" && !adult(p.BirthDate, now) && idx.GSI2PK != "" {
			upd = upd.Set(expression.Name("GSI2PK"), expression.Value(idx.GSI2PK)).Set(expression.Name("GSI2SK"), expression.Value(idx.GSI2SK))
		} else if p.GSI2PK != "" {
			upd = upd.Remove(expression.Name("GSI2PK")).Remove(expression.Name("GSI2SK"))
		}
		tx.Change(p.Key, p.Version, upd, nil, errChanged)
		// The cards show verifiers the holder's names: they follow, by a task
		// of this change (the edit does not read the cards, R10.1).
		if b.FirstName != nil || b.LastName != nil {
			card.RenameLater(tx, now, p.HouseholdID, p.ProfileID)
		}
		// The resident index follows the names (R11.2): written whole while the
		// member has no login (its e-mail is the invited one), renamed after.
		if p.AccountID == "" {
			profile.Index(tx, p, p.Email)
		} else {
			profile.Rename(tx, p.HouseholdID, p.ProfileID, &p.FirstName, &p.LastName, &p.BirthDate, &profile.IndexEntry{})
		}
		return httpapi.JSON(200, profile.ToView(p)).With(tx), nil
	})
}

// Resend serves POST /family/{profileId}/invitation (R10.2): a new link
// replaces the older one, which stops working; at most one mail a minute.
func Resend(d *platform.Deps) httpapi.Handler {
	return func(ctx context.Context, r *httpapi.Request) (*httpapi.Response, error) {
		acc := r.Account
		p, _, err := member(ctx, store.Of(d), acc, r.Params["profileId"], "")
		if err != nil {
			return nil, err
		}
		if !pending(p) {
			return nil, apierr.New(NotPending, "The family member has no invitation waiting: a login already, or no e-mail.")
		}
		now := d.Now().UTC()
		if wait := p.InvitationMailedAt + int64(linktoken.ResendCooldown.Seconds()) - now.Unix(); wait > 0 {
			return nil, &apierr.Error{Code: apierr.RateLimited, Message: "The invitation was sent a moment ago.", RetryAfter: int(wait)}
		}
		// An address found taken when it was given gets the notice again; one
		// taken since gets the link, whose acceptance then refuses it.
		tx := &store.Tx{}
		old := p.InvitationHash
		invite(tx, d, acc, p, old == "", now)
		tx.Change(p.Key, p.Version, invitationUpdate(tx, old, p, expression.UpdateBuilder{}), nil, errChanged)
		return httpapi.Accepted().With(tx), nil
	}
}
