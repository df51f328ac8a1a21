package gateway

import (
	_ "embed"
	"net/http"
)

//go:embed portal.html
var portalPage []byte

// Portal serves the pages the mailed links open ({PORTAL_URL}/activate,
// /reset-password, /invitation), so the local stack can be used end to end
// from the inbox. The real portal is its own project; these pages only call
// the API.
func Portal() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/portal/activate", "/portal/reset-password", "/portal/invitation", "/portal/forgot-password":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Header().Set("Content-Security-Policy", "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'")
			_, _ = w.Write(portalPage)
		default:
			http.NotFound(w, r)
		}
	})
}
