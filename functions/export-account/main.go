// Command export-account serves GET /account/export: everything held about the caller's profiles, as one JSON document.
package main

import (
	"github.com/kartamieszkanca/platform/shared/entry"
	"github.com/kartamieszkanca/platform/shared/erasure"
)

func main() { entry.HTTP("export-account", erasure.Export) }
