package upload

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"io"
	"net/http"
	"regexp"
	"strconv"

	"github.com/kartamieszkanca/platform/shared/platform"
)

// Image bounds. A card photo must be printable (PhotoMinSide pixels each way at
// least); no image may make a viewer (an operator's browser, a partner's
// terminal) allocate more than MaxPixels: a few bytes of header can declare a
// picture of gigabytes.
const (
	PhotoMinSide = 300
	MaxSide      = 16384
	MaxPixels    = 50_000_000
)

// Field codes of content checks (with Invalid).
const (
	codeMismatch = "content_mismatch"
	codeTooSmall = "image_too_small"
	codeTooLarge = "image_too_large"
)

// Ranges read from an object: the first, which holds the magic bytes and
// almost every image header, then growing ones for headers behind large
// metadata (JPEG's EXIF, ICC and XMP segments come before the frame header).
const (
	firstRange = 64 << 10
	maxRange   = 4 << 20
	// pdfTail is the end of a PDF read for its trailer: %%EOF must be within
	// its last 1024 bytes (as readers require), and startxref precedes it.
	pdfTail = 2048
)

// Objects changed under the checks: removed, or replaced by one of another size.
var (
	errGone    = errors.New("upload: object gone")
	errResized = errors.New("upload: object resized")
)

// object reads byte ranges of one stored object of a known size.
type object struct {
	ctx  context.Context
	d    *platform.Deps
	key  string
	size int64
}

// read returns bytes [from, to] of the object, to clamped to its end.
func (o *object) read(from, to int64) ([]byte, error) {
	to = min(to, o.size-1)
	if from < 0 || from > to {
		return nil, nil
	}
	// A whole object's checksum says nothing about a range of it: none is
	// asked for or checked.
	res, err := objectRequest(o.ctx, o.d, http.MethodGet, o.key, fmt.Sprintf("bytes=%d-%d", from, to))
	if isNotFound(err) {
		return nil, errGone
	}
	if err != nil {
		return nil, s3Error(err)
	}
	defer res.Body.Close()
	want := to - from + 1
	b, err := io.ReadAll(io.LimitReader(res.Body, want))
	if err != nil {
		return nil, fmt.Errorf("upload: read %s: %w", o.key, err)
	}
	if int64(len(b)) != want {
		// Shorter than HEAD said: it was replaced meanwhile.
		return nil, errResized
	}
	return b, nil
}

// stream is an io.Reader over an object from its start that fetches only as
// far as its reader reads, in growing ranges; a failed fetch is kept in err so
// that it is not taken for bad content.
type stream struct {
	o    *object
	off  int64
	buf  []byte
	step int64
	err  error
}

func (s *stream) Read(p []byte) (int, error) {
	if len(s.buf) == 0 {
		if s.off >= s.o.size {
			return 0, io.EOF
		}
		b, err := s.o.read(s.off, s.off+s.step-1)
		if err != nil {
			s.err = err
			return 0, err
		}
		s.buf, s.off, s.step = b, s.off+int64(len(b)), min(s.step*4, maxRange)
	}
	n := copy(p, s.buf)
	s.buf = s.buf[n:]
	return n, nil
}

// checkContent says whether an object is a file of its declared type: a
// field code when it is not, an error when it could not be read.
func checkContent(ctx context.Context, d *platform.Deps, key, contentType, purpose string, size int64) (code, msg string, err error) {
	o := &object{ctx: ctx, d: d, key: key, size: size}
	head, err := o.read(0, firstRange-1)
	if err != nil {
		return "", "", err
	}
	mismatch := "The file's content is not a " + contentType + " file."
	if want := magic[contentType]; len(want) == 0 || !bytes.HasPrefix(head, want) {
		return codeMismatch, mismatch, nil
	}
	switch contentType {
	case JPEG, PNG:
		return checkImage(o, head, contentType, purpose)
	case PDF:
		ok, err := checkPDF(head, o.size, o.read)
		if err != nil || ok {
			return "", "", err
		}
		return codeMismatch, mismatch, nil
	}
	return codeMismatch, mismatch, nil
}

