package gateway

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
)

// docsAssets are the files of swagger-ui-dist the reference page loads; the
// rest of the package (source maps, other bundles) is not served.
var docsAssets = map[string]string{
	"swagger-ui.css":                  "text/css; charset=utf-8",
	"swagger-ui-bundle.js":            "text/javascript; charset=utf-8",
	"swagger-ui-standalone-preset.js": "text/javascript; charset=utf-8",
	"favicon-32x32.png":               "image/png",
	"favicon-16x16.png":               "image/png",
}

const docsPage = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Karta Mieszkańca — API reference</title>
<link rel="stylesheet" href="swagger-ui.css">
<link rel="icon" type="image/png" href="favicon-32x32.png" sizes="32x32">
</head>
<body>
<div id="swagger-ui"></div>
<script src="swagger-ui-bundle.js"></script>
<script src="swagger-ui-standalone-preset.js"></script>
<script src="init.js"></script>
</body>
</html>
`

// docsInit points Swagger UI at the contract; "Try it out" calls this gateway
// (the spec's local server), so a token from POST /auth/login works with
// "Authorize".
const docsInit = `window.ui = SwaggerUIBundle({
  url: "openapi.yaml",
  dom_id: "#swagger-ui",
  deepLinking: true,
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
  layout: "StandaloneLayout",
  persistAuthorization: true
});
`

// Docs serves the interactive API reference of `make dev` under /docs/:
// Swagger UI from uiDir (the pinned swagger-ui-dist of the local npm tools,
// read from disk, so it works offline) showing the openapi.yaml at specPath,
// read on every request so an edited contract shows on reload.
func Docs(uiDir, specPath string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		name, _ := strings.CutPrefix(r.URL.Path, "/docs/")
		w.Header().Set("Content-Security-Policy",
			"default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'")
		w.Header().Set("Cache-Control", "no-cache")
		switch {
		case r.URL.Path == "/docs":
			http.Redirect(w, r, "/docs/", http.StatusMovedPermanently)
		case name == "" || name == "index.html":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			_, _ = w.Write([]byte(docsPage))
		case name == "init.js":
			w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
			_, _ = w.Write([]byte(docsInit))
		case name == "openapi.yaml":
			serveFile(w, specPath, "application/yaml; charset=utf-8")
		case docsAssets[name] != "":
			serveFile(w, filepath.Join(uiDir, name), docsAssets[name])
		default:
			http.NotFound(w, r)
		}
	})
}

func serveFile(w http.ResponseWriter, path, contentType string) {
	b, err := os.ReadFile(path)
	if err != nil {
		http.Error(w, "not installed: run make deps", http.StatusNotFound)
		return
	}
	w.Header().Set("Content-Type", contentType)
	_, _ = w.Write(b)
}
