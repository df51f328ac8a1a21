package upload

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"hash/fnv"
	"io"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/kartamieszkanca/platform/shared/citytime"
	"github.com/kartamieszkanca/platform/shared/platform"
	"github.com/kartamieszkanca/platform/shared/store"
	"github.com/kartamieszkanca/platform/shared/task"
)

// RetentionShard spreads documents over the retention index's partitions.
func RetentionShard(uploadID string) int {
	h := fnv.New32a()
	_, _ = h.Write([]byte(uploadID))
	return int(h.Sum32() % store.RetentionShards)
}

// ScheduleRetention adds to a decision's transaction the retention index
// entry of a document it relied on (R15.5): the entry is keyed by the day of
// the decision, so the daily job finds the documents due without a scan,
// however long the retention is configured.
func ScheduleRetention(tx *store.Tx, u *Upload, decidedAt time.Time) {
	if u.Purpose != Document || u.Status == Deleted {
		return
	}
	day := citytime.Day(decidedAt).Format(time.DateOnly)
	tx.Update(store.UploadKey(u.ProfileID, u.UploadID),
		expression.Set(expression.Name("GSI2PK"), expression.Value(store.RetentionPK(RetentionShard(u.UploadID)))).
			Set(expression.Name("GSI2SK"), expression.Value(day+"#"+u.ProfileID+"#"+u.UploadID)),
		store.Exists(), nil)
}

// TaskDelete removes a deleted document's objects (both places it may be).
const TaskDelete = "upload.delete"

// Hash is the hex SHA-256 of an upload's stored object; "" when it is gone.
func Hash(ctx context.Context, d *platform.Deps, u *Upload) (string, error) {
	for _, key := range []string{u.ObjectKey, KeptKey(u.ProfileID, u.UploadID), PendingKey(u.ProfileID, u.UploadID)} {
		out, err := S3(d).GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(d.Config.FilesBucket), Key: aws.String(key)})
		if isNotFound(err) {
			continue
		}
		if err != nil {
			return "", s3Error(err)
		}
		h := sha256.New()
		_, err = io.Copy(h, out.Body)
		out.Body.Close()
		if err != nil {
			return "", err
		}
		return hex.EncodeToString(h.Sum(nil)), nil
	}
	return "", nil
}

// MarkDeleted adds to tx the end of a document's file: the record keeps its
// metadata and hash and leaves the retention index, conditioned on the entry
// the job read (a rerun finds nothing); the objects go by a task after the
// commit.
func MarkDeleted(tx *store.Tx, now time.Time, u *Upload, sum string, onGone error) {
	upd := expression.Set(expression.Name("status"), expression.Value(Deleted)).
		Set(expression.Name("deletedAt"), expression.Value(now.UTC())).
		Remove(expression.Name("GSI2PK")).Remove(expression.Name("GSI2SK"))
	if sum != "" {
		upd = upd.Set(expression.Name("sha256"), expression.Value(sum))
	}
	tx.Update(u.Key, upd, store.Cond(expression.Name("GSI2SK").Equal(expression.Value(u.GSI2SK))), onGone)
	task.Enqueue(tx, now, TaskDelete, map[string]string{"profileId": u.ProfileID, "uploadId": u.UploadID})
}

// deleteObjects is idempotent: deleting a missing object succeeds.
func deleteObjects(ctx context.Context, d *platform.Deps, profileID, uploadID string) error {
	for _, key := range []string{KeptKey(profileID, uploadID), PendingKey(profileID, uploadID)} {
		if _, err := S3(d).DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(d.Config.FilesBucket), Key: aws.String(key)}); err != nil && !isNotFound(err) {
			return s3Error(err)
		}
	}
	return nil
}
