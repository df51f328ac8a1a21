// Package upload moves residents' photos, documents and attachments through S3
// presigned URLs, never through Lambda payloads (R14.4): POST
// /profiles/{profileId}/uploads answers a presigned POST whose policy fixes the
// object's key, type and size; Verify checks the stored object before an
// application or a message may refer to it, since a client can send anything
// to S3 that the policy lets through (and the local S3 enforces no policy).
package upload

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"
	"github.com/oklog/ulid/v2"

	"github.com/kartamieszkanca/platform/shared/apierr"
	"github.com/kartamieszkanca/platform/shared/httpapi"
	"github.com/kartamieszkanca/platform/shared/platform"
	"github.com/kartamieszkanca/platform/shared/profile"
	"github.com/kartamieszkanca/platform/shared/store"
	"github.com/kartamieszkanca/platform/shared/task"
)

// PendingTTL is how long an unclaimed upload's record is kept (its object
// expires after a day under PendingPrefix).
const PendingTTL = 2 * 24 * time.Hour

// Purposes of an upload.
const (
	Photo      = "photo"
	Document   = "document"
	Attachment = "attachment"
)

// Content types the platform takes.
const (
	JPEG = "image/jpeg"
	PNG  = "image/png"
	PDF  = "application/pdf"
)

const mb = 1 << 20

// rules are each purpose's size limit and content types.
var rules = map[string]struct {
	limit int64
	types []string
}{
	Photo:      {5 * mb, []string{JPEG, PNG}},
	Document:   {10 * mb, []string{JPEG, PNG, PDF}},
	Attachment: {10 * mb, []string{JPEG, PNG, PDF}},
}

// magic is the start every file of a content type has.
var magic = map[string][]byte{
	JPEG: {0xFF, 0xD8, 0xFF},
	PNG:  {0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A},
	PDF:  []byte("%PDF-"),
}

// Limit is the largest file of a purpose, in bytes; 0 for an unknown purpose.
func Limit(purpose string) int64 { return rules[purpose].limit }

// Allowed reports whether a purpose takes a content type.
func Allowed(purpose, contentType string) bool {
	return slices.Contains(rules[purpose].types, contentType)
}

const (
	// PostTTL is how long a presigned POST may be used.
	PostTTL = 15 * time.Minute
	// GetTTL is how long a presigned GET may be used.
	GetTTL = 5 * time.Minute
	// PendingPrefix holds objects no application has claimed yet; the bucket's
	// lifecycle rule removes them after a day (infra/cdk/files.go).
	PendingPrefix = "uploads/pending/"
	// KeptPrefix holds objects Keep copied out of PendingPrefix.
	KeptPrefix = "uploads/kept/"
)

// PendingKey is where a new upload's object goes; the server makes it, so a
// client can write nowhere else.
func PendingKey(profileID, uploadID string) string {
	return PendingPrefix + profileID + "/" + uploadID
}

// KeptKey is where Keep copies a claimed upload's object.
func KeptKey(profileID, uploadID string) string { return KeptPrefix + profileID + "/" + uploadID }

// Invalid: an upload named in a request body is unknown, not the caller's, of
// the wrong purpose, or its stored object is missing or not what was declared.
var Invalid = apierr.Register("upload_invalid", http.StatusUnprocessableEntity)

// View is an upload as the API shows it.
type View struct {
	UploadID    string `json:"uploadId"`
	Purpose     string `json:"purpose"`
	ContentType string `json:"contentType"`
	Size        int64  `json:"size"`
	Status      string `json:"status"`
}

// ToView is the API's view of an upload.
func ToView(u *Upload) View {
	return View{UploadID: u.UploadID, Purpose: u.Purpose, ContentType: u.ContentType, Size: u.Size, Status: u.Status}
}

// Created is the answer to POST /profiles/{profileId}/uploads: the form to POST
// the file with (url, and fields sent before the file field "file").
type Created struct {
	UploadID    string            `json:"uploadId"`
	URL         string            `json:"url"`
	Fields      map[string]string `json:"fields"`
	ExpiresAt   time.Time         `json:"expiresAt"`
	Purpose     string            `json:"purpose"`
	ContentType string            `json:"contentType"`
	Size        int64             `json:"size"`
	Status      string            `json:"status"`
}

type createBody struct {
	Purpose     string `json:"purpose"`
	ContentType string `json:"contentType"`
	Size        int64  `json:"size"`
}

