package upload

import (
	"time"

	"github.com/kartamieszkanca/platform/shared/store"
)

// Upload statuses.
const (
	Pending  = "pending"
	Verified = "verified"
	// Deleted: the retention job removed the file (R15.5); the record keeps
	// its metadata and the file's SHA-256.
	Deleted = "deleted"
)

// Upload is a file a profile sent to S3 through a presigned POST.
type Upload struct {
	store.Key
	// Index2 is the retention index entry of a decided application's
	// document (RetentionPK), until the file is deleted.
	store.Index2
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
	// SHA256 (hex) and DeletedAt: what is left of a file the retention job
	// deleted.
	SHA256    string     `dynamodbav:"sha256,omitempty"`
	DeletedAt *time.Time `dynamodbav:"deletedAt,omitempty"`
}
