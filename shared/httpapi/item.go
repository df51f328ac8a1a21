package httpapi

import (
	"github.com/kartamieszkanca/platform/shared/store"
)

// Idempotency is the stored first answer to a request with an Idempotency-Key.
type Idempotency struct {
	store.Key
	// Index2 lists an account's records under it (erasure, export): a first
	// answer may quote personal data.
	store.Index2
	BodyHash string `dynamodbav:"bodyHash"`
	Status   int    `dynamodbav:"status"`
	Response []byte `dynamodbav:"response,omitempty"`
	TTL      int64  `dynamodbav:"ttl"`
}
