package auth

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"log/slog"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"

	"github.com/kartamieszkanca/platform/shared/account"
	"github.com/kartamieszkanca/platform/shared/apierr"
	"github.com/kartamieszkanca/platform/shared/identity"
	"github.com/kartamieszkanca/platform/shared/store"
)

// ClaimStale is when a registration's claim may be taken over by a later one:
// past Lambda's hard limit of 15 minutes, every function that could still be
// working under it has ended, so the two never touch Cognito at once.
const ClaimStale = 16 * time.Minute

// Claim is an e-mail claimed for a new account. Every account the platform
// makes starts here, before Cognito is touched (the table decides first), so
// an e-mail's identity is either one a claim created or one the platform
// leaves alone.
type Claim struct {
	Email string
	// Registration is the id the identity carries (identity.RegistrationAttr);
	// a takeover of a stale claim keeps it, so it may finish that identity.
	Registration string
	// Attempt is this request's hold on the claim.
	Attempt string
	// Held is the claim that stood when this one could not be taken.
	Held *account.EmailClaim
}

// ErrClaimHeld: the e-mail has an account, or another registration holds it.
var ErrClaimHeld = errors.New("account: e-mail claimed")

// ErrForeignIdentity: the e-mail has an identity that no claim of the
// platform created (made outside it, or before claims). Nothing may change it.
var ErrForeignIdentity = errors.New("account: identity not made by this registration")

// ClaimEmail takes an e-mail for a new account in one conditioned write: the
// e-mail has no claim, or its claim is a registration that stopped (stale),
// whose registration id the new hold keeps. When the claim is held, the error
// is ErrClaimHeld and c.Held says by what.
func ClaimEmail(ctx context.Context, t *store.Table, email string) (*Claim, error) {
	now := t.Now()
	c := &Claim{Email: store.NormalizeEmail(email), Attempt: newID()}
	reg := expression.Name("registrationId")
	upd := expression.Set(expression.Name("state"), expression.Value(account.ClaimRegistering)).
		Set(expression.Name("attemptId"), expression.Value(c.Attempt)).
		Set(expression.Name("claimedAt"), expression.Value(now.Unix())).
		Set(reg, expression.IfNotExists(reg, expression.Value(newID())))
	cond := expression.AttributeNotExists(expression.Name("PK")).
		Or(expression.Name("state").Equal(expression.Value(account.ClaimRegistering)).
			And(expression.Name("claimedAt").LessThan(expression.Value(now.Add(-ClaimStale).Unix()))))
	var got account.EmailClaim
	ok, err := t.UpdateIf(ctx, store.EmailKey(c.Email), upd, cond, &got)
	if err != nil {
		return nil, err
	}
	if !ok {
		c.Held = &got
		return c, ErrClaimHeld
	}
	c.Registration = got.RegistrationID
	return c, nil
}

// Identity creates the claim's identity in Cognito and returns its sub. An
// identity that exists already is used only when it carries this claim's
// registration (an earlier attempt made it and stopped); any other is
// ErrForeignIdentity, untouched.
func (c *Claim) Identity(ctx context.Context, pool *identity.Pool) (string, error) {
	sub, err := pool.CreateUser(ctx, c.Email, c.Registration)
	if !errors.Is(err, identity.ErrUserExists) {
		return sub, err
	}
	sub, reg, err := pool.User(ctx, c.Email)
	if err != nil {
		return "", err
	}
	if reg == "" || reg != c.Registration {
		return "", ErrForeignIdentity
	}
	return sub, nil
}

// Settle adds the claim's end to tx: it names the account, on condition that
// this attempt still holds it (onFail otherwise).
func (c *Claim) Settle(tx *store.Tx, accountID string, onFail error) {
	tx.Update(store.EmailKey(c.Email),
		expression.Set(expression.Name("accountId"), expression.Value(accountID)).
			Set(expression.Name("state"), expression.Value(account.ClaimAccount)).
			Remove(expression.Name("attemptId")).Remove(expression.Name("claimedAt")),
		c.held(), onFail)
}

// Release ends this attempt's hold when it stops before settling: the claim
// may be taken over at once, and the identity this registration may have made
// stays for the next attempt to finish.
func (c *Claim) Release(ctx context.Context, t *store.Table) error {
	return t.Update(ctx, store.EmailKey(c.Email),
		expression.Set(expression.Name("claimedAt"), expression.Value(0)), c.held(), nil)
}

// ReleaseOnAbort is Release for a response whose transaction fails to
// commit (httpapi.Response.OnAbort): the claim is free at once for the
// retry, instead of after ClaimStale.
func (c *Claim) ReleaseOnAbort(t *store.Table, log *slog.Logger) func(context.Context) {
	return func(ctx context.Context) {
		if err := c.Release(ctx, t); err != nil {
			log.WarnContext(ctx, "claim not released", apierr.LogAttr(err))
		}
	}
}

// Drop removes the claim of an e-mail whose identity is not the platform's to
// take: the table keeps no registration for it.
func (c *Claim) Drop(ctx context.Context, t *store.Table) error {
	return t.Delete(ctx, store.EmailKey(c.Email), c.held(), nil)
}

func (c *Claim) held() *expression.ConditionBuilder {
	return store.Cond(expression.Name("state").Equal(expression.Value(account.ClaimRegistering)).
		And(expression.Name("attemptId").Equal(expression.Value(c.Attempt))))
}

func newID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
