package upload_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/kartamieszkanca/platform/infra/local/testenv"
	"github.com/kartamieszkanca/platform/shared/apierr"
	"github.com/kartamieszkanca/platform/shared/store"
	"github.com/kartamieszkanca/platform/shared/upload"
)

func TestMain(m *testing.M) { testenv.Main(m) }

var (
	jpegBytes = testenv.JPEGBytes
	pngBytes  = testenv.PNGBytes
	pdfBytes  = testenv.PDFBytes
)

// resident is a logged-in resident with its own profile id.
type resident struct {
	token     string
	profileID string
}

func newResident(t *testing.T, e *testenv.Env) resident {
	t.Helper()
	_, tk := e.Resident(t)
	var p struct {
		ProfileID string `json:"profileId"`
	}
	e.Call(t, "GET", "/profiles/me", tk.IDToken, nil).Expect(t, 200).Decode(t, &p)
	return resident{tk.IDToken, p.ProfileID}
}

func create(t *testing.T, e *testenv.Env, r resident, purpose, contentType string, size int, headers ...string) upload.Created {
	t.Helper()
	var c upload.Created
	e.Call(t, "POST", "/profiles/"+r.profileID+"/uploads", r.token,
		map[string]any{"purpose": purpose, "contentType": contentType, "size": size}, headers...).Expect(t, 201).Decode(t, &c)
	return c
}

