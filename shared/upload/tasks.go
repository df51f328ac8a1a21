package upload

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"

	"github.com/kartamieszkanca/platform/shared/platform"
	"github.com/kartamieszkanca/platform/shared/store"
	"github.com/kartamieszkanca/platform/shared/task"
)

// TaskKeep copies a claimed upload's object out of the expiring pending prefix.
const TaskKeep = "upload.keep"

// KeepAfter marks a verified upload claimed in tx and, if its object is still
// under PendingPrefix, has the object copied to its kept key once tx commits:
// the table decides (the change that claims the upload), S3 follows. u points
// at the kept key from then on; a link made before the copy has run finds
// nothing for that moment (the copy runs within seconds; the pending object
// lives for a day).
func KeepAfter(tx *store.Tx, now time.Time, u *store.Upload) {
	if strings.HasPrefix(u.ObjectKey, PendingPrefix) {
		from := u.ObjectKey
		u.ObjectKey = KeptKey(u.ProfileID, u.UploadID)
		task.Enqueue(tx, now, TaskKeep, map[string]string{"from": from, "to": u.ObjectKey})
	}
	MarkVerified(tx, u)
}

// Tasks are the handlers of the upload task kinds; each is idempotent.
func Tasks(d *platform.Deps) map[string]task.Handler {
	return map[string]task.Handler{TaskKeep: func(ctx context.Context, a map[string]string) error {
		bucket := aws.String(d.Config.FilesBucket)
		_, err := S3(d).CopyObject(ctx, &s3.CopyObjectInput{
			Bucket:     bucket,
			Key:        aws.String(a["to"]),
			CopySource: aws.String(url.PathEscape(d.Config.FilesBucket) + "/" + escapeKey(a["from"])),
		})
		if isNotFound(err) || isNoSuchKey(err) {
			// A run that copied and stopped before it was marked done: the
			// pending object may have expired since; the copy is what counts.
			if _, herr := S3(d).HeadObject(ctx, &s3.HeadObjectInput{Bucket: bucket, Key: aws.String(a["to"])}); herr == nil {
				return nil
			}
		}
		if err != nil {
			return s3Error(err)
		}
		return nil
	}}
}

// isNoSuchKey: S3 answers a copy from a missing source with NoSuchKey.
func isNoSuchKey(err error) bool {
	var nsk *types.NoSuchKey
	if errors.As(err, &nsk) {
		return true
	}
	var ae smithy.APIError
	return errors.As(err, &ae) && ae.ErrorCode() == "NoSuchKey"
}
