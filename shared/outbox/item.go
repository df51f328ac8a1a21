package outbox

import (
	"time"

	"github.com/kartamieszkanca/platform/shared/store"
)

// Outbox is a mail to send, written in the same transaction as its cause.
type Item struct {
	store.Key
	ID        string            `dynamodbav:"id"`
	Template  string            `dynamodbav:"template"`
	To        string            `dynamodbav:"to"`
	Lang      string            `dynamodbav:"lang"`
	Data      map[string]string `dynamodbav:"data"`
	CreatedAt time.Time         `dynamodbav:"createdAt"`
	// LeaseUntil: a sender has claimed the mail until then (unix seconds).
	LeaseUntil int64  `dynamodbav:"leaseUntil,omitempty"`
	SentAt     int64  `dynamodbav:"sentAt,omitempty"`
	MessageID  string `dynamodbav:"messageId,omitempty"`
	Attempts   int    `dynamodbav:"attempts"`
	TTL        int64  `dynamodbav:"ttl"`
}