// uploads lists the upload items of a profile.
func uploads(t *testing.T, e *testenv.Env, profileID string) []upload.Upload {
	t.Helper()
	var out []upload.Upload
	_, err := store.Of(e.Deps).Query(context.Background(), store.QueryInput{
		KeyCond: expression.Key("PK").Equal(expression.Value(store.ProfilePK(profileID))).
			And(expression.Key("SK").BeginsWith(store.UploadSKPrefix)),
		Consistent: true,
	}, &out)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// postForm sends a file as a browser sends a presigned POST form: the fields
// first, the file last.
func postForm(t *testing.T, c upload.Created, content []byte) *http.Response {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for k, v := range c.Fields {
		if err := w.WriteField(k, v); err != nil {
			t.Fatal(err)
		}
	}
	part, err := w.CreateFormFile("file", "file.bin")
	if err != nil {
		t.Fatal(err)
	}
	part.Write(content)
	w.Close()
	res, err := http.Post(c.URL, w.FormDataContentType(), &buf)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res
}

// put stores an object straight through the SDK, as a client bypassing the
// policy could.
func put(t *testing.T, e *testenv.Env, key, contentType string, content []byte) {
	t.Helper()
	_, err := upload.S3(e.Deps).PutObject(context.Background(), &s3.PutObjectInput{
		Bucket: aws.String(e.Resources.Bucket), Key: aws.String(key),
		ContentType: aws.String(contentType), Body: bytes.NewReader(content),
	})
	if err != nil {
		t.Fatal(err)
	}
}

func expectInvalid(t *testing.T, err error, field, code string) {
	t.Helper()
	e := apierr.From(err)
	if e == nil || e.Code != upload.Invalid || e.Status() != 422 || len(e.Fields) != 1 ||
		e.Fields[0].Field != field || e.Fields[0].Code != code {
		t.Fatalf("got %v (%+v), want 422 upload_invalid on %s/%s", err, e, field, code)
	}
}

// R14.4: a file travels through a presigned POST whose policy fixes key, type
// and size; the stored file is then checked before use.
func TestCreateAndVerify(t *testing.T) {
	e := testenv.Get(t)
	ctx := context.Background()
	r := newResident(t, e)

	before := time.Now()
	c := create(t, e, r, upload.Photo, upload.JPEG, len(jpegBytes))
	if c.UploadID == "" || c.URL == "" || c.Status != upload.Pending || c.Purpose != upload.Photo ||
		c.ContentType != upload.JPEG || c.Size != int64(len(jpegBytes)) {
		t.Fatalf("answer %+v", c)
	}
	if d := c.ExpiresAt.Sub(before); d < upload.PostTTL-time.Minute || d > upload.PostTTL+time.Minute {
		t.Fatalf("expiresAt %s is not about 15 minutes away", c.ExpiresAt)
	}
	wantKey := upload.PendingKey(r.profileID, c.UploadID)
	if c.Fields["key"] != wantKey || c.Fields["Content-Type"] != upload.JPEG || c.Fields["X-Amz-Signature"] == "" {
		t.Fatalf("fields %v", c.Fields)
	}
	if !strings.Contains(c.URL, e.Resources.Bucket) {
		t.Fatalf("url %s does not name the bucket", c.URL)
	}

	// The local S3 enforces no policy, so read what S3 would enforce.
	raw, err := base64.StdEncoding.DecodeString(c.Fields["policy"])
	if err != nil {
		t.Fatal(err)
	}
	var policy struct {
		Expiration time.Time         `json:"expiration"`
		Conditions []json.RawMessage `json:"conditions"`
	}
	if err := json.Unmarshal(raw, &policy); err != nil {
		t.Fatal(err)
	}
	if !policy.Expiration.Equal(c.ExpiresAt) {
		t.Fatalf("policy expires %s, answer says %s", policy.Expiration, c.ExpiresAt)
	}
	conds := map[string]bool{}
	for _, c := range policy.Conditions {
		conds[string(c)] = true
	}
	for _, want := range []string{
		`{"bucket":"` + e.Resources.Bucket + `"}`,
		`{"key":"` + wantKey + `"}`,
		`{"Content-Type":"image/jpeg"}`,
		`["content-length-range",` + itoa(len(jpegBytes)) + `,` + itoa(len(jpegBytes)) + `]`,
	} {
		if !conds[want] {
			t.Errorf("policy lacks %s: %s", want, raw)
		}
	}

	items := uploads(t, e, r.profileID)
	if len(items) != 1 || items[0].UploadID != c.UploadID || items[0].Status != upload.Pending ||
		items[0].ObjectKey != wantKey || items[0].Size != int64(len(jpegBytes)) || items[0].ContentType != upload.JPEG {
		t.Fatalf("items %+v", items)
	}

	// Not uploaded yet.
	_, err = upload.Verify(ctx, e.Deps, r.profileID, c.UploadID, "data.photoUploadId", upload.Photo)
	expectInvalid(t, err, "data.photoUploadId", "not_uploaded")

	// As a browser does.
	res := postForm(t, c, jpegBytes)
	if res.StatusCode/100 != 2 {
		t.Fatalf("form POST answered %d", res.StatusCode)
	}
	u, err := upload.Verify(ctx, e.Deps, r.profileID, c.UploadID, "data.photoUploadId", upload.Photo)
	if err != nil {
		t.Fatal(err)
	}
	if u.UploadID != c.UploadID || u.ObjectKey != wantKey {
		t.Fatalf("verified %+v", u)
	}
	head, err := upload.S3(e.Deps).HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(e.Resources.Bucket), Key: aws.String(wantKey)})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(head.ContentType) != upload.JPEG {
		t.Fatalf("stored Content-Type %q", aws.ToString(head.ContentType))
	}

	// The wrong field purpose.
	_, err = upload.Verify(ctx, e.Deps, r.profileID, c.UploadID, "attachmentUploadIds[0]", upload.Attachment)
	expectInvalid(t, err, "attachmentUploadIds[0]", "wrong_purpose")

	// Claiming it: marked verified in the change's transaction; the task that
	// follows the commit moves the object out of the expiring prefix and the
	// item says so.
	tx := &store.Tx{}
	upload.MarkVerified(tx, time.Now(), u)
	if err := store.Of(e.Deps).Commit(ctx, tx); err != nil {
		t.Fatal(err)
	}
	kept := upload.KeptKey(r.profileID, c.UploadID)
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		items = uploads(t, e, r.profileID)
		if items[0].ObjectKey == kept {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the object was never kept: %+v", items[0])
		}
	}
	if items[0].Status != upload.Verified || items[0].TTL != 0 {
		t.Fatalf("after MarkVerified %+v", items[0])
	}
	u.ObjectKey = kept
	if _, err := upload.Verify(ctx, e.Deps, r.profileID, c.UploadID, "data.photoUploadId", upload.Photo); err != nil {
		t.Fatalf("verify after keep: %v", err)
	}

	// Reading it back through a presigned GET.
	link, exp, err := upload.PresignGet(ctx, e.Deps, u)
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Until(exp); d < upload.GetTTL-time.Minute || d > upload.GetTTL+time.Minute {
		t.Fatalf("GET link expires at %s", exp)
	}
	got, err := http.Get(link)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(got.Body)
	got.Body.Close()
	if got.StatusCode != 200 || !bytes.Equal(body, jpegBytes) {
		t.Fatalf("GET %d, %d bytes", got.StatusCode, len(body))
	}

	// A removed upload item cannot be marked.
	gone := *u
	gone.UploadID = "01ARZ3NDEKTSV4RRFFQ69G5FAV"
	tx = &store.Tx{}
	upload.MarkVerified(tx, time.Now(), &gone)
	if err := store.Of(e.Deps).Commit(ctx, tx); !apierr.Is(err, apierr.Conflict) {
		t.Fatalf("mark missing: %v", err)
	}
}

