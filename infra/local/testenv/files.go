package testenv

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"testing"
)

// Sample file contents with the right magic bytes.
var (
	JPEGBytes = append([]byte{0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, 'J', 'F', 'I', 'F', 0}, bytes.Repeat([]byte{0x42}, 512)...)
	PDFBytes  = append([]byte("%PDF-1.7\n"), bytes.Repeat([]byte("0"), 512)...)
)

// Upload sends a file as the portal does: it asks the API for a presigned POST,
// then posts the file to S3 with the form fields, and returns the upload id.
func (e *Env) Upload(t testing.TB, token, profileID, purpose, contentType string, content []byte) string {
	t.Helper()
	var c struct {
		UploadID string            `json:"uploadId"`
		URL      string            `json:"url"`
		Fields   map[string]string `json:"fields"`
	}
	e.Call(t, "POST", "/profiles/"+profileID+"/uploads", token,
		map[string]any{"purpose": purpose, "contentType": contentType, "size": len(content)}).Expect(t, 201).Decode(t, &c)
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for k, v := range c.Fields {
		if err := w.WriteField(k, v); err != nil {
			t.Fatal(err)
		}
	}
	fw, err := w.CreateFormFile("file", "upload")
	if err != nil {
		t.Fatal(err)
	}
	_, _ = fw.Write(content)
	_ = w.Close()
	res, err := http.Post(c.URL, w.FormDataContentType(), &buf)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode/100 != 2 {
		b, _ := io.ReadAll(res.Body)
		t.Fatalf("S3 POST answered %d: %s", res.StatusCode, b)
	}
	return c.UploadID
}
