package linktoken

import (
	"github.com/kartamieszkanca/platform/shared/store"
)

// Token purposes.
const (
	PurposeActivation = "activation"
	PurposeReset      = "reset"
	PurposeInvitation = "invitation"
)

// Token is a single-use link token; only its hash is stored.
type Token struct {
	store.Key
	// Index2 lists the token under its account (erasure, export).
	store.Index2
	Purpose   string `dynamodbav:"purpose"`
	AccountID string `dynamodbav:"accountId"`
	// Email, HouseholdID and ProfileID spare the link's handler a read.
	Email       string `dynamodbav:"email"`
	HouseholdID string `dynamodbav:"householdId,omitempty"`
	ProfileID   string `dynamodbav:"profileId,omitempty"`
	// FirstName greets an invited member in the account its acceptance makes.
	FirstName string `dynamodbav:"firstName,omitempty"`
	ExpiresAt int64  `dynamodbav:"expiresAt"`
	// TTL lets DynamoDB remove expired tokens; expiry itself is checked by the
	// API (TTL deletion is late and never happens locally).
	TTL int64 `dynamodbav:"ttl"`
}
