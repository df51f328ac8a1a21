package gateway_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kartamieszkanca/platform/infra/local/gateway"
	"github.com/kartamieszkanca/platform/infra/local/stack"
)

// The reference page of `make dev` works offline: the pinned Swagger UI from
// the local npm tools and the repository's contract, nothing else of the disk.
func TestDocsPage(t *testing.T) {
	root, err := stack.Root()
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(gateway.Docs(filepath.Join(root, ".local", "emulators", "node_modules", "swagger-ui-dist"),
		filepath.Join(root, "openapi.yaml")))
	defer srv.Close()
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	get := func(path string) (int, string, string) {
		resp, err := noRedirect.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, resp.Header.Get("Content-Type"), string(b)
	}
	if code, _, _ := get("/docs"); code != http.StatusMovedPermanently {
		t.Errorf("/docs: %d, want a redirect to /docs/", code)
	}
	if code, ct, body := get("/docs/"); code != 200 || !strings.HasPrefix(ct, "text/html") || !strings.Contains(body, "swagger-ui-bundle.js") {
		t.Errorf("/docs/: %d %s", code, ct)
	}
	if code, _, body := get("/docs/init.js"); code != 200 || !strings.Contains(body, `url: "openapi.yaml"`) {
		t.Errorf("init.js: %d", code)
	}
	if code, _, body := get("/docs/openapi.yaml"); code != 200 || !strings.HasPrefix(body, "openapi: 3.1") {
		t.Errorf("openapi.yaml: %d %.40q", code, body)
	}
	for _, asset := range []string{"swagger-ui-bundle.js", "swagger-ui.css", "swagger-ui-standalone-preset.js"} {
		if code, _, body := get("/docs/" + asset); code != 200 || len(body) < 1000 {
			t.Errorf("%s: %d, %d bytes (installed by make deps)", asset, code, len(body))
		}
	}
	for _, path := range []string{"/docs/package.json", "/docs/../go.mod", "/docs/%2e%2e/go.mod", "/docs/swagger-ui-bundle.js.map"} {
		if code, _, _ := get(path); code != http.StatusNotFound {
			t.Errorf("%s: %d, want 404 (only the page's assets are served)", path, code)
		}
	}
}
