// Package outbox is how a change asks for a mail: an outbox item written in the
// same transaction as the change (Enqueue). The table's stream hands it to the
// mail sender (package mail), so nothing is lost if SES is down and a function
// that causes mail never links the SES client or the templates.
package outbox

import (
	"time"

	"github.com/kartamieszkanca/platform/shared/store"
)

// Template names.
const (
	Activation      = "activation"
	AccountExists   = "account_exists"
	PasswordReset   = "password_reset"
	PasswordChanged = "password_changed"
	AppSubmitted    = "application_submitted"
	AppAccepted     = "application_accepted"
	AppRejected     = "application_rejected"
	// AppReturned asks the resident to correct and resubmit (R15.7).
	AppReturned = "application_returned"
	// StaffInvitation carries a new staff member's link to set a password.
	StaffInvitation = "staff_invitation"
	CardReady       = "card_ready"
	CaseMessage     = "case_message"
	// EntitlementExpiry lists a recipient's entitlements with a reminder or
	// expiry notice due (the daily job).
	EntitlementExpiry = "entitlement_expiry"
	// FamilyInvitation invites a family member to set a password (R10.2);
	// FamilyAccountExists tells an account's owner that a household named
	// their address, instead of an invitation (no enumeration).
	FamilyInvitation    = "family_invitation"
	FamilyAccountExists = "family_account_exists"
	// Erased confirms an erasure to the address of each erased account (R7.2).
	Erased = "account_erased"
	// ComingOfAge tells a head that a child without an e-mail turns 18 (R15.6).
	ComingOfAge = "coming_of_age"
)

// DefaultLang is the language of every mail unless the recipient chose another.
const DefaultLang = "pl"

// outboxTTL removes sent mail records after a while (they hold an address).
const outboxTTL = 30 * 24 * time.Hour

// Enqueue adds a mail to a change's transaction. id must be unique per mail; a
// deterministic id (e.g. per account and day) makes the mail at most one.
func Enqueue(tx *store.Tx, now time.Time, id, name, to string, data map[string]string, onDuplicate error) {
	it := item(now, id, name, data)
	it.To, it.Index2 = to, store.Index2{GSI2PK: store.MailToPK(to), GSI2SK: it.PK}
	tx.Create(it, onDuplicate)
}

// EnqueueToAccount is Enqueue for a mail to an account whose address the
// change does not know: the sender reads it when it sends the mail.
func EnqueueToAccount(tx *store.Tx, now time.Time, id, name, accountID string, data map[string]string, onDuplicate error) {
	it := item(now, id, name, data)
	it.ToAccount, it.Index2 = accountID, store.OwnerIndex(accountID, it.Key)
	tx.Create(it, onDuplicate)
}

// EnqueueForgotten is Enqueue for a mail whose record must keep nothing of
// its recipient once sent (the confirmation of an erasure): not indexed by
// its address, and stripped of it by the sender.
func EnqueueForgotten(tx *store.Tx, now time.Time, id, name, to string, data map[string]string, onDuplicate error) {
	it := item(now, id, name, data)
	it.To, it.Forget = to, true
	tx.Create(it, onDuplicate)
}

func item(now time.Time, id, name string, data map[string]string) *Item {
	return &Item{Key: store.OutboxKey(id), ID: id, Template: name, Lang: DefaultLang, Data: data,
		CreatedAt: now.UTC(), TTL: now.Add(outboxTTL).Unix()}
}
