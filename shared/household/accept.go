package household

import (
	"context"
	"errors"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/oklog/ulid/v2"

	"github.com/kartamieszkanca/platform/shared/account"
	"github.com/kartamieszkanca/platform/shared/apierr"
	"github.com/kartamieszkanca/platform/shared/auth"
	"github.com/kartamieszkanca/platform/shared/httpapi"
	"github.com/kartamieszkanca/platform/shared/identity"
	"github.com/kartamieszkanca/platform/shared/linktoken"
	"github.com/kartamieszkanca/platform/shared/password"
	"github.com/kartamieszkanca/platform/shared/platform"
	"github.com/kartamieszkanca/platform/shared/profile"
	"github.com/kartamieszkanca/platform/shared/store"
)

var errHouseholdBlocked = apierr.New(apierr.AccountBlocked, "The household is blocked; the invitation can be accepted once it is lifted.")

// registration is the id an invited member's identity carries
// (identity.RegistrationAttr): the same for every link of one member, so an
// acceptance that stopped after Cognito is finished by the next.
func registration(profileID string) string { return "invitation." + profileID }

// Accept serves POST /auth/invitation/accept (R10.2): the member's login is
// made the way registration makes one, the table deciding first. One
// transaction claims the member's e-mail — free, or a stopped attempt's
// (released, or stale) — on condition that the link is the member's newest
// and the household is not blocked; only then Cognito gets the identity
// (carrying this member's registration id, so a later attempt finishes it)
// and its password; then one transaction uses the link up, settles the
// claim, writes the member's account and makes the profile active. The hold
// is exclusive: of acceptances racing with one link, one sets the password
// and the others are refused before Cognito (a shared hold let a loser's
// password land after the winner's). An attempt that fails gives the hold
// back at once. A used, superseded, expired or unknown link is 410
// token_invalid, and so is an address that has an account by now or an
// acceptance under way.
func Accept(d *platform.Deps) httpapi.Handler {
	return httpapi.Body(func(ctx context.Context, r *httpapi.Request, b *password.NewPasswordBody) (*httpapi.Response, error) {
		t := store.Of(d)
		tok, hash, err := auth.ReadToken(ctx, t, b.Token, linktoken.PurposeInvitation)
		if err != nil {
			return nil, err
		}
		var c httpapi.Checks
		password.Check(&c, "newPassword", b.NewPassword, tok.Email, tok.FirstName)
		if err := c.Err(); err != nil {
			return nil, err
		}
		now := d.Now().UTC()
		claim := &auth.Claim{Email: tok.Email, Registration: registration(tok.ProfileID), Attempt: ulid.Make().String()}
		decide := &store.Tx{}
		reg := expression.Name("registrationId")
		registering := expression.Name("state").Equal(expression.Value(account.ClaimRegistering))
		decide.Update(store.EmailKey(tok.Email),
			expression.Set(expression.Name("state"), expression.Value(account.ClaimRegistering)).
				Set(expression.Name("attemptId"), expression.Value(claim.Attempt)).
				Set(expression.Name("claimedAt"), expression.Value(now.Unix())).
				Set(reg, expression.Value(claim.Registration)),
			store.Cond(expression.AttributeNotExists(expression.Name("PK")).
				Or(registering.And(expression.Name("claimedAt").LessThan(expression.Value(now.Add(-auth.ClaimStale).Unix()))))),
			auth.ErrTokenInvalid)
		decide.Check(store.ProfileKey(tok.HouseholdID, tok.ProfileID),
			expression.Name("invitationHash").Equal(expression.Value(hash)).
				And(expression.Name("status").Equal(expression.Value(account.Pending))), auth.ErrTokenInvalid)
		decide.Check(store.AccountKey(tok.AccountID), expression.Name("status").Equal(expression.Value(account.Active)), errHouseholdBlocked)
		if err := t.Commit(ctx, decide); err != nil {
			return nil, err
		}
		pool := identity.Of(d)
		sub, err := claim.Identity(ctx, pool)
		if errors.Is(err, auth.ErrForeignIdentity) {
			if derr := claim.Drop(ctx, t); derr != nil {
				return nil, derr
			}
			return nil, auth.ErrTokenInvalid
		}
		if err == nil {
			err = pool.SetPassword(ctx, tok.Email, b.NewPassword)
		}
		if err != nil {
			if rerr := claim.Release(ctx, t); rerr != nil {
				d.Log.WarnContext(ctx, "invitation claim not released", apierr.LogAttr(rerr))
			}
			return nil, err
		}
		tx := &store.Tx{}
		tx.Delete(store.TokenKey(hash), store.Exists(), auth.ErrTokenInvalid)
		claim.Settle(tx, sub, auth.ErrTokenInvalid)
		tx.Create(&account.Account{Key: store.AccountKey(sub), AccountID: sub, Email: tok.Email, FirstName: tok.FirstName,
			Status: account.Active, CreatedAt: now, ProfileID: tok.ProfileID, HouseholdID: tok.HouseholdID, Version: 1},
			auth.ErrTokenInvalid)
		tx.Update(store.ProfileKey(tok.HouseholdID, tok.ProfileID),
			expression.Set(expression.Name("status"), expression.Value(account.Active)).
				Set(expression.Name("accountId"), expression.Value(sub)).
				Remove(expression.Name("invitationHash")).Remove(expression.Name("invitationMailedAt")).
				Remove(expression.Name("email")).
				Add(expression.Name("version"), expression.Value(1)),
			store.Cond(expression.Name("invitationHash").Equal(expression.Value(hash)).
				And(expression.Name("status").Equal(expression.Value(account.Pending)))),
			auth.ErrTokenInvalid)
		profile.IndexAccount(tx, tok.ProfileID, sub, tok.Email)
		// The link proved the address: Cognito marks it verified.
		identity.AfterVerifyEmail(tx, now, tok.Email)
		return httpapi.NoContent().With(tx).OnAbort(claim.ReleaseOnAbort(t, d.Log)), nil
	})
}
