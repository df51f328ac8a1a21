package testenv

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"testing"
)

// Sample files that pass the platform's content checks: a photo-sized JPEG and
// PNG and a small well-formed PDF.
var (
	JPEGBytes = JPEG(360, 480)
	PNGBytes  = PNG(360, 480)
	PDFBytes  = PDF()
)

// sample is a w×h picture with some detail (a flat one compresses to nothing).
func sample(w, h int) image.Image {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), uint8(x ^ y), 0xFF})
		}
	}
	return img
}

// JPEG encodes a w×h picture.
func JPEG(w, h int) []byte {
	var b bytes.Buffer
	if err := jpeg.Encode(&b, sample(w, h), &jpeg.Options{Quality: 80}); err != nil {
		panic(err)
	}
	return b.Bytes()
}

// PNG encodes a w×h picture.
func PNG(w, h int) []byte {
	var b bytes.Buffer
	if err := png.Encode(&b, sample(w, h)); err != nil {
		panic(err)
	}
	return b.Bytes()
}

// PDF is a one-page PDF with a correct cross-reference table.
func PDF() []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.7\n%\xE2\xE3\xCF\xD3\n")
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
	}
	offsets := make([]int, len(objs))
	for i, o := range objs {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, xref)
	return b.Bytes()
}

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
