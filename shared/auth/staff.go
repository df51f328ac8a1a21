package auth

import (
	"context"
	"errors"

	"github.com/kartamieszkanca/platform/shared/account"
	"github.com/kartamieszkanca/platform/shared/identity"
	"github.com/kartamieszkanca/platform/shared/platform"
	"github.com/kartamieszkanca/platform/shared/store"
)

// Staff is a staff account to make: its e-mail, Cognito group and, for
// partners and inspectors, the organization it acts for.
type Staff struct{ Email, Group, OrganizationID, OrganizationName string }

// CreateStaff makes an active staff account in a Cognito group the way
// registration makes a resident's: the e-mail is claimed first, then the
// identity is made, then the account and the claim's end are written in one
// transaction. An e-mail that already has an account is left as it is and
// its account id returned.
func CreateStaff(ctx context.Context, d *platform.Deps, s Staff, password string) (string, error) {
	t := store.Of(d)
	claim, err := ClaimEmail(ctx, t, s.Email)
	if errors.Is(err, ErrClaimHeld) && claim.Held.AccountID != "" {
		return claim.Held.AccountID, nil
	}
	if err != nil {
		return "", err
	}
	pool := identity.Of(d)
	sub, err := claim.Identity(ctx, pool)
	if err == nil {
		err = pool.SetPassword(ctx, claim.Email, password)
	}
	if err == nil {
		err = pool.AddToGroup(ctx, claim.Email, s.Group)
	}
	if err == nil {
		now := d.Now().UTC()
		tx := &store.Tx{}
		claim.Settle(tx, sub, ErrClaimHeld)
		tx.Create(&account.Account{Key: store.AccountKey(sub), AccountID: sub, Email: claim.Email,
			Status: account.Active, CreatedAt: now, Staff: true, OrganizationID: s.OrganizationID,
			OrganizationName: s.OrganizationName, Group: s.Group, Index1: StaffIndex(claim.Email), Version: 1}, nil)
		err = t.Commit(ctx, tx)
	}
	if errors.Is(err, ErrForeignIdentity) {
		_ = claim.Drop(ctx, t)
		return "", err
	}
	if err != nil {
		_ = claim.Release(ctx, t)
		return "", err
	}
	return sub, nil
}

// StaffIndex is a staff account's entry in the operators' staff list.
func StaffIndex(email string) store.Index1 {
	return store.Index1{GSI1PK: store.StaffPK, GSI1SK: store.NormalizeEmail(email)}
}
