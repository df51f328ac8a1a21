package outbox

import (
	"time"

	"github.com/kartamieszkanca/platform/shared/store"
)

// Outbox is a mail to send, written in the same transaction as its cause.
type Item struct {
	store.Key
	// Index2 lists the mail under its recipient (an address's hash or an
	// account), so erasure and export find a person's mail without a scan.
	store.Index2
	ID       string `dynamodbav:"id"`
	Template string `dynamodbav:"template"`
	To       string `dynamodbav:"to"`
	// ToAccount, when To is empty: the mail goes to the account's address as
	// it is when the mail is sent (a change that knows the account, not its
	// address, need not read it; an erased account is mailed nothing).
	ToAccount string            `dynamodbav:"toAccount,omitempty"`
	Lang      string            `dynamodbav:"lang"`
	Data      map[string]string `dynamodbav:"data"`
	CreatedAt time.Time         `dynamodbav:"createdAt"`
	// LeaseUntil: a sender has claimed the mail until then (unix seconds).
	LeaseUntil int64  `dynamodbav:"leaseUntil,omitempty"`
	SentAt     int64  `dynamodbav:"sentAt,omitempty"`
	MessageID  string `dynamodbav:"messageId,omitempty"`
	Attempts   int    `dynamodbav:"attempts"`
	TTL        int64  `dynamodbav:"ttl"`
	// Forget: once sent, the record drops its recipient and data (the
	// confirmation of an erasure, written when everything else goes).
	Forget bool `dynamodbav:"forget,omitempty"`
}
