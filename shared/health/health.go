// Package health answers the liveness probe.
package health

import (
	"context"

	"github.com/kartamieszkanca/platform/shared/httpapi"
	"github.com/kartamieszkanca/platform/shared/platform"
)

// Get serves GET /health without touching any dependency: it says the function
// runs, nothing more (dependencies are watched by alarms).
func Get(d *platform.Deps) httpapi.Handler {
	return func(ctx context.Context, r *httpapi.Request) (*httpapi.Response, error) {
		return httpapi.JSON(200, map[string]string{"status": "ok"}), nil
	}
}
