// Package account holds the account lifecycle: registration and activation,
// login, refresh and logout, password reset and change, and the account's own
// data (R1, R2, R3, R6.1, R6.3).
package account

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/oklog/ulid/v2"

	"github.com/kartamieszkanca/platform/shared/apierr"
	"github.com/kartamieszkanca/platform/shared/dictionary"
	"github.com/kartamieszkanca/platform/shared/httpapi"
	"github.com/kartamieszkanca/platform/shared/identity"
	"github.com/kartamieszkanca/platform/shared/linktoken"
	"github.com/kartamieszkanca/platform/shared/mail"
	"github.com/kartamieszkanca/platform/shared/password"
	"github.com/kartamieszkanca/platform/shared/phone"
	"github.com/kartamieszkanca/platform/shared/platform"
	"github.com/kartamieszkanca/platform/shared/store"
)

// CurrentPasswordInvalid: the current password given to a password change is wrong.
var CurrentPasswordInvalid = apierr.Register("current_password_invalid", http.StatusUnprocessableEntity)

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
	checkNewPassword(c, "password", b.Password, b.Email, b.FirstName, b.LastName)
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

func checkNewPassword(c *httpapi.Checks, field, pw string, userInputs ...string) {
	if pw == "" {
		c.Fail(field, "required")
		return
	}
	if p := password.Problem(pw, userInputs...); p != "" {
		c.FailAs(apierr.PasswordPolicy, "The password must have 12 to 256 characters and must not be easy to guess.", field, p)
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
		clauses, err := dictionary.Clauses(ctx, d.Table())
		if err != nil {
			return nil, err
		}
		if err := checkConsents(clauses, b.Consents); err != nil {
			return nil, err
		}
		email := store.NormalizeEmail(b.Email)
		sub, err := d.Identity().CreateUser(ctx, email)
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
	err := d.Table().Get(ctx, store.EmailKey(email), &claim)
	if errors.Is(err, store.ErrNotFound) {
		sub, err := d.Identity().Sub(ctx, email)
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
	mail.Enqueue(tx, now, id, mail.AccountExists, email,
		map[string]string{"link": d.Config.PortalURL + "/forgot-password"}, httpapi.Instead(httpapi.Accepted()))
	return httpapi.Accepted().With(tx), nil
}

// created stores a new resident: account, e-mail claim, head profile, consents,
// activation token and mail, in one transaction; the password goes to Cognito.
func created(ctx context.Context, d *platform.Deps, sub, email string, b *registerBody, clauses []dictionary.Clause) (*httpapi.Response, error) {
	if err := d.Identity().SetPassword(ctx, email, b.Password); err != nil {
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
	mail.Enqueue(tx, now, "activation#"+hash[:32], mail.Activation, email,
		map[string]string{"firstName": b.FirstName, "link": d.Config.PortalURL + "/activate?token=" + token}, nil)
	return httpapi.Accepted().With(tx), nil
}

type tokenBody struct {
	Token string `json:"token"`
}

func (b *tokenBody) Validate(c *httpapi.Checks) { c.Required("token", b.Token) }

var errTokenInvalid = apierr.New(apierr.TokenInvalid, "The link is used, expired or unknown.")

// readToken loads a link token of a purpose, or answers 410 token_invalid.
func readToken(ctx context.Context, t *store.Table, token, purpose string) (*store.Token, string, error) {
	if !linktoken.Valid(token) {
		return nil, "", errTokenInvalid
	}
	hash := store.Hash(token)
	var tok store.Token
	err := t.Get(ctx, store.TokenKey(hash), &tok)
	if errors.Is(err, store.ErrNotFound) {
		return nil, "", errTokenInvalid
	}
	if err != nil {
		return nil, "", err
	}
	if tok.Purpose != purpose || t.Now().Unix() >= tok.ExpiresAt {
		return nil, "", errTokenInvalid
	}
	return &tok, hash, nil
}

// Activate serves POST /auth/activate (R1.3): the token is used up and the
// account becomes active in one transaction, conditioned on the token being the
// account's newest activation link.
func Activate(d *platform.Deps) httpapi.Handler {
	return httpapi.Body(func(ctx context.Context, r *httpapi.Request, b *tokenBody) (*httpapi.Response, error) {
		tok, hash, err := readToken(ctx, d.Table(), b.Token, store.PurposeActivation)
		if err != nil {
			return nil, err
		}
		acc := store.AccountKey(tok.AccountID)
		tx := &store.Tx{}
		tx.Delete(store.TokenKey(hash), store.Exists(), errTokenInvalid)
		tx.Update(acc,
			expression.Set(expression.Name("status"), expression.Value(store.AccountActive)).
				Remove(expression.Name("activationHash")).
				Add(expression.Name("version"), expression.Value(1)),
			store.Cond(expression.Name("status").Equal(expression.Value(store.AccountPending)).
				And(expression.Name("activationHash").Equal(expression.Value(hash)))),
			errTokenInvalid)
		// The head profile becomes active with its account.
		tx.Update(store.ProfileKey(tok.HouseholdID, tok.ProfileID),
			expression.Set(expression.Name("status"), expression.Value(store.AccountActive)), store.Exists(), nil)
		return httpapi.NoContent().With(tx).Then(func(ctx context.Context) error {
			return d.Identity().VerifyEmail(ctx, tok.Email)
		}), nil
	})
}