func (b *createBody) Validate(c *httpapi.Checks) {
	_, known := rules[b.Purpose]
	if c.Required("purpose", b.Purpose) && !known {
		c.Fail("purpose", "unknown_purpose")
	}
	if c.Required("contentType", b.ContentType) {
		ok := Allowed(b.Purpose, b.ContentType)
		if !known {
			// Judge the type on its own when the purpose is wrong too.
			ok = Allowed(Document, b.ContentType)
		}
		if !ok {
			c.Fail("contentType", "type_not_allowed")
		}
	}
	limit := Limit(b.Purpose)
	if !known {
		limit = Limit(Document)
	}
	switch {
	case b.Size <= 0:
		c.Fail("size", "out_of_range")
	case b.Size > limit:
		c.Fail("size", "too_large")
	}
}

// Create serves POST /profiles/{profileId}/uploads.
func Create(d *platform.Deps) httpapi.Handler {
	return httpapi.Body(func(ctx context.Context, r *httpapi.Request, b *createBody) (*httpapi.Response, error) {
		p, err := profile.Reach(ctx, store.Of(d), r.Account, r.Params["profileId"])
		if err != nil {
			return nil, err
		}
		id := ulid.Make().String()
		u := &Upload{
			Key: store.UploadKey(p.ProfileID, id), UploadID: id, ProfileID: p.ProfileID,
			Purpose: b.Purpose, ContentType: b.ContentType, Size: b.Size,
			ObjectKey: PendingKey(p.ProfileID, id), Status: Pending, CreatedAt: d.Now().UTC(),
			// The bucket expires pending objects after a day; the record follows.
			TTL: d.Now().Add(PendingTTL).Unix(),
		}
		post, expires, err := presignPost(ctx, d, u)
		if err != nil {
			return nil, err
		}
		tx := &store.Tx{}
		tx.Create(u, nil)
		return httpapi.JSON(http.StatusCreated, Created{
			UploadID: id, URL: post.URL, Fields: post.Values, ExpiresAt: expires,
			Purpose: u.Purpose, ContentType: u.ContentType, Size: u.Size, Status: u.Status,
		}).With(tx), nil
	})
}

// presignPost signs a form that stores exactly the declared file at the
// upload's key: S3 refuses another key, another Content-Type or another size.
func presignPost(ctx context.Context, d *platform.Deps, u *Upload) (*s3.PresignedPostRequest, time.Time, error) {
	post, err := presigner(d).PresignPostObject(ctx, &s3.PutObjectInput{
		Bucket: aws.String(d.Config.FilesBucket),
		Key:    aws.String(u.ObjectKey),
	}, func(o *s3.PresignPostOptions) {
		o.Expires = PostTTL
		o.Conditions = []any{
			map[string]string{"Content-Type": u.ContentType},
			[]any{"content-length-range", u.Size, u.Size},
		}
	})
	if err != nil {
		return nil, time.Time{}, fmt.Errorf("upload: presign post: %w", err)
	}
	// The policy is satisfied only if the form carries the Content-Type, which
	// the SDK does not add to the fields itself.
	post.Values["Content-Type"] = u.ContentType
	expires, err := policyExpiration(post.Values["policy"])
	if err != nil {
		return nil, time.Time{}, err
	}
	return post, expires, nil
}

