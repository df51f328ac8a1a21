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

// ClaimEmailWith takes an e-mail for a new account as ClaimEmail does, in a
// transaction that commit writes together with what the caller adds to it
// (httpapi.Request.CommitCounted: the request's abuse counters), so the
// claim and the counts cost one round trip. A transaction returns no item,
// so the write is conditioned on the e-mail having no claim; the item that
// failed it comes back with the refusal, and a stopped registration's
// (stale) claim is then taken over in a second write conditioned on the
// attempt that was seen, keeping its registration id.
func ClaimEmailWith(ctx context.Context, t *store.Table, email string, commit func(context.Context, *store.Tx) error) (*Claim, error) {
	now := t.Now()
	c := &Claim{Email: store.NormalizeEmail(email), Attempt: newID(), Registration: newID()}
	// A fresh builder each time: Set adds to the builder it is called on.
	hold := func() expression.UpdateBuilder {
		return expression.Set(expression.Name("state"), expression.Value(account.ClaimRegistering)).
			Set(expression.Name("attemptId"), expression.Value(c.Attempt)).
			Set(expression.Name("claimedAt"), expression.Value(now.Unix()))
	}
	tx := &store.Tx{}
	tx.UpdateOrOld(store.EmailKey(c.Email), hold().Set(expression.Name("registrationId"), expression.Value(c.Registration)),
		expression.AttributeNotExists(expression.Name("PK")))
	err := commit(ctx, tx)
	var failed *store.ConditionFailed
	if !errors.As(err, &failed) {
		return c, err
	}
	var got account.EmailClaim
	if err := failed.Decode(&got); err != nil {
		return nil, err
	}
	c.Held = &got
	if !got.Registering() || got.ClaimedAt >= now.Add(-ClaimStale).Unix() || got.RegistrationID == "" {
		return c, ErrClaimHeld
	}
	seen := expression.Name("state").Equal(expression.Value(account.ClaimRegistering)).
		And(expression.Name("registrationId").Equal(expression.Value(got.RegistrationID))).
		And(expression.Name("claimedAt").Equal(expression.Value(got.ClaimedAt)))
	if got.AttemptID != "" {
		seen = seen.And(expression.Name("attemptId").Equal(expression.Value(got.AttemptID)))
	}
	tx = &store.Tx{}
	tx.UpdateOrOld(store.EmailKey(c.Email), hold(), seen)
	err = commit(ctx, tx)
	if errors.As(err, &failed) {
		// Another registration took it over first.
		if err := failed.Decode(&got); err != nil {
			return nil, err
		}
		return c, ErrClaimHeld
	}
	if err != nil {
		return nil, err
	}
	c.Registration, c.Held = got.RegistrationID, nil
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
