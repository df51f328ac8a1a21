// Command health serves GET /health: liveness.
package main

import (
	"github.com/kartamieszkanca/platform/shared/entry"
	"github.com/kartamieszkanca/platform/shared/health"
)

func main() { entry.HTTP("health", health.Get) }
