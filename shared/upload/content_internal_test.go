package upload

import (
	"fmt"
	"strings"
	"testing"
)

// pdfOf builds a PDF of the given body whose trailer points at the byte
// offset of mark in it (the cross-reference section), ended by end.
func pdfOf(body, mark, end string) []byte {
	off := strings.Index(body, mark)
	return []byte(body + fmt.Sprintf("startxref\n%d\n", off) + end)
}

// R14.4: the PDF structure check accepts the layouts writers produce and
// refuses files that only start like a PDF. (The API tests cover the checks
// end to end; these are the trailer's variants.)
func TestCheckPDF(t *testing.T) {
	classic := "%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\nxref\n0 2\n0000000000 65535 f \n0000000009 00000 n \ntrailer\n<< /Size 2 /Root 1 0 R >>\n"
	stream := "%PDF-1.5\n%\xE2\xE3\xCF\xD3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n2 0 obj\n<< /Type /XRef /Size 3 /W [1 2 1] /Length 12 >>\nstream\n............\nendstream\nendobj\n"
	big := "%PDF-2.0\n" + strings.Repeat("% filler line of a large document\n", 5000) + "1 0 obj\n<<>>\nendobj\nxref\n0 1\n0000000000 65535 f \ntrailer\n<< /Size 1 >>\n"
	for _, c := range []struct {
		name string
		pdf  []byte
		ok   bool
	}{
		{"a classic xref table", pdfOf(classic, "xref", "%%EOF\n"), true},
		{"CR LF line ends", pdfOf(strings.ReplaceAll(classic, "\n", "\r\n"), "xref", "%%EOF"), true},
		{"an xref stream", pdfOf(stream, "2 0 obj", "%%EOF\n"), true},
		{"an incremental update (the last section counts)", pdfOf(string(pdfOf(classic, "xref", "%%EOF\n"))+"1 0 obj\n<<>>\nendobj\nxref\n1 1\n0000000500 00000 n \ntrailer\n<< /Prev 9 >>\n", "xref\n1 1", "%%EOF\n"), true},
		{"a large file (three ranges)", pdfOf(big, "xref", "%%EOF\n"), true},
		{"trailing bytes within 1024", pdfOf(classic, "xref", "%%EOF\n"+strings.Repeat("\x00", 900)), true},
		{"%%EOF further than 1024 bytes from the end", pdfOf(classic, "xref", "%%EOF\n"+strings.Repeat("\x00", 1100)), false},
		{"no startxref", []byte(classic + "%%EOF\n"), false},
		{"startxref to the trailer", pdfOf(classic, "trailer", "%%EOF\n"), false},
		{"startxref into the header", []byte(classic + "startxref\n3\n%%EOF\n"), false},
		{"startxref past the end", []byte(classic + "startxref\n99999\n%%EOF\n"), false},
		{"startxref into an object's body", pdfOf(classic, "/Type", "%%EOF\n"), false},
		{"text between the offset and %%EOF", []byte(classic + "startxref\n44\n<script>\n%%EOF\n"), false},
		{"a header of no version", pdfOf(strings.Replace(classic, "%PDF-1.4", "%PDF-x.y", 1), "xref", "%%EOF\n"), false},
	} {
		t.Run(c.name, func(t *testing.T) {
			reads := 0
			read := func(from, to int64) ([]byte, error) {
				reads++
				return c.pdf[from:min(to+1, int64(len(c.pdf)))], nil
			}
			head := c.pdf[:min(len(c.pdf), firstRange)]
			ok, err := checkPDF(head, int64(len(c.pdf)), read)
			if err != nil || ok != c.ok {
				t.Fatalf("checkPDF = %v, %v; want %v", ok, err, c.ok)
			}
			if reads > 2 {
				t.Fatalf("%d reads after the first range", reads)
			}
		})
	}
}
