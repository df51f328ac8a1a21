// Package staff is the operators' management of staff accounts (R15.10):
// invite an operator, partner or inspector, list them, disable one. An
// invited member sets a password through a mailed link, the reset link's
// mechanism (a link token whose hash the account holds), valid 7 days.
package staff

import (
	"context"
	"errors"
	"net/http"
	"regexp"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"

	"github.com/kartamieszkanca/platform/shared/account"
	"github.com/kartamieszkanca/platform/shared/apierr"
	"github.com/kartamieszkanca/platform/shared/audit"
	"github.com/kartamieszkanca/platform/shared/auth"
	"github.com/kartamieszkanca/platform/shared/httpapi"
	"github.com/kartamieszkanca/platform/shared/identity"
	"github.com/kartamieszkanca/platform/shared/linktoken"
	"github.com/kartamieszkanca/platform/shared/outbox"
	"github.com/kartamieszkanca/platform/shared/platform"
	"github.com/kartamieszkanca/platform/shared/routes"
	"github.com/kartamieszkanca/platform/shared/store"
	"github.com/kartamieszkanca/platform/shared/textfold"
)

// Codes.
var (
	EmailTaken    = apierr.Register("email_taken", http.StatusConflict)
	DisablingSelf = apierr.Register("cannot_disable_self", http.StatusConflict)
)

var errNotFound = apierr.New(apierr.NotFound, "No such account.")

// roles names the groups in the invitation mail.
var roles = map[string]string{
	routes.GroupOperators:  "operator",
	routes.GroupPartners:   "partner",
	routes.GroupInspectors: "kontroler",
}

type inviteBody struct {
	Email            string `json:"email"`
	Group            string `json:"group"`
	OrganizationName string `json:"organizationName"`
}

func (b *inviteBody) Validate(c *httpapi.Checks) {
	c.Email("email", b.Email)
	switch b.Group {
	case routes.GroupPartners, routes.GroupInspectors:
		// Checks and benefits name the organization, never the person.
		c.Text("organizationName", b.OrganizationName, 200)
	case routes.GroupOperators:
		if b.OrganizationName != "" {
			c.Fail("organizationName", "not_allowed")
		}
	default:
		c.Fail("group", "invalid")
	}
}

// View is a staff account as operators see it.
type View struct {
	AccountID        string    `json:"accountId"`
	Email            string    `json:"email"`
	Group            string    `json:"group"`
	OrganizationName *string   `json:"organizationName"`
	Status           string    `json:"status"`
	CreatedAt        time.Time `json:"createdAt"`
}

func toView(a *account.Account) View {
	v := View{AccountID: a.AccountID, Email: a.Email, Group: a.Group, Status: a.Status, CreatedAt: a.CreatedAt.UTC()}
	if a.OrganizationName != "" {
		v.OrganizationName = &a.OrganizationName
	}
	return v
}

// slug makes an organization's id from its name: every member invited with
// the same name acts for the same organization (benefits are listed by it).
var nonSlug = regexp.MustCompile(`[^a-z0-9]+`)

func organizationID(name string) string {
	s := nonSlug.ReplaceAllString(textfold.Fold(name), "-")
	for len(s) > 0 && s[0] == '-' {
		s = s[1:]
	}
	for len(s) > 0 && s[len(s)-1] == '-' {
		s = s[:len(s)-1]
	}
	if len(s) > 60 {
		s = s[:60]
	}
	return s
}

// Invite serves POST /operator/staff (R15.10). As registration does, the
// table decides first: the e-mail is claimed in one conditioned write, and
// only the winner makes the Cognito identity (in the group, no usable
// password); then one transaction settles the claim and writes the active
// account, the link, the invitation mail and the audit entry. An e-mail that
// has an account is 409 email_taken (operators may know it; residents never
// reach this route).
func Invite(d *platform.Deps) httpapi.Handler {
	return httpapi.Body(func(ctx context.Context, r *httpapi.Request, b *inviteBody) (*httpapi.Response, error) {
		acc, tx, release, err := invite(ctx, d, r.Account, b)
		if err != nil {
			return nil, err
		}
		return httpapi.JSON(201, toView(acc)).With(tx).OnAbort(release), nil
	})
}

