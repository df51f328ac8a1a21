package auth

import (
	"context"
	"errors"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"

	"github.com/kartamieszkanca/platform/shared/account"
	"github.com/kartamieszkanca/platform/shared/httpapi"
	"github.com/kartamieszkanca/platform/shared/linktoken"
	"github.com/kartamieszkanca/platform/shared/outbox"
	"github.com/kartamieszkanca/platform/shared/platform"
	"github.com/kartamieszkanca/platform/shared/store"
)

type emailBody struct {
	Email string `json:"email"`
}

func (b *emailBody) Validate(c *httpapi.Checks) { c.Email("email", b.Email) }

// errQuiet ends a link request without a mail; the answer is the same 202.
var errQuiet = errors.New("account: no mail for this request")

// accountByEmail reads the account of an e-mail, or errQuiet.
func accountByEmail(ctx context.Context, t *store.Table, email string) (*account.Account, error) {
	var claim account.EmailClaim
	err := t.Get(ctx, store.EmailKey(email), &claim)
	if errors.Is(err, store.ErrNotFound) || err == nil && claim.AccountID == "" {
		return nil, errQuiet // no account, or a registration still under way
	}
	if err != nil {
		return nil, err
	}
	var acc account.Account
	err = t.Get(ctx, store.AccountKey(claim.AccountID), &acc)
	if errors.Is(err, store.ErrNotFound) {
		return nil, errQuiet
	}
	return &acc, err
}

// link is one kind of mailed link.
type link struct {
	purpose  string
	status   string // the account status the link is for
	hashAttr string // the account attribute holding the newest link's hash
	sentAttr string // the account attribute holding when it was mailed
	sentAt   func(*account.Account) int64
	template string
	path     string
}

var (
	activationLink = link{purpose: linktoken.PurposeActivation, status: account.Pending, hashAttr: "activationHash",
		sentAttr: "activationMailedAt", sentAt: func(a *account.Account) int64 { return a.ActivationMailedAt },
		template: outbox.Activation, path: "/activate"}
	resetLink = link{purpose: linktoken.PurposeReset, status: account.Active, hashAttr: "resetHash",
		sentAttr: "resetMailedAt", sentAt: func(a *account.Account) int64 { return a.ResetMailedAt },
		template: outbox.PasswordReset, path: "/reset-password"}
)

// sendLink answers 202 always (R1.3, R3.1): a mail goes out only to an account
// in the link's status, at most once per cooldown; a new link replaces the old.
func sendLink(d *platform.Deps, l link) httpapi.Handler {
	return httpapi.Body(func(ctx context.Context, r *httpapi.Request, b *emailBody) (*httpapi.Response, error) {
		acc, err := accountByEmail(ctx, store.Of(d), store.NormalizeEmail(b.Email))
		if errors.Is(err, errQuiet) {
			return httpapi.Accepted(), nil
		}
		if err != nil {
			return nil, err
		}
		now := d.Now()
		if acc.Status != l.status || now.Unix()-l.sentAt(acc) < int64(linktoken.ResendCooldown.Seconds()) {
			return httpapi.Accepted(), nil
		}
		ttl := linktoken.ActivationTTL
		if l.purpose == linktoken.PurposeReset {
			ttl = linktoken.ResetTTL
		}
		token, hash := linktoken.New()
		tx := &store.Tx{}
		// No new link while a password change holds the account: that change
		// ends every open link, and this one would be dead on arrival.
		lease := expression.Name("passwordLeaseUntil")
		tx.Update(acc.Key,
			expression.Set(expression.Name(l.hashAttr), expression.Value(hash)).
				Set(expression.Name(l.sentAttr), expression.Value(now.Unix())),
			store.Cond(expression.Name("status").Equal(expression.Value(l.status)).
				And(expression.AttributeNotExists(expression.Name(l.sentAttr)).
					Or(expression.Name(l.sentAttr).Equal(expression.Value(l.sentAt(acc))))).
				And(expression.AttributeNotExists(lease).Or(lease.LessThan(expression.Value(now.Unix()))))),
			httpapi.Instead(httpapi.Accepted()))
		tx.Create(&linktoken.Token{Key: store.TokenKey(hash), Index2: store.OwnerIndex(acc.AccountID, store.TokenKey(hash)),
			Purpose: l.purpose, AccountID: acc.AccountID, Email: acc.Email,
			HouseholdID: acc.HouseholdID, ProfileID: acc.ProfileID,
			ExpiresAt: now.Add(ttl).Unix(), TTL: now.Add(ttl).Unix()}, nil)
		outbox.Enqueue(tx, now, l.purpose+"#"+hash[:32], l.template, acc.Email,
			map[string]string{"firstName": acc.FirstName, "link": d.Config.PortalURL + l.path + "?token=" + token}, nil)
		return httpapi.Accepted().With(tx), nil
	})
}

// ResendActivation serves POST /auth/activation/resend.
func ResendActivation(d *platform.Deps) httpapi.Handler { return sendLink(d, activationLink) }

// ForgotPassword serves POST /auth/password/forgot.
func ForgotPassword(d *platform.Deps) httpapi.Handler { return sendLink(d, resetLink) }