// R14.4: the other types and purposes go through the same way.
func TestDocumentsAndAttachments(t *testing.T) {
	e := testenv.Get(t)
	ctx := context.Background()
	r := newResident(t, e)
	for _, tc := range []struct {
		purpose, contentType string
		content              []byte
	}{
		{upload.Photo, upload.PNG, pngBytes},
		{upload.Document, upload.PDF, pdfBytes},
		{upload.Document, upload.JPEG, jpegBytes},
		{upload.Attachment, upload.PNG, pngBytes},
	} {
		c := create(t, e, r, tc.purpose, tc.contentType, len(tc.content))
		if res := postForm(t, c, tc.content); res.StatusCode/100 != 2 {
			t.Fatalf("%s %s: form POST %d", tc.purpose, tc.contentType, res.StatusCode)
		}
		if _, err := upload.Verify(ctx, e.Deps, r.profileID, c.UploadID, "f", upload.Document, upload.Attachment, upload.Photo); err != nil {
			t.Fatalf("%s %s: %v", tc.purpose, tc.contentType, err)
		}
	}
	// The limits themselves are allowed.
	create(t, e, r, upload.Photo, upload.JPEG, 5<<20)
	create(t, e, r, upload.Attachment, upload.PDF, 10<<20)
}

// R14.4, R14.2: wrong type or size is a 422 with field errors, and nothing is stored.
func TestCreateRefusesBadFiles(t *testing.T) {
	e := testenv.Get(t)
	r := newResident(t, e)
	for _, tc := range []struct {
		name  string
		body  map[string]any
		field string
		code  string
	}{
		{"wrong type", map[string]any{"purpose": "document", "contentType": "text/html", "size": 10}, "contentType", "type_not_allowed"},
		{"photo as PDF", map[string]any{"purpose": "photo", "contentType": "application/pdf", "size": 10}, "contentType", "type_not_allowed"},
		{"photo too large", map[string]any{"purpose": "photo", "contentType": "image/png", "size": 5<<20 + 1}, "size", "too_large"},
		{"document too large", map[string]any{"purpose": "document", "contentType": "application/pdf", "size": 10<<20 + 1}, "size", "too_large"},
		{"unknown purpose", map[string]any{"purpose": "avatar", "contentType": "image/png", "size": 10}, "purpose", "unknown_purpose"},
		{"size 0", map[string]any{"purpose": "attachment", "contentType": "image/png", "size": 0}, "size", "out_of_range"},
		{"negative size", map[string]any{"purpose": "attachment", "contentType": "image/png", "size": -5}, "size", "out_of_range"},
		{"no purpose", map[string]any{"contentType": "image/png", "size": 10}, "purpose", "required"},
		{"fractional size", map[string]any{"purpose": "attachment", "contentType": "image/png", "size": 1.5}, "size", "type"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := e.Call(t, "POST", "/profiles/"+r.profileID+"/uploads", r.token, tc.body).Expect(t, 422).Problem(t)
			found := false
			for _, f := range p.Errors {
				found = found || (f.Field == tc.field && f.Code == tc.code)
			}
			if p.Code != string(apierr.Validation) || !found {
				t.Fatalf("problem %+v, want %s/%s", p, tc.field, tc.code)
			}
		})
	}
	e.Call(t, "POST", "/profiles/"+r.profileID+"/uploads", r.token,
		`{"purpose":"photo","contentType":"image/png","size":10,"key":"uploads/x"}`).Expect(t, 400)
	if items := uploads(t, e, r.profileID); len(items) != 0 {
		t.Fatalf("refused requests stored %d uploads", len(items))
	}
}