// policyExpiration reads the expiration the SDK signed into the policy, which is
// counted from its own signing time.
func policyExpiration(policy string) (time.Time, error) {
	raw, err := base64.StdEncoding.DecodeString(policy)
	if err != nil {
		return time.Time{}, fmt.Errorf("upload: policy: %w", err)
	}
	var doc struct {
		Expiration time.Time `json:"expiration"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil || doc.Expiration.IsZero() {
		return time.Time{}, fmt.Errorf("upload: policy has no expiration: %v", err)
	}
	return doc.Expiration.UTC(), nil
}

// Every failure of an upload named in a request body is a 422 upload_invalid
// with the body's field (not a 404: the upload is a field of the request, not
// its path) and a field code: not_found (unknown, or another profile's),
// wrong_purpose, not_uploaded, empty, too_large, size_mismatch,
// content_mismatch (not a file of its type: an image that does not decode, a
// PDF without its structure), image_too_small, image_too_large (checkContent).
func invalid(field, code, msg string) error {
	return &apierr.Error{Code: Invalid, Message: msg, Fields: []apierr.FieldError{{Field: field, Code: code}}}
}

// CheckRecord checks an upload's record (nil: none of the profile's) for a
// field of purposes: the pure part of Verify.
func CheckRecord(u *Upload, field string, purposes ...string) error {
	if u == nil {
		return invalid(field, "not_found", "No such upload.")
	}
	if !slices.Contains(purposes, u.Purpose) {
		return invalid(field, "wrong_purpose", fmt.Sprintf("The upload is a %s; this field takes %s.", u.Purpose, strings.Join(purposes, " or ")))
	}
	return nil
}

// CheckObject checks that an upload's stored object is what was declared.
func CheckObject(ctx context.Context, d *platform.Deps, u *Upload, field string) error {
	size, err := headSize(ctx, d, u.ObjectKey)
	if isNotFound(err) {
		return invalid(field, "not_uploaded", "The file was not uploaded (or the upload expired).")
	}
	if err != nil {
		return s3Error(err)
	}
	switch {
	case size <= 0:
		return invalid(field, "empty", "The file is empty.")
	case size > Limit(u.Purpose):
		return invalid(field, "too_large", fmt.Sprintf("The file is larger than %d MB.", Limit(u.Purpose)/mb))
	case size != u.Size:
		return invalid(field, "size_mismatch", "The file's size is not the declared one.")
	}
	code, msg, err := checkContent(ctx, d, u.ObjectKey, u.ContentType, u.Purpose, size)
	switch {
	case errors.Is(err, errGone):
		return invalid(field, "not_uploaded", "The file was not uploaded (or the upload expired).")
	case errors.Is(err, errResized):
		return invalid(field, "size_mismatch", "The file's size is not the declared one.")
	case err != nil:
		return err
	}
	if code != "" {
		return invalid(field, code, msg)
	}
	return nil
}

// Object is an upload whose object is to be checked, with its body field.
type Object struct {
	Upload *Upload
	Field  string
}

// CheckObjects checks objects concurrently (each is a HEAD and a few ranged
// GETs); the error is that of the first object in order that failed.
func CheckObjects(ctx context.Context, d *platform.Deps, objs []Object) error {
	errs := make([]error, len(objs))
	var wg sync.WaitGroup
	for i, o := range objs {
		wg.Go(func() { errs[i] = CheckObject(ctx, d, o.Upload, o.Field) })
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// Verify reads an upload named in a request body and checks it for one of
// purposes, record and object.
func Verify(ctx context.Context, d *platform.Deps, profileID, uploadID, field string, purposes ...string) (*Upload, error) {
	var u *Upload
	if uploadID != "" {
		var rec Upload
		err := store.Of(d).Get(ctx, store.UploadKey(profileID, uploadID), &rec)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return nil, err
		}
		if err == nil {
			u = &rec
		}
	}
	if err := CheckRecord(u, field, purposes...); err != nil {
		return nil, err
	}
	if err := CheckObject(ctx, d, u, field); err != nil {
		return nil, err
	}
	return u, nil
}

// MarkVerified adds to tx the change of a verified upload's status; its
// object is copied out of the expiring pending prefix by a task after the
// commit (Keep).
func MarkVerified(tx *store.Tx, now time.Time, u *Upload) {
	u.Status = Verified
	tx.Update(store.UploadKey(u.ProfileID, u.UploadID),
		expression.Set(expression.Name("status"), expression.Value(Verified)).
			Remove(expression.Name("ttl")),
		store.Exists(),
		apierr.New(apierr.Conflict, "The upload was removed at the same time; try again."))
	if strings.HasPrefix(u.ObjectKey, PendingPrefix) {
		task.Enqueue(tx, now, TaskKeep, map[string]string{"profileId": u.ProfileID, "uploadId": u.UploadID, "from": u.ObjectKey})
	}
}

// TaskKeep copies a verified upload's object out of PendingPrefix, whose
// objects expire after a day, and points the record at the copy.
const TaskKeep = "upload.keep"

// Tasks are the handlers of the upload task kinds.
func Tasks(d *platform.Deps) map[string]task.Handler {
	return map[string]task.Handler{
		TaskKeep: func(ctx context.Context, a map[string]string) error {
			return keep(ctx, d, a["profileId"], a["uploadId"], a["from"])
		},
		TaskDelete: func(ctx context.Context, a map[string]string) error {
			return deleteObjects(ctx, d, a["profileId"], a["uploadId"])
		},
	}
}

// keep is idempotent: the copy overwrites itself, and the record moves only
// from the pending key.
func keep(ctx context.Context, d *platform.Deps, profileID, uploadID, from string) error {
	dst := KeptKey(profileID, uploadID)
	_, err := S3(d).CopyObject(ctx, &s3.CopyObjectInput{
		Bucket:     aws.String(d.Config.FilesBucket),
		Key:        &dst,
		CopySource: aws.String(url.PathEscape(d.Config.FilesBucket) + "/" + escapeKey(from)),
	})
	if isNotFound(err) {
		// Copied before and the pending object expired since: done.
		return nil
	}
	if err != nil {
		return s3Error(err)
	}
	err = store.Of(d).Update(ctx, store.UploadKey(profileID, uploadID),
		expression.Set(expression.Name("objectKey"), expression.Value(dst)),
		store.Cond(expression.Name("objectKey").Equal(expression.Value(from))), errMoved)
	if errors.Is(err, errMoved) {
		return nil
	}
	return err
}

var errMoved = errors.New("upload: already kept")

// PresignGet is a link to read an upload's object for GetTTL (operators'
// review, the card photo). The link pins the answer's type and disposition
// (servedAs), whatever the object was stored with: S3 keeps what the client
// sent, and a browser must never be told to treat a file as a page.
func PresignGet(ctx context.Context, d *platform.Deps, u *Upload) (string, time.Time, error) {
	contentType, disposition := servedAs(u)
	link, err := presignGet(ctx, d, u.ObjectKey, contentType, disposition, GetTTL, d.Now())
	if err != nil {
		return "", time.Time{}, err
	}
	expires, err := urlExpiration(link)
	if err != nil {
		return "", time.Time{}, err
	}
	return link, expires, nil
}

// extensions name served files by their type.
var extensions = map[string]string{JPEG: ".jpg", PNG: ".png", PDF: ".pdf"}

// servedAs is how a link serves an upload: its declared (and verified) type; a
// photo inline, to be shown, anything else as an attachment, to be saved. A
// type the purpose does not take (or none, as on cards issued before photos
// carried their type) is served as bytes to save.
func servedAs(u *Upload) (contentType, disposition string) {
	name := path.Base(u.ObjectKey)
	if !Allowed(u.Purpose, u.ContentType) {
		return "application/octet-stream", `attachment; filename="` + name + `"`
	}
	name += extensions[u.ContentType]
	if u.Purpose == Photo {
		return u.ContentType, `inline; filename="` + name + `"`
	}
	return u.ContentType, `attachment; filename="` + name + `"`
}

// urlExpiration reads a SigV4 query-signed URL's end from its own date and
// lifetime, which the SDK counts from its signing time.
func urlExpiration(raw string) (time.Time, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return time.Time{}, fmt.Errorf("upload: presigned url: %w", err)
	}
	q := u.Query()
	at, err := time.Parse("20060102T150405Z", q.Get("X-Amz-Date"))
	if err != nil {
		return time.Time{}, fmt.Errorf("upload: presigned url date: %w", err)
	}
	secs, err := strconv.Atoi(q.Get("X-Amz-Expires"))
	if err != nil {
		return time.Time{}, fmt.Errorf("upload: presigned url lifetime: %w", err)
	}
	return at.Add(time.Duration(secs) * time.Second).UTC(), nil
}

func escapeKey(key string) string {
	parts := strings.Split(key, "/")
	for i, p := range parts {
		parts[i] = url.PathEscape(p)
	}
	return strings.Join(parts, "/")
}

func isNotFound(err error) bool {
	var re *awshttp.ResponseError
	var se *statusError
	return errors.As(err, &re) && re.HTTPStatusCode() == http.StatusNotFound ||
		errors.As(err, &se) && se.Status == http.StatusNotFound
}

// s3Error turns S3's throttling into a 503 a client may retry; everything else
// stays internal.
func s3Error(err error) error {
	var ae smithy.APIError
	var se *statusError
	if errors.As(err, &ae) && (ae.ErrorCode() == "SlowDown" || ae.ErrorCode() == "ServiceUnavailable") ||
		errors.As(err, &se) && se.busy() {
		return &apierr.Error{Code: apierr.RetryLater, Message: "The file store is busy; try again shortly.", RetryAfter: 1}
	}
	return fmt.Errorf("upload: s3: %w", err)
}

// NotFound is the answer for an upload that is missing or another profile's,
// for callers that read upload records themselves (with other facts) first.
func NotFound(field string) error { return invalid(field, "not_found", "No such upload.") }

// Check is Verify for an upload record the caller has read from the
// profile's partition: the purpose, then the stored object.
func Check(ctx context.Context, d *platform.Deps, u *Upload, field string, purposes ...string) (*Upload, error) {
	if err := CheckRecord(u, field, purposes...); err != nil {
		return nil, err
	}
	if err := CheckObject(ctx, d, u, field); err != nil {
		return nil, err
	}
	return u, nil
}

// KeepAfter marks a verified upload claimed in tx; its object leaves the
// expiring pending prefix by a task once tx commits (MarkVerified).
func KeepAfter(tx *store.Tx, now time.Time, u *Upload) { MarkVerified(tx, now, u) }
