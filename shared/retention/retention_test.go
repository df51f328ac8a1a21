package retention_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/kartamieszkanca/platform/infra/local/testenv"
	"github.com/kartamieszkanca/platform/shared/citytime"
	"github.com/kartamieszkanca/platform/shared/store"
	"github.com/kartamieszkanca/platform/shared/upload"
)

func TestMain(m *testing.M) { testenv.Main(m) }

type summary struct {
	Day           string `json:"day"`
	DecidedBy     string `json:"decidedBy"`
	RetentionDays int    `json:"retentionDays"`
	ItemsRead     int    `json:"itemsRead"`
	Deleted       int    `json:"deleted"`
	Skipped       int    `json:"skipped"`
	Failed        int    `json:"failed"`
}

func runJob(t *testing.T, e *testenv.Env, now time.Time) summary {
	t.Helper()
	var a struct {
		Summary summary `json:"summary"`
		Error   string  `json:"error"`
	}
	e.Call(t, "POST", "/_local/jobs/documents-retention", "", map[string]string{"now": now.Format(time.RFC3339)}).Expect(t, 200).Decode(t, &a)
	if a.Error != "" || a.Summary.Day != citytime.Today(now) {
		t.Fatalf("run for %s: %+v %q", now, a.Summary, a.Error)
	}
	return a.Summary
}

func record(t *testing.T, e *testenv.Env, profileID, uploadID string) upload.Upload {
	t.Helper()
	var u upload.Upload
	if err := store.Of(e.Deps).Get(context.Background(), store.UploadKey(profileID, uploadID), &u); err != nil {
		t.Fatal(err)
	}
	return u
}

func exists(t *testing.T, e *testenv.Env, key string) bool {
	t.Helper()
	c := s3.NewFromConfig(e.AWS, func(o *s3.Options) { o.UsePathStyle = true })
	_, err := c.HeadObject(context.Background(), &s3.HeadObjectInput{Bucket: &e.Resources.Bucket, Key: aws.String(key)})
	if err == nil {
		return true
	}
	var nf interface{ ErrorCode() string }
	if errors.As(err, &nf) && (nf.ErrorCode() == "NotFound" || nf.ErrorCode() == "NoSuchKey") {
		return false
	}
	t.Fatal(err)
	return false
}

// R15.5: a decided application's documents are deleted 30 days (the default)
// after the decision by the daily job, which reads only the index of what is
// due; the record keeps its metadata and the file's SHA-256; the photo (on
// the card) stays; a rerun deletes nothing twice.
func TestDocumentsDeletedAfterTheRetention(t *testing.T) {
	e := testenv.Get(t)
	h := e.NewHolder(t)
	data := e.CardData(t, h, h.ProfileID, nil)
	doc := data["documentUploadIds"].([]string)[0]
	photo := data["photoUploadId"].(string)
	e.Accept(t, e.Apply(t, h, h.ProfileID, "card_issue", data))
	decided := time.Now()
	u := record(t, e, h.ProfileID, doc)
	if u.GSI2PK == "" || u.Status != upload.Verified {
		t.Fatalf("the document is not in the retention index after the decision: %+v", u)
	}
	// The object moves to the kept prefix after submit (a task).
	deadline := time.Now().Add(60 * time.Second)
	for !exists(t, e, upload.KeptKey(h.ProfileID, doc)) {
		if time.Now().After(deadline) {
			t.Fatal("the document was never kept")
		}
		time.Sleep(100 * time.Millisecond)
	}

	// Day 29 after the decision: not yet.
	day := citytime.Day(decided)
	if s := runJob(t, e, citytime.Start(day.AddDate(0, 0, 29)).Add(150*time.Minute)); s.Deleted != 0 || s.ItemsRead != 0 || s.RetentionDays != 30 {
		t.Fatalf("day 29: %+v", s)
	}
	// Day 30: deleted.
	at := citytime.Start(day.AddDate(0, 0, 30)).Add(150 * time.Minute)
	if s := runJob(t, e, at); s.Deleted != 1 || s.ItemsRead != 1 || s.Failed != 0 {
		t.Fatalf("day 30: %+v", s)
	}
	sum := sha256.Sum256(testenv.PDFBytes)
	u = record(t, e, h.ProfileID, doc)
	if u.Status != upload.Deleted || u.SHA256 != hex.EncodeToString(sum[:]) || u.DeletedAt == nil || u.GSI2PK != "" ||
		u.Size != int64(len(testenv.PDFBytes)) || u.ContentType != "application/pdf" {
		t.Fatalf("the record after deletion: %+v", u)
	}
	deadline = time.Now().Add(60 * time.Second)
	for exists(t, e, upload.KeptKey(h.ProfileID, doc)) {
		if time.Now().After(deadline) {
			t.Fatal("the document's object was never deleted")
		}
		time.Sleep(100 * time.Millisecond)
	}
	if !exists(t, e, upload.KeptKey(h.ProfileID, photo)) {
		t.Fatal("the card's photo was deleted")
	}
	// A rerun, the same day and later, deletes nothing twice.
	if s := runJob(t, e, at); s.Deleted != 0 || s.Failed != 0 {
		t.Fatalf("rerun: %+v", s)
	}
	if s := runJob(t, e, at.AddDate(0, 0, 3)); s.Deleted != 0 || s.Failed != 0 {
		t.Fatalf("later run: %+v", s)
	}
	if u2 := record(t, e, h.ProfileID, doc); u2.DeletedAt == nil || !u2.DeletedAt.Equal(*u.DeletedAt) {
		t.Fatalf("the rerun touched the record: %+v", u2)
	}
}

// R15.5: a rejection is a decision too; a run missed for days catches up.
func TestRejectedDocumentsAndLateRuns(t *testing.T) {
	e := testenv.Get(t)
	h := e.NewHolder(t)
	data := e.CardData(t, h, h.ProfileID, nil)
	doc := data["documentUploadIds"].([]string)[0]
	id := e.Apply(t, h, h.ProfileID, "card_issue", data)
	op := e.Staff(t, "operator@example.com").AccessToken
	e.Call(t, "POST", "/operator/applications/"+id+"/decision", op, map[string]string{"decision": "reject", "comment": "Nieczytelny dokument"}).Expect(t, 200)
	if u := record(t, e, h.ProfileID, doc); u.GSI2PK == "" {
		t.Fatalf("a rejected application's document is not indexed: %+v", u)
	}
	late := citytime.Start(citytime.Day(time.Now()).AddDate(0, 0, 45)).Add(150 * time.Minute)
	s := runJob(t, e, late)
	if s.Failed != 0 || record(t, e, h.ProfileID, doc).Status != upload.Deleted {
		t.Fatalf("late run: %+v", s)
	}
}
