// Package signup registers residents (R1.1, R1.2, R1.4): the form, the
// mandatory consents, the e-mail's claim, the identity in Cognito and the
// account with its activation mail in one transaction.
package signup

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/oklog/ulid/v2"

	"github.com/kartamieszkanca/platform/shared/account"
	"github.com/kartamieszkanca/platform/shared/apierr"
	"github.com/kartamieszkanca/platform/shared/auth"
	"github.com/kartamieszkanca/platform/shared/consent"
	"github.com/kartamieszkanca/platform/shared/dictionary"
	"github.com/kartamieszkanca/platform/shared/httpapi"
	"github.com/kartamieszkanca/platform/shared/identity"
	"github.com/kartamieszkanca/platform/shared/linktoken"
	"github.com/kartamieszkanca/platform/shared/outbox"
	"github.com/kartamieszkanca/platform/shared/password"
	"github.com/kartamieszkanca/platform/shared/phone"
	"github.com/kartamieszkanca/platform/shared/platform"
	"github.com/kartamieszkanca/platform/shared/profile"
	"github.com/kartamieszkanca/platform/shared/store"
)

type consentAnswer struct {
	ClauseID string `json:"clauseId"`
	Accepted bool   `json:"accepted"`
}

type registerBody struct {
	Email     string          `json:"email"`
	Password  string          `json:"password"`
	FirstName string          `json:"firstName"`
	LastName  string          `json:"lastName"`
	BirthDate string          `json:"birthDate"`
	Phone     *string         `json:"phone"`
	Consents  []consentAnswer `json:"consents"`
}

func (b *registerBody) Validate(c *httpapi.Checks) {
	c.Email("email", b.Email)
	c.Text("firstName", b.FirstName, 100)
	c.Text("lastName", b.LastName, 100)
	c.BirthDate("birthDate", b.BirthDate, time.Now())
	password.Check(c, "password", b.Password, b.Email, b.FirstName, b.LastName)
	if b.Phone != nil {
		if _, ok := phone.Normalize(*b.Phone); !ok {
			c.Fail("phone", "invalid_phone")
		}
	}
	for i, a := range b.Consents {
		if strings.TrimSpace(a.ClauseID) == "" {
			c.Fail(fmt.Sprintf("consents[%d].clauseId", i), "required")
		}
	}
}

// checkConsents refuses a registration without every mandatory clause (R1.2).
func checkConsents(clauses []dictionary.Clause, answers []consentAnswer) error {
	given := map[string]bool{}
	for _, a := range answers {
		given[a.ClauseID] = a.Accepted
	}
	known := map[string]bool{}
	var c httpapi.Checks
	for _, cl := range clauses {
		known[cl.ID] = true
		if cl.Mandatory && !given[cl.ID] {
			c.FailAs(apierr.ConsentRequired, "Every mandatory consent must be accepted.", "consents."+cl.ID, "required")
		}
	}
	for id := range given {
		if !known[id] {
			c.Fail("consents."+id, "unknown_clause")
		}
	}
	return c.Err()
}

// Register serves POST /auth/register. Its answer is 202 whether or not the
// e-mail has an account (R1.4): the owner of an existing one is told by mail.
//
// The table decides first: the e-mail is claimed in one conditioned write
// before Cognito is touched, so of registrations racing for one e-mail one
// goes on and the others change nothing, and an e-mail that has an account,
// or an identity no claim made (staff from before claims, say), is never
// given this caller's password. Every path answers after the time a new
// registration takes (pace), so the time does not tell them apart either.
func Register(d *platform.Deps) httpapi.Handler {
	return httpapi.Body(func(ctx context.Context, r *httpapi.Request, b *registerBody) (*httpapi.Response, error) {
		start := time.Now()
		t := store.Of(d)
		clauses, err := dictionary.Clauses(ctx, t)
		if err != nil {
			return nil, err
		}
		if err := checkConsents(clauses, b.Consents); err != nil {
			return nil, err
		}
		email := store.NormalizeEmail(b.Email)
		// The claim carries the abuse counters (routes.RegisterLimits): a
		// limit that holds refuses before Cognito is touched, at no round
		// trip of its own.
		claim, err := auth.ClaimEmailWith(ctx, t, email, r.CommitCounted)
		if errors.Is(err, auth.ErrClaimHeld) {
			return pace.answer(ctx, start, held(d, claim))
		}
		if err != nil {
			return nil, err
		}
		sub, err := claim.Identity(ctx, identity.Of(d))
		if errors.Is(err, auth.ErrForeignIdentity) {
			// Not this registration's to take: the same answer, and the table
			// keeps no claim for it. Logged without the address.
			d.Log.WarnContext(ctx, "registration found an identity no claim made; left unchanged", "attempt", claim.Attempt)
			if err := claim.Drop(ctx, t); err != nil {
				return nil, err
			}
			return pace.answer(ctx, start, httpapi.Accepted())
		}
		if err == nil {
			err = identity.Of(d).SetPassword(ctx, email, b.Password)
		}
		if err != nil {
			// The claim is free again at once; an identity made above stays for
			// the next attempt of this registration to finish.
			if rerr := claim.Release(ctx, t); rerr != nil {
				d.Log.WarnContext(ctx, "registration claim not released", apierr.LogAttr(rerr))
			}
			return nil, err
		}
		return created(d, claim, sub, b, clauses).Then(pace.after(start)).OnAbort(claim.ReleaseOnAbort(t, d.Log)), nil
	})
}