// R14.3: another resident's profile is 404, and nothing is stored there.
func TestCreateOnlyOwnProfiles(t *testing.T) {
	e := testenv.Get(t)
	a, b := newResident(t, e), newResident(t, e)
	body := map[string]any{"purpose": "photo", "contentType": "image/png", "size": 10}
	p := e.Call(t, "POST", "/profiles/"+a.profileID+"/uploads", b.token, body).Expect(t, 404).Problem(t)
	if p.Code != string(apierr.NotFound) {
		t.Fatalf("problem %+v", p)
	}
	e.Call(t, "POST", "/profiles/"+a.profileID+"/uploads", "", body).Expect(t, 401)
	if items := uploads(t, e, a.profileID); len(items) != 0 {
		t.Fatalf("stored %d uploads on another's profile", len(items))
	}
	// "me" is the caller's own profile.
	var c upload.Created
	e.Call(t, "POST", "/profiles/me/uploads", b.token, body).Expect(t, 201).Decode(t, &c)
	if c.Fields["key"] != upload.PendingKey(b.profileID, c.UploadID) {
		t.Fatalf("key %s", c.Fields["key"])
	}
}

// R14.4: the stored object is checked, whatever the client sent to S3.
func TestVerifyRefusesLies(t *testing.T) {
	e := testenv.Get(t)
	ctx := context.Background()
	a, b := newResident(t, e), newResident(t, e)

	// Declared PNG, stored text.
	c := create(t, e, a, upload.Document, upload.PNG, 64)
	put(t, e, c.Fields["key"], upload.PNG, bytes.Repeat([]byte("not an image "), 5)[:64])
	_, err := upload.Verify(ctx, e.Deps, a.profileID, c.UploadID, "documentUploadIds[0]", upload.Document)
	expectInvalid(t, err, "documentUploadIds[0]", "content_mismatch")

	// A form carrying another file than declared: S3 refuses it by the policy;
	// the local S3 takes it, and Verify must not.
	c = create(t, e, a, upload.Photo, upload.PNG, len(pngBytes))
	if res := postForm(t, c, jpegBytes); res.StatusCode/100 == 2 {
		_, err = upload.Verify(ctx, e.Deps, a.profileID, c.UploadID, "data.photoUploadId", upload.Photo)
		expectInvalid(t, err, "data.photoUploadId", "size_mismatch")
	}

	// Declared PDF, stored JPEG.
	c = create(t, e, a, upload.Attachment, upload.PDF, len(jpegBytes))
	put(t, e, c.Fields["key"], upload.PDF, jpegBytes)
	_, err = upload.Verify(ctx, e.Deps, a.profileID, c.UploadID, "f", upload.Attachment)
	expectInvalid(t, err, "f", "content_mismatch")

	// Larger than the purpose allows.
	c = create(t, e, a, upload.Photo, upload.JPEG, 1000)
	big := append(append([]byte{}, jpegBytes...), make([]byte, 5<<20)...)
	put(t, e, c.Fields["key"], upload.JPEG, big)
	_, err = upload.Verify(ctx, e.Deps, a.profileID, c.UploadID, "data.photoUploadId", upload.Photo)
	expectInvalid(t, err, "data.photoUploadId", "too_large")

	// Within the limit but not the declared size.
	c = create(t, e, a, upload.Photo, upload.JPEG, 1000)
	put(t, e, c.Fields["key"], upload.JPEG, jpegBytes)
	_, err = upload.Verify(ctx, e.Deps, a.profileID, c.UploadID, "data.photoUploadId", upload.Photo)
	expectInvalid(t, err, "data.photoUploadId", "size_mismatch")

	// Empty.
	c = create(t, e, a, upload.Photo, upload.JPEG, 10)
	put(t, e, c.Fields["key"], upload.JPEG, nil)
	_, err = upload.Verify(ctx, e.Deps, a.profileID, c.UploadID, "data.photoUploadId", upload.Photo)
	expectInvalid(t, err, "data.photoUploadId", "empty")

	// Missing object.
	c = create(t, e, a, upload.Photo, upload.PNG, len(pngBytes))
	_, err = upload.Verify(ctx, e.Deps, a.profileID, c.UploadID, "data.photoUploadId", upload.Photo)
	expectInvalid(t, err, "data.photoUploadId", "not_uploaded")

	// Another profile's upload, even a good one, is unknown to this profile.
	put(t, e, c.Fields["key"], upload.PNG, pngBytes)
	if _, err := upload.Verify(ctx, e.Deps, a.profileID, c.UploadID, "data.photoUploadId", upload.Photo); err != nil {
		t.Fatal(err)
	}
	_, err = upload.Verify(ctx, e.Deps, b.profileID, c.UploadID, "data.photoUploadId", upload.Photo)
	expectInvalid(t, err, "data.photoUploadId", "not_found")

	// Unknown ids.
	_, err = upload.Verify(ctx, e.Deps, a.profileID, "01ARZ3NDEKTSV4RRFFQ69G5FAV", "f", upload.Photo)
	expectInvalid(t, err, "f", "not_found")
	_, err = upload.Verify(ctx, e.Deps, a.profileID, "", "f", upload.Photo)
	expectInvalid(t, err, "f", "not_found")
}

