package application_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"hash/crc32"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/kartamieszkanca/platform/infra/local/testenv"
	"github.com/kartamieszkanca/platform/shared/store"
	"github.com/kartamieszkanca/platform/shared/upload"
)

// Files that start like their declared type and are something else.
var (
	// JPEG's magic bytes, then a page: what a browser would run if it were
	// served as HTML.
	jpegThenHTML = append([]byte{0xFF, 0xD8, 0xFF}, []byte("<html><body><script>alert(document.cookie)</script></body></html>")...)
	pngThenText  = append([]byte{0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'}, bytes.Repeat([]byte("not an image "), 10)...)
	// A PDF header and nothing of a PDF's structure.
	pdfHeaderOnly = append([]byte("%PDF-1.7\n"), bytes.Repeat([]byte("0"), 512)...)
	pdfThenHTML   = []byte("%PDF-1.7\n<html><body><script>alert(1)</script></body></html>\n")
	// A trailer whose cross-reference offset points into nothing of the kind.
	pdfBadXref = []byte("%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\nGARBAGE HERE\ntrailer\n<< /Root 1 0 R >>\nstartxref\n44\n%%EOF\n")
	// A trailer pointing past the end of the file.
	pdfXrefBeyond = []byte("%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\nstartxref\n99999\n%%EOF\n")
	// No %%EOF at all.
	pdfNoEOF = bytes.TrimSuffix(testenv.PDF(), []byte("%%EOF\n"))
)

// pngHeader is a PNG whose header declares w×h pixels and that holds no
// pixels: the decompression bomb's first bytes, which is all a viewer needs
// to allocate the whole picture.
func pngHeader(w, h uint32) []byte {
	out := []byte{0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'}
	chunk := func(typ string, data []byte) {
		out = binary.BigEndian.AppendUint32(out, uint32(len(data)))
		body := append([]byte(typ), data...)
		out = append(out, body...)
		out = binary.BigEndian.AppendUint32(out, crc32.ChecksumIEEE(body))
	}
	ihdr := binary.BigEndian.AppendUint32(nil, w)
	ihdr = binary.BigEndian.AppendUint32(ihdr, h)
	ihdr = append(ihdr, 8, 2, 0, 0, 0) // 8-bit RGB
	chunk("IHDR", ihdr)
	chunk("IDAT", []byte{0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01})
	chunk("IEND", nil)
	return out
}

// cardDraft creates a complete card application draft naming the files.
func cardDraft(t *testing.T, e *testenv.Env, p person, photo, doc string) app {
	t.Helper()
	return draft(t, e, p, "card_issue", map[string]any{"firstName": "Anna", "lastName": "Nowak", "birthDate": "1990-04-12",
		"cardKind": "virtual", "photoUploadId": photo, "documentUploadIds": []string{doc}, "consents": consents})
}

// R14.4 (issue 7, item 7): submit checks that a photo decodes as an image of
// sensible dimensions and a document is of its type (a PDF's structure, an
// image's header), not just its first bytes; a refused file leaves the draft
// a draft.
func TestSubmitRefusesFilesThatAreNotTheirType(t *testing.T) {
	e := testenv.Get(t)
	p := newPerson(t, e)
	goodPhoto := e.Upload(t, p.token, p.profile, "photo", "image/jpeg", testenv.JPEGBytes)
	goodDoc := e.Upload(t, p.token, p.profile, "document", "application/pdf", testenv.PDFBytes)
	cases := []struct {
		name, purpose, contentType string
		content                    []byte
		field, code                string
	}{
		{"JPEG magic then HTML as the photo", "photo", "image/jpeg", jpegThenHTML, "data.photoUploadId", "content_mismatch"},
		{"PNG magic then text as the photo", "photo", "image/png", pngThenText, "data.photoUploadId", "content_mismatch"},
		{"a JPEG declared as PNG", "photo", "image/png", testenv.JPEG(400, 400), "data.photoUploadId", "content_mismatch"},
		{"a photo too small for a card", "photo", "image/png", testenv.PNG(40, 50), "data.photoUploadId", "image_too_small"},
		{"a photo of a billion pixels", "photo", "image/png", pngHeader(40000, 30000), "data.photoUploadId", "image_too_large"},
		{"a document image too tall", "document", "image/png", pngHeader(1, 100000), "data.documentUploadIds[0]", "image_too_large"},
		{"JPEG magic then HTML as a document", "document", "image/jpeg", jpegThenHTML, "data.documentUploadIds[0]", "content_mismatch"},
		{"a PDF header and zeros", "document", "application/pdf", pdfHeaderOnly, "data.documentUploadIds[0]", "content_mismatch"},
		{"a PDF header then HTML", "document", "application/pdf", pdfThenHTML, "data.documentUploadIds[0]", "content_mismatch"},
		{"a PDF whose xref offset points at garbage", "document", "application/pdf", pdfBadXref, "data.documentUploadIds[0]", "content_mismatch"},
		{"a PDF whose xref offset is past its end", "document", "application/pdf", pdfXrefBeyond, "data.documentUploadIds[0]", "content_mismatch"},
		{"a PDF without %%EOF", "document", "application/pdf", pdfNoEOF, "data.documentUploadIds[0]", "content_mismatch"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			id := e.Upload(t, p.token, p.profile, c.purpose, c.contentType, c.content)
			photo, doc := goodPhoto, goodDoc
			if c.purpose == "photo" {
				photo = id
			} else {
				doc = id
			}
			a := cardDraft(t, e, p, photo, doc)
			pr := e.Call(t, "POST", p.path("/applications/"+a.ApplicationID+"/submit"), p.token, nil).Expect(t, 422).Problem(t)
			if pr.Code != string(upload.Invalid) || len(pr.Errors) != 1 || pr.Errors[0].Field != c.field || pr.Errors[0].Code != c.code {
				t.Fatalf("problem %+v, want upload_invalid %s on %s", pr, c.code, c.field)
			}
			var after app
			e.Call(t, "GET", p.path("/applications/"+a.ApplicationID), p.token, nil).Expect(t, 200).Decode(t, &after)
			if after.Status != "draft" {
				t.Fatalf("status %s after a refused submit", after.Status)
			}
			e.Call(t, "DELETE", p.path("/applications/"+a.ApplicationID), p.token, nil).Expect(t, 204)
		})
	}

	// Real files of every allowed type pass: a PNG photo, a JPEG and a PNG
	// document beside the PDF.
	photo := e.Upload(t, p.token, p.profile, "photo", "image/png", testenv.PNG(300, 300))
	jpegDoc := e.Upload(t, p.token, p.profile, "document", "image/jpeg", testenv.JPEG(1240, 1754))
	pngDoc := e.Upload(t, p.token, p.profile, "document", "image/png", testenv.PNG(200, 100))
	a := draft(t, e, p, "card_issue", map[string]any{"firstName": "Anna", "lastName": "Nowak", "birthDate": "1990-04-12",
		"cardKind": "virtual", "photoUploadId": photo, "documentUploadIds": []string{goodDoc, jpegDoc, pngDoc}, "consents": consents})
	e.Call(t, "POST", p.path("/applications/"+a.ApplicationID+"/submit"), p.token, nil).Expect(t, 200)
}

// R14.4: acceptance checks the stored files again: a photo replaced by a page
// after submit is refused, and the application stays undecided.
func TestAcceptRefusesAFileReplacedSinceSubmit(t *testing.T) {
	e := testenv.Get(t)
	p := newPerson(t, e)
	op := e.Staff(t, "operator@example.com").AccessToken
	photo := e.Upload(t, p.token, p.profile, "photo", "image/jpeg", testenv.JPEGBytes)
	doc := e.Upload(t, p.token, p.profile, "document", "application/pdf", testenv.PDFBytes)
	a := cardDraft(t, e, p, photo, doc)
	e.Call(t, "POST", p.path("/applications/"+a.ApplicationID+"/submit"), p.token, nil).Expect(t, 200)

	// The task after the submit moves the photo out of the pending prefix;
	// then it is replaced there. Same size, so only the content check can tell.
	waitKept(t, e, p.profile, photo)
	page := append(append([]byte{}, jpegThenHTML...), bytes.Repeat([]byte(" "), len(testenv.JPEGBytes)-len(jpegThenHTML))...)
	putObject(t, e, upload.KeptKey(p.profile, photo), "text/html", page)
	pr := decide(t, e, op, a.ApplicationID, "accept", "").Expect(t, 422).Problem(t)
	if pr.Code != string(upload.Invalid) || len(pr.Errors) != 1 || pr.Errors[0].Field != "data.photoUploadId" || pr.Errors[0].Code != "content_mismatch" {
		t.Fatalf("problem %+v", pr)
	}
	var after app
	e.Call(t, "GET", p.path("/applications/"+a.ApplicationID), p.token, nil).Expect(t, 200).Decode(t, &after)
	if after.Status != "submitted" || len(cards(t, e, p)) != 0 {
		t.Fatalf("after a refused acceptance: %s, %d cards", after.Status, len(cards(t, e, p)))
	}
}

// R14.4, R11.1, R4.3: every presigned GET pins the answer's type and
// disposition in its signed query, so the object's stored type (whatever a
// client sent to S3) never decides how a browser treats it: photos show
// inline as their verified type, documents download.
func TestPresignedLinksPinTypeAndDisposition(t *testing.T) {
	e := testenv.Get(t)
	p := newPerson(t, e)
	op := e.Staff(t, "operator@example.com").AccessToken
	photo := e.Upload(t, p.token, p.profile, "photo", "image/jpeg", testenv.JPEGBytes)
	doc := e.Upload(t, p.token, p.profile, "document", "application/pdf", testenv.PDFBytes)
	a := cardDraft(t, e, p, photo, doc)
	e.Call(t, "POST", p.path("/applications/"+a.ApplicationID+"/submit"), p.token, nil).Expect(t, 200)
	// The same bytes, stored as a page: the content checks pass, and the
	// links must still not serve them as HTML.
	putObject(t, e, upload.KeptKey(p.profile, photo), "text/html", testenv.JPEGBytes)
	putObject(t, e, upload.KeptKey(p.profile, doc), "text/html", testenv.PDFBytes)

	var review struct {
		Files []struct {
			UploadID string `json:"uploadId"`
			URL      string `json:"url"`
		} `json:"files"`
	}
	e.Call(t, "GET", "/operator/applications/"+a.ApplicationID, op, nil).Expect(t, 200).Decode(t, &review)
	want := map[string][2]string{
		photo: {"image/jpeg", `inline; filename="` + photo + `.jpg"`},
		doc:   {"application/pdf", `attachment; filename="` + doc + `.pdf"`},
	}
	if len(review.Files) != 2 {
		t.Fatalf("files %+v", review.Files)
	}
	for _, f := range review.Files {
		w, ok := want[f.UploadID]
		if !ok {
			t.Fatalf("file %s", f.UploadID)
		}
		expectPinned(t, f.URL, w[0], w[1])
	}

	decide(t, e, op, a.ApplicationID, "accept", "").Expect(t, 200)
	cs := cards(t, e, p)
	if len(cs) != 1 || cs[0].PhotoURL == nil {
		t.Fatalf("cards %+v", cs)
	}
	expectPinned(t, *cs[0].PhotoURL, "image/jpeg", `inline; filename="`+photo+`.jpg"`)

	// A card issued before photos kept their type: its photo downloads as bytes.
	err := store.Of(e.Deps).Update(context.Background(), store.CardKey(p.profile, cs[0].CardID),
		expression.Remove(expression.Name("photoType")), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	expectPinned(t, *cards(t, e, p)[0].PhotoURL, "application/octet-stream", `attachment; filename="`+photo+`"`)
}

// expectPinned checks a presigned GET's signed query and what S3 answers it.
func expectPinned(t *testing.T, link, contentType, disposition string) {
	t.Helper()
	u, err := url.Parse(link)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	if q.Get("response-content-type") != contentType || q.Get("response-content-disposition") != disposition || q.Get("X-Amz-Signature") == "" {
		t.Fatalf("link %s does not pin %s, %s", link, contentType, disposition)
	}
	res, err := http.Get(link)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != contentType || res.Header.Get("Content-Disposition") != disposition {
		t.Fatalf("GET %s: %d, %q, %q", link, res.StatusCode, res.Header.Get("Content-Type"), res.Header.Get("Content-Disposition"))
	}
	if strings.Contains(res.Header.Get("Content-Type"), "html") {
		t.Fatal("served as HTML")
	}
}

// putObject replaces a stored object behind the API's back, as a client
// holding an old form or the bucket's owner could.
func putObject(t *testing.T, e *testenv.Env, key, contentType string, content []byte) {
	t.Helper()
	_, err := upload.S3(e.Deps).PutObject(context.Background(), &s3.PutObjectInput{
		Bucket: aws.String(e.Resources.Bucket), Key: aws.String(key),
		ContentType: aws.String(contentType), Body: bytes.NewReader(content),
	})
	if err != nil {
		t.Fatal(err)
	}
}

// waitKept waits for the task that follows a submit to move an upload's
// object to its kept key (bounded: it guards against loss, not slowness).
func waitKept(t *testing.T, e *testenv.Env, profileID, uploadID string) {
	t.Helper()
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		var u upload.Upload
		if err := store.Of(e.Deps).Get(context.Background(), store.UploadKey(profileID, uploadID), &u); err != nil {
			t.Fatal(err)
		}
		if u.ObjectKey == upload.KeptKey(profileID, uploadID) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("upload %s never kept", uploadID)
		}
	}
}
