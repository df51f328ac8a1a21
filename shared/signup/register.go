// Package signup registers residents (R1.1, R1.2, R1.4): the form, the
// mandatory consents, the identity in Cognito and the account with its
// activation mail in one transaction.
package signup

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/oklog/ulid/v2"

	"github.com/kartamieszkanca/platform/shared/apierr"
	"github.com/kartamieszkanca/platform/shared/dictionary"
	"github.com/kartamieszkanca/platform/shared/httpapi"
	"github.com/kartamieszkanca/platform/shared/identity"
	"github.com/kartamieszkanca/platform/shared/linktoken"
	"github.com/kartamieszkanca/platform/shared/outbox"
	"github.com/kartamieszkanca/platform/shared/password"
	"github.com/kartamieszkanca/platform/shared/phone"
	"github.com/kartamieszkanca/platform/shared/platform"
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
func Register(d *platform.Deps) httpapi.Handler {
	return httpapi.Body(func(ctx context.Context, r *httpapi.Request, b *registerBody) (*httpapi.Response, error) {
		clauses, err := dictionary.Clauses(ctx, store.Of(d))
		if err != nil {
			return nil, err
		}
		if err := checkConsents(clauses, b.Consents); err != nil {
			return nil, err
		}
		email := store.NormalizeEmail(b.Email)
		sub, err := identity.Of(d).CreateUser(ctx, email)
		if errors.Is(err, identity.ErrUserExists) {
			return existing(ctx, d, email, b, clauses)
		}
		if err != nil {
			return nil, err
		}
		return created(ctx, d, sub, email, b, clauses)
	})
}

// existing handles an e-mail that Cognito knows. Either the account exists (its
// owner gets at most one notice a day), or an earlier registration stopped
// between Cognito and the table: then this one completes it.
func existing(ctx context.Context, d *platform.Deps, email string, b *registerBody, clauses []dictionary.Clause) (*httpapi.Response, error) {
	var claim store.EmailClaim
	err := store.Of(d).Get(ctx, store.EmailKey(email), &claim)
	if errors.Is(err, store.ErrNotFound) {
		sub, err := identity.Of(d).Sub(ctx, email)
		if err != nil {
			return nil, err
		}
		return created(ctx, d, sub, email, b, clauses)
	}
	if err != nil {
		return nil, err
	}
	now := d.Now()
	tx := &store.Tx{}
	id := "exists#" + store.Hash(email)[:32] + "#" + now.UTC().Format(time.DateOnly)
	// Already notified today: the same 202, no second mail.
	outbox.Enqueue(tx, now, id, outbox.AccountExists, email,
		map[string]string{"link": d.Config.PortalURL + "/forgot-password"}, httpapi.Instead(httpapi.Accepted()))
	return httpapi.Accepted().With(tx), nil
}

// created stores a new resident: account, e-mail claim, head profile, consents,
// activation token and mail, in one transaction; the password goes to Cognito.
func created(ctx context.Context, d *platform.Deps, sub, email string, b *registerBody, clauses []dictionary.Clause) (*httpapi.Response, error) {
	if err := identity.Of(d).SetPassword(ctx, email, b.Password); err != nil {
		return nil, err
	}
	now := d.Now().UTC()
	profileID := ulid.Make().String()
	token, hash := linktoken.New()
	acc := &store.Account{
		Key: store.AccountKey(sub), AccountID: sub, Email: email, Status: store.AccountPending,
		CreatedAt: now, ProfileID: profileID, HouseholdID: profileID, Head: true, FirstName: b.FirstName,
		ActivationHash: hash, ActivationMailedAt: now.Unix(), Version: 1,
	}
	if b.Phone != nil {
		acc.Phone, _ = phone.Normalize(*b.Phone)
	}
	tx := &store.Tx{}
	// A concurrent registration of the same e-mail won; its owner completes it,
	// and this answer must look the same.
	race := httpapi.Instead(httpapi.Accepted())
	tx.Create(acc, race)
	tx.Create(&store.EmailClaim{Key: store.EmailKey(email), AccountID: sub}, race)
	tx.Create(&store.Profile{
		Key: store.ProfileKey(profileID, profileID), ProfileID: profileID, HouseholdID: profileID, AccountID: sub,
		FirstName: b.FirstName, LastName: b.LastName, BirthDate: b.BirthDate, Status: store.AccountPending,
		Head: true, CreatedAt: now, Version: 1,
	}, nil)
	accepted := map[string]bool{}
	for _, a := range b.Consents {
		accepted[a.ClauseID] = a.Accepted
	}
	for _, cl := range clauses {
		con := &store.Consent{Key: store.ConsentKey(sub, cl.ID), ClauseID: cl.ID, Version: cl.Version, Accepted: accepted[cl.ID]}
		if con.Accepted {
			con.AcceptedAt = &now
		}
		tx.Put(con, nil, nil)
	}
	tx.Create(&store.Token{Key: store.TokenKey(hash), Purpose: store.PurposeActivation, AccountID: sub, Email: email,
		HouseholdID: profileID, ProfileID: profileID,
		ExpiresAt: now.Add(linktoken.ActivationTTL).Unix(), TTL: now.Add(linktoken.ActivationTTL).Unix()}, nil)
	outbox.Enqueue(tx, now, "activation#"+hash[:32], outbox.Activation, email,
		map[string]string{"firstName": b.FirstName, "link": d.Config.PortalURL + "/activate?token=" + token}, nil)
	return httpapi.Accepted().With(tx), nil
}