// A retried create with the same Idempotency-Key answers the first upload.
func TestCreateIdempotent(t *testing.T) {
	e := testenv.Get(t)
	r := newResident(t, e)
	body := map[string]any{"purpose": "document", "contentType": "application/pdf", "size": 2048}
	key := "6f0c8a52-1d7e-4b8e-9a51-3c1f0e2d4b6a"
	var first, again upload.Created
	e.Call(t, "POST", "/profiles/"+r.profileID+"/uploads", r.token, body, "Idempotency-Key", key).Expect(t, 201).Decode(t, &first)
	res := e.Call(t, "POST", "/profiles/"+r.profileID+"/uploads", r.token, body, "Idempotency-Key", key).Expect(t, 201)
	res.Decode(t, &again)
	if again.UploadID != first.UploadID || again.Fields["key"] != first.Fields["key"] || res.Header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("retry answered %+v after %+v", again, first)
	}
	if items := uploads(t, e, r.profileID); len(items) != 1 {
		t.Fatalf("%d uploads after a retry", len(items))
	}
	body["size"] = 4096
	p := e.Call(t, "POST", "/profiles/"+r.profileID+"/uploads", r.token, body, "Idempotency-Key", key).Expect(t, 422).Problem(t)
	if p.Code != string(apierr.IdempotencyKeyReused) {
		t.Fatalf("problem %+v", p)
	}
	// Without a key every call is a new upload.
	var other upload.Created
	e.Call(t, "POST", "/profiles/"+r.profileID+"/uploads", r.token, body).Expect(t, 201).Decode(t, &other)
	if other.UploadID == first.UploadID {
		t.Fatal("a new request reused the upload id")
	}
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// withMetadata puts n APP1 segments of 64 KB (as EXIF, XMP and ICC data are
// stored) between a JPEG's start and its frame header.
func withMetadata(jpeg []byte, n int) []byte {
	out := append([]byte{}, jpeg[:2]...)
	for range n {
		seg := make([]byte, 0xFFFF-2)
		copy(seg, "Exif\x00\x00")
		out = append(out, 0xFF, 0xE1, 0xFF, 0xFF)
		out = append(out, seg...)
	}
	return append(out, jpeg[2:]...)
}

// R14.4: an image's header is found behind megabytes of metadata (the check
// reads on in growing ranges), and a photo's dimensions are bounded.
func TestVerifyReadsImageHeaders(t *testing.T) {
	e := testenv.Get(t)
	ctx := context.Background()
	r := newResident(t, e)
	for _, tc := range []struct {
		name, purpose, contentType string
		content                    []byte
		code                       string
	}{
		{"a header behind 320 KB of metadata", upload.Photo, upload.JPEG, withMetadata(testenv.JPEG(400, 500), 5), ""},
		{"a header behind 4.5 MB of metadata", upload.Photo, upload.JPEG, withMetadata(testenv.JPEG(400, 500), 70), ""},
		{"metadata and no frame", upload.Photo, upload.JPEG, withMetadata([]byte{0xFF, 0xD8, 0xFF, 0xD9}, 3), "content_mismatch"},
		{"the smallest photo", upload.Photo, upload.PNG, testenv.PNG(upload.PhotoMinSide, upload.PhotoMinSide), ""},
		{"a photo a pixel too narrow", upload.Photo, upload.PNG, testenv.PNG(upload.PhotoMinSide-1, 600), "image_too_small"},
		{"a small document image", upload.Document, upload.PNG, testenv.PNG(20, 20), ""},
		{"an image a pixel too wide", upload.Attachment, upload.PNG, testenv.PNG(upload.MaxSide+1, 1), "image_too_large"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := create(t, e, r, tc.purpose, tc.contentType, len(tc.content))
			put(t, e, c.Fields["key"], tc.contentType, tc.content)
			_, err := upload.Verify(ctx, e.Deps, r.profileID, c.UploadID, "f", tc.purpose)
			if tc.code == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			expectInvalid(t, err, "f", tc.code)
		})
	}
}
