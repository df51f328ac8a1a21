package auth

import (
	"context"
	"errors"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"

	"github.com/kartamieszkanca/platform/shared/account"
	"github.com/kartamieszkanca/platform/shared/apierr"
	"github.com/kartamieszkanca/platform/shared/platform"
	"github.com/kartamieszkanca/platform/shared/store"
)

// PasswordLeaseTTL is how long one password change may hold an account: far
// past a route's timeout, so a change in progress never loses its lease.
const PasswordLeaseTTL = time.Minute

// A password is changed in three steps, the table deciding first: a lease on
// the account, taken on the condition that decides the change (e.g. the
// reset link is the account's newest); the password in Cognito; and, under
// the lease, the change's end in the table (sessions, links, mail). While the
// lease is held no other password change and no new reset link can start, so
// nothing decided in the first step is undone before the last.

// PasswordLease is one change's hold on an account's password.
type PasswordLease struct {
	AccountID string
	By        string
}

var errPasswordBusy = &apierr.Error{Code: apierr.RequestInProgress,
	Message: "The password is being changed at this moment; try again shortly.", RetryAfter: 1}

// TakePasswordLease leases the account's password when cond holds and no
// other change holds it. A failed cond answers refused; a lease held by
// another change answers 409 (try again).
func TakePasswordLease(ctx context.Context, t *store.Table, accountID, kind string, cond expression.ConditionBuilder, refused error) (*PasswordLease, error) {
	l := &PasswordLease{AccountID: accountID, By: kind + "#" + newID()}
	now := t.Now().Unix()
	until := expression.Name("passwordLeaseUntil")
	free := expression.AttributeNotExists(until).Or(until.LessThan(expression.Value(now)))
	var acc account.Account
	ok, err := t.UpdateIf(ctx, store.AccountKey(accountID),
		expression.Set(expression.Name("passwordLeaseBy"), expression.Value(l.By)).
			Set(until, expression.Value(now+int64(PasswordLeaseTTL.Seconds()))),
		expression.AttributeExists(expression.Name("PK")).And(cond).And(free), &acc)
	if err != nil {
		return nil, err
	}
	if !ok {
		if acc.PasswordLeaseUntil >= now {
			return nil, errPasswordBusy
		}
		return nil, refused
	}
	return l, nil
}

// Finish adds the change's end to tx, under the lease: every session ends
// (access tokens at the adapter, refresh tokens at /auth/refresh), every open
// reset link ends, and the lease is given back.
func (l *PasswordLease) Finish(tx *store.Tx, now int64) {
	tx.Update(store.AccountKey(l.AccountID),
		account.EndSessions(now).Remove(expression.Name("resetHash")).
			Remove(expression.Name("passwordLeaseBy")).Remove(expression.Name("passwordLeaseUntil")),
		l.held(), errLeaseLost)
}

// finishAttempts bounds Commit's tries; with the SDK's own retries under each
// they span seconds, within a route's timeout.
const finishAttempts = 5

// Commit finishes the change with the end Finish added to tx (and the change's
// mail). Cognito has set the password already, so a failure that may pass
// is tried again while the request lasts; a lost lease is not.
func (l *PasswordLease) Commit(ctx context.Context, d *platform.Deps, tx *store.Tx) error {
	wait := 50 * time.Millisecond
	for attempt := 1; ; attempt++ {
		err := store.Of(d).Commit(ctx, tx)
		if err == nil || errors.Is(err, errLeaseLost) || attempt == finishAttempts {
			return err
		}
		d.Log.WarnContext(ctx, "password change not finished; trying again", apierr.LogAttr(err))
		select {
		case <-ctx.Done():
			return err
		case <-time.After(wait):
		}
		wait *= 2
	}
}

// Release gives the lease back when the change stops before Cognito changed
// anything, so the owner may try again at once; a lease not given back ends
// by itself.
func (l *PasswordLease) Release(ctx context.Context, d *platform.Deps) {
	err := store.Of(d).Update(ctx, store.AccountKey(l.AccountID),
		expression.Remove(expression.Name("passwordLeaseBy")).Remove(expression.Name("passwordLeaseUntil")), l.held(), nil)
	if err != nil {
		d.Log.WarnContext(ctx, "password lease not released", apierr.LogAttr(err))
	}
}

func (l *PasswordLease) held() *expression.ConditionBuilder {
	return store.Cond(expression.Name("passwordLeaseBy").Equal(expression.Value(l.By)))
}

// errLeaseLost: a change outlived its lease. PasswordLeaseTTL is far past any
// route's timeout, so this is a fault: logged as an error, answered 500.
var errLeaseLost = errors.New("account: password lease lost before the change was finished")