// held answers a registration of an e-mail whose claim another holds. An
// account's owner is told (at most once a day); a registration still in
// progress answers for this request too.
func held(d *platform.Deps, c *auth.Claim) *httpapi.Response {
	tx := &store.Tx{}
	if c.Held.AccountID == "" {
		// The winner of a race has not finished: this request changes nothing
		// and, with an Idempotency-Key, leaves the key's first answer to the
		// winner (the check fails while it works, answering 202 unrecorded).
		tx.Check(store.EmailKey(c.Email), expression.Name("state").NotEqual(expression.Value(account.ClaimRegistering)),
			httpapi.Instead(httpapi.Accepted()))
		return httpapi.Accepted().With(tx)
	}
	now := d.Now()
	id := "exists#" + store.Hash(c.Email)[:32] + "#" + now.UTC().Format(time.DateOnly)
	// Already notified today: the same 202, no second mail.
	outbox.Enqueue(tx, now, id, outbox.AccountExists, c.Email,
		map[string]string{"link": d.Config.PortalURL + "/forgot-password"}, httpapi.Instead(httpapi.Accepted()))
	return httpapi.Accepted().With(tx)
}

// created stores a new resident: account, the claim's end, head profile,
// consents, activation token and mail, in one transaction, on condition that
// this request still holds the claim.
func created(d *platform.Deps, claim *auth.Claim, sub string, b *registerBody, clauses []dictionary.Clause) *httpapi.Response {
	now := d.Now().UTC()
	email := claim.Email
	profileID := ulid.Make().String()
	token, hash := linktoken.New()
	acc := &account.Account{
		Key: store.AccountKey(sub), AccountID: sub, Email: email, Status: account.Pending,
		CreatedAt: now, ProfileID: profileID, HouseholdID: profileID, Head: true, FirstName: b.FirstName,
		ActivationHash: hash, ActivationMailedAt: now.Unix(), Version: 1,
	}
	if b.Phone != nil {
		acc.Phone, _ = phone.Normalize(*b.Phone)
	}
	tx := &store.Tx{}
	// Only a takeover after this request stalled past ClaimStale could make
	// these fail; the registration that took over answers for the e-mail.
	lost := httpapi.Instead(httpapi.Accepted())
	claim.Settle(tx, sub, lost)
	tx.Create(acc, lost)
	prof := &profile.Profile{
		Key: store.ProfileKey(profileID, profileID), ProfileID: profileID, HouseholdID: profileID, AccountID: sub,
		FirstName: b.FirstName, LastName: b.LastName, BirthDate: b.BirthDate, Status: account.Pending,
		Head: true, CreatedAt: now, Version: 1,
	}
	tx.Create(prof, nil)
	// Operators find the resident by name or e-mail from the start (R11.2).
	profile.Index(tx, prof, email)
	accepted := map[string]bool{}
	for _, a := range b.Consents {
		accepted[a.ClauseID] = a.Accepted
	}
	for _, cl := range clauses {
		con := &consent.Consent{Key: store.ConsentKey(sub, cl.ID), ClauseID: cl.ID, Version: cl.Version, Accepted: accepted[cl.ID]}
		if con.Accepted {
			con.AcceptedAt = &now
		}
		tx.Put(con, nil, nil)
	}
	tx.Create(&linktoken.Token{Key: store.TokenKey(hash), Index2: store.OwnerIndex(sub, store.TokenKey(hash)),
		Purpose: linktoken.PurposeActivation, AccountID: sub, Email: email,
		HouseholdID: profileID, ProfileID: profileID,
		ExpiresAt: now.Add(linktoken.ActivationTTL).Unix(), TTL: now.Add(linktoken.ActivationTTL).Unix()}, nil)
	outbox.Enqueue(tx, now, "activation#"+hash[:32], outbox.Activation, email,
		map[string]string{"firstName": b.FirstName, "link": d.Config.PortalURL + "/activate?token=" + token}, nil)
	return httpapi.Accepted().With(tx)
}
