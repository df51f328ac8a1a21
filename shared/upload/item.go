package upload

import (
	"time"

	"github.com/kartamieszkanca/platform/shared/store"
)

// Upload statuses.
const (
	Pending  = "pending"
	Verified = "verified"
)

// Upload is a file a profile sent to S3 through a presigned POST.
type Upload struct {
	store.Key
	UploadID    string    `dynamodbav:"uploadId"`
	ProfileID   string    `dynamodbav:"profileId"`
	Purpose     string    `dynamodbav:"purpose"`
	ContentType string    `dynamodbav:"contentType"`
	Size        int64     `dynamodbav:"size"`
	ObjectKey   string    `dynamodbav:"objectKey"`
	Status      string    `dynamodbav:"status"`
	CreatedAt   time.Time `dynamodbav:"createdAt"`
	// TTL removes a pending upload's record with its expired object; a
	// verified upload has none.
	TTL int64 `dynamodbav:"ttl,omitempty"`
}
