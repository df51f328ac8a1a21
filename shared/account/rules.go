package account

import (
	"strconv"
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

// TokenID names the session a token belongs to: Cognito's origin_jti, which
// the access and ID tokens of one login and of its refreshes share; where a
// token has none (cognito-local), its auth_time.
func TokenID(originJTI string, authTime int64) string {
	if originJTI != "" {
		return "j:" + originJTI
	}
	return "t:" + strconv.FormatInt(authTime, 10)
}

// TokenLifetime bounds how long an access or ID token can be presented (15
// minutes in AWS, a day on cognito-local): a logged-out session's tokens are
// remembered that long.
const TokenLifetime = 24 * time.Hour

// CheckToken refuses a token of a session that was logged out (logout ends
// its access and ID tokens, not only its refresh token).
func CheckToken(acc *Account, tokenID string, now time.Time) error {
	if until, ok := acc.EndedTokens[tokenID]; ok && until > now.Unix() {
		return apierr.New(apierr.Unauthorized, "This session has ended; log in again.")
	}
	return nil
}

// Ended is the account's ended tokens after ids are added at now: entries
// past their lifetime are dropped, so the map holds a day's logouts at most.
func (a *Account) Ended(ids []string, now time.Time) map[string]int64 {
	out := map[string]int64{}
	for id, until := range a.EndedTokens {
		if until > now.Unix() {
			out[id] = until
		}
	}
	for _, id := range ids {
		out[id] = now.Add(TokenLifetime).Unix()
	}
	return out
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
