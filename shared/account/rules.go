package account

import (
	"time"

	"github.com/kartamieszkanca/platform/shared/apierr"
)

// Check is the account-state gate: every authenticated request, login and
// refresh pass it. A JWT stays valid until it expires; the account's state
// and SessionsValidAfter end it earlier.
func Check(acc *Account, authTime int64) error { return Gate(acc, authTime, false) }

// Gate is Check for a route that an account blocked for a withdrawn consent
// still reaches (whileBlocked): login, refresh, and the routes the route table
// marks WhileBlocked (R7.3).
func Gate(acc *Account, authTime int64, whileBlocked bool) error {
	switch acc.Status {
	case Active:
	case Blocked:
		if !whileBlocked || acc.BlockReason != ReasonConsentWithdrawn {
			return apierr.New(apierr.AccountBlocked, "The account is blocked.")
		}
	case Pending:
		return apierr.New(apierr.AccountNotActivated, "The account is not activated yet; follow the link in the activation mail.")
	default:
		return apierr.New(apierr.Unauthorized, "The account does not exist.")
	}
	if authTime != 0 && authTime < acc.SessionsValidAfter {
		return apierr.New(apierr.Unauthorized, "This session has ended; log in again.")
	}
	return nil
}

// ErrChanged: the account changed between the request's read and its write.
var ErrChanged = apierr.New(apierr.Conflict, "The account was changed at the same time; try again.")

// View is the account as GET /account shows it.
type View struct {
	AccountID string    `json:"accountId"`
	Email     string    `json:"email"`
	Phone     *string   `json:"phone"`
	Status    string    `json:"status"`
	CreatedAt time.Time `json:"createdAt"`
	ProfileID *string   `json:"profileId"`
	Household bool      `json:"household"`
	// BlockReason is why a blocked account is blocked (consent_withdrawn).
	BlockReason *string `json:"blockReason"`
}

// ToView is the API's view of an account.
func ToView(a *Account) View {
	v := View{AccountID: a.AccountID, Email: a.Email, Status: a.Status, CreatedAt: a.CreatedAt.UTC(), Household: a.Head}
	if a.Phone != "" {
		v.Phone = &a.Phone
	}
	if a.ProfileID != "" {
		v.ProfileID = &a.ProfileID
	}
	if a.Status == Blocked && a.BlockReason != "" {
		v.BlockReason = &a.BlockReason
	}
	return v
}