// checkImage decodes an image's header (the standard library's decoders: the
// same rules as a Go program reading it) and bounds its dimensions. The pixels
// are not decoded: the links that serve an image pin its type, so bytes after
// a valid header cannot be served as anything but an image.
func checkImage(o *object, head []byte, contentType, purpose string) (code, msg string, err error) {
	s := &stream{o: o, off: int64(len(head)), buf: head, step: firstRange * 4}
	decode := jpeg.DecodeConfig
	if contentType == PNG {
		decode = png.DecodeConfig
	}
	cfg, derr := decode(s)
	if s.err != nil {
		return "", "", s.err
	}
	if derr != nil {
		var unsupported jpeg.UnsupportedError
		if errors.As(derr, &unsupported) {
			return codeMismatch, "The file is a JPEG of a kind that is not taken (" + derr.Error() + "); save it as a baseline or progressive JPEG or as PNG.", nil
		}
		return codeMismatch, "The file's content is not a " + contentType + " image.", nil
	}
	return checkDimensions(cfg, purpose)
}

func checkDimensions(cfg image.Config, purpose string) (code, msg string, err error) {
	w, h := cfg.Width, cfg.Height
	switch {
	case w <= 0 || h <= 0:
		return codeMismatch, "The image has no pixels.", nil
	case w > MaxSide || h > MaxSide || int64(w)*int64(h) > MaxPixels:
		return codeTooLarge, fmt.Sprintf("The image is %d×%d pixels; at most %d pixels each way and %d megapixels are taken.",
			w, h, MaxSide, MaxPixels/1_000_000), nil
	case purpose == Photo && (w < PhotoMinSide || h < PhotoMinSide):
		return codeTooSmall, fmt.Sprintf("The photo is %d×%d pixels; a card photo needs at least %d×%d.",
			w, h, PhotoMinSide, PhotoMinSide), nil
	}
	return "", "", nil
}

var (
	pdfHeader  = regexp.MustCompile(`^%PDF-[12]\.[0-9]`)
	pdfXrefRef = regexp.MustCompile(`startxref[\x00\t\n\f\r ]+([0-9]{1,10})[\x00\t\n\f\r ]*$`)
	// An xref section: a table ("xref") or, since PDF 1.5, a stream object.
	pdfXrefAt = regexp.MustCompile(`^[\x00\t\n\f\r ]*(xref|[0-9]{1,10}[\x00\t\n\f\r ]+[0-9]{1,5}[\x00\t\n\f\r ]+obj)`)
)

// checkPDF checks a PDF's structure as a reader finds it: the header, %%EOF
// within the last 1024 bytes, the startxref before it, and a cross-reference
// section (table or stream) where startxref points. Three ranged reads at
// most (the header's, the tail, the xref's), fewer for small files.
func checkPDF(head []byte, size int64, read func(from, to int64) ([]byte, error)) (bool, error) {
	if !pdfHeader.Match(head) {
		return false, nil
	}
	// at reads [from, from+n) from what is already read, or from S3.
	var tail []byte
	tailFrom := max(0, size-pdfTail)
	at := func(from, n int64) ([]byte, error) {
		switch {
		case from+n <= int64(len(head)):
			return head[from : from+n], nil
		case tail != nil && from >= tailFrom:
			return tail[from-tailFrom : min(from-tailFrom+n, int64(len(tail)))], nil
		}
		return read(from, from+n-1)
	}
	tail, err := at(tailFrom, size-tailFrom)
	if err != nil {
		return false, err
	}
	eof := bytes.LastIndex(tail, []byte("%%EOF"))
	if eof < 0 || int64(len(tail)-eof) > 1024+int64(len("%%EOF")) {
		return false, nil
	}
	m := pdfXrefRef.FindSubmatch(tail[:eof])
	if m == nil {
		return false, nil
	}
	off, err := strconv.ParseInt(string(m[1]), 10, 64)
	if err != nil || off < int64(len("%PDF-1.0")) || off >= size-int64(len(tail)-eof) {
		return false, nil
	}
	xref, err := at(off, min(64, size-off))
	if err != nil {
		return false, err
	}
	return pdfXrefAt.Match(xref), nil
}
