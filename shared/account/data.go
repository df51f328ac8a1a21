package account

import (
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"

	"github.com/kartamieszkanca/platform/shared/store"
)

// EndSessions refuses every token authenticated up to this second; the +1 makes
// a token issued in the same second, just before, count as ended too (login
// waits out that second for a new one).
func EndSessions(now int64) expression.UpdateBuilder {
	return expression.Set(expression.Name("sessionsValidAfter"), expression.Value(now+1)).
		Add(expression.Name("version"), expression.Value(1))
}

// SetPhone adds to tx the change of the account's phone (E.164; "" removes
// it), on the version the request read.
func SetPhone(tx *store.Tx, a *Account, e164 string) {
	upd := expression.Remove(expression.Name("phone"))
	if e164 != "" {
		upd = expression.Set(expression.Name("phone"), expression.Value(e164))
	}
	tx.Change(a.Key, a.Version, upd, nil, ErrChanged)
}

// Activate adds to tx the activation of a pending account by its newest
// activation link (hash); onFail answers a used or superseded link.
func Activate(tx *store.Tx, accountID, hash string, onFail error) {
	tx.Update(store.AccountKey(accountID),
		expression.Set(expression.Name("status"), expression.Value(Active)).
			Remove(expression.Name("activationHash")).
			Add(expression.Name("version"), expression.Value(1)),
		store.Cond(expression.Name("status").Equal(expression.Value(Pending)).
			And(expression.Name("activationHash").Equal(expression.Value(hash)))),
		onFail)
}