// invite makes the identity and returns the account with the transaction
// that writes it (the claim settled, the link, the mail, the audit entry)
// and what gives the claim back when that transaction fails.
func invite(ctx context.Context, d *platform.Deps, actor *account.Account, b *inviteBody) (*account.Account, *store.Tx, func(context.Context), error) {
	t := store.Of(d)
	claim, err := auth.ClaimEmail(ctx, t, b.Email)
	if errors.Is(err, auth.ErrClaimHeld) {
		if claim.Held.AccountID != "" {
			return nil, nil, nil, apierr.New(EmailTaken, "This e-mail address has an account already.")
		}
		return nil, nil, nil, &apierr.Error{Code: apierr.RequestInProgress, Message: "An account for this e-mail is being made; try again shortly.", RetryAfter: 1}
	}
	if err != nil {
		return nil, nil, nil, err
	}
	pool := identity.Of(d)
	sub, err := claim.Identity(ctx, pool)
	if err == nil {
		err = pool.AddToGroup(ctx, claim.Email, b.Group)
	}
	if errors.Is(err, auth.ErrForeignIdentity) {
		_ = claim.Drop(ctx, t)
		return nil, nil, nil, apierr.New(EmailTaken, "This e-mail address has an identity the platform did not make.")
	}
	if err != nil {
		_ = claim.Release(ctx, t)
		return nil, nil, nil, err
	}
	now := d.Now().UTC()
	token, hash := linktoken.New()
	acc := &account.Account{Key: store.AccountKey(sub), Index1: auth.StaffIndex(claim.Email), AccountID: sub,
		Email: claim.Email, Status: account.Active, CreatedAt: now, Staff: true, Group: b.Group,
		ResetHash: hash, ResetMailedAt: now.Unix(), Version: 1}
	if b.OrganizationName != "" {
		acc.OrganizationID, acc.OrganizationName = organizationID(b.OrganizationName), b.OrganizationName
	}
	tx := &store.Tx{}
	lost := apierr.New(apierr.Conflict, "The e-mail was claimed at the same time; try again.")
	claim.Settle(tx, sub, lost)
	tx.Create(acc, lost)
	// The reset link's mechanism sets the first password: the account holds
	// the link's hash, POST /auth/password/reset uses it up.
	tx.Create(&linktoken.Token{Key: store.TokenKey(hash), Purpose: linktoken.PurposeReset, AccountID: sub,
		Email: claim.Email, ExpiresAt: now.Add(linktoken.InvitationTTL).Unix(), TTL: now.Add(linktoken.InvitationTTL).Unix()}, nil)
	outbox.Enqueue(tx, now, "staff-invitation#"+hash[:32], outbox.StaffInvitation, claim.Email, map[string]string{
		"role": roles[b.Group], "organizationName": b.OrganizationName,
		"link": d.Config.PortalURL + "/reset-password?token=" + token}, nil)
	audit.Record(tx, actor, now, "staff.invite", "", sub, map[string]string{"group": b.Group, "email": claim.Email})
	return acc, tx, claim.ReleaseOnAbort(t, d.Log), nil
}

// Deployer stands for the person who runs CreateFirstOperator, in the trail.
var Deployer = &account.Account{AccountID: "deployment", Email: "create-operator"}

// CreateFirstOperator invites an operator outside the API: the first
// operator of a deployment, made by a command run with the deployment's AWS
// credentials (infra/cmd/create-operator), never by a seed. The invitation
// mail carries the link to set the password, as for any operator.
func CreateFirstOperator(ctx context.Context, d *platform.Deps, email string) (string, error) {
	b := &inviteBody{Email: email, Group: routes.GroupOperators}
	var c httpapi.Checks
	b.Validate(&c)
	if err := c.Err(); err != nil {
		return "", err
	}
	acc, tx, release, err := invite(ctx, d, Deployer, b)
	if err != nil {
		return "", err
	}
	if err := store.Of(d).Commit(ctx, tx); err != nil {
		release(ctx)
		return "", err
	}
	return acc.AccountID, nil
}

// List serves GET /operator/staff: the staff accounts by e-mail, disabled
// ones too (GSI1 STAFF), paged.
func List(d *platform.Deps) httpapi.Handler {
	return func(ctx context.Context, r *httpapi.Request) (*httpapi.Response, error) {
		page, err := httpapi.PageOf(r, "GSI1PK", store.StaffPK, true)
		if err != nil {
			return nil, err
		}
		var as []account.Account
		next, err := store.Of(d).Query(ctx, store.QueryInput{Index: store.GSI1,
			KeyCond: expression.Key("GSI1PK").Equal(expression.Value(store.StaffPK)),
			Limit:   page.Limit, Forward: page.Ascending, StartKey: page.Start}, &as)
		if err != nil {
			return nil, err
		}
		items := make([]View, 0, len(as))
		for i := range as {
			items = append(items, toView(&as[i]))
		}
		return httpapi.JSON(200, httpapi.List[View]{Items: items, NextCursor: store.EncodeCursor(next)}), nil
	}
}

// Disable serves DELETE /operator/staff/{accountId}: the account is disabled
// in the table, conditioned on the version read; the gate reads the account
// on every request, so its tokens, still valid by their signature, are
// refused from the next request on, and it cannot log in. Its Cognito
// refresh tokens are revoked by a task after the commit. A resident's
// account is not staff: 404.
func Disable(d *platform.Deps) httpapi.Handler {
	return func(ctx context.Context, r *httpapi.Request) (*httpapi.Response, error) {
		id := r.Params["accountId"]
		if id == r.Account.AccountID {
			return nil, apierr.New(DisablingSelf, "An operator cannot disable their own account.")
		}
		var acc account.Account
		err := store.Of(d).Get(ctx, store.AccountKey(id), &acc)
		if errors.Is(err, store.ErrNotFound) || err == nil && !acc.Staff {
			return nil, errNotFound
		}
		if err != nil {
			return nil, err
		}
		if acc.Status == account.Disabled {
			return httpapi.NoContent(), nil
		}
		now := d.Now().UTC()
		tx := &store.Tx{}
		tx.Change(acc.Key, acc.Version, expression.Set(expression.Name("status"), expression.Value(account.Disabled)).
			Set(expression.Name("sessionsValidAfter"), expression.Value(now.Unix()+1)),
			store.Cond(expression.Name("staff").Equal(expression.Value(true))), account.ErrChanged)
		identity.AfterSignOut(tx, now, acc.Email)
		audit.Record(tx, r.Account, now, "staff.disable", "", id, map[string]string{"group": acc.Group, "email": acc.Email})
		return httpapi.NoContent().With(tx), nil
	}
}
