// Command list-profiles serves GET /profiles: profiles the caller may switch to.
package main

import (
	"github.com/kartamieszkanca/platform/shared/entry"
	"github.com/kartamieszkanca/platform/shared/profile"
)

func main() { entry.HTTP("list-profiles", profile.List) }
