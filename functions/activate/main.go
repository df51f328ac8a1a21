// Command activate serves POST /auth/activate: activate an account with the mailed token.
package main

import (
	"github.com/kartamieszkanca/platform/shared/auth"
	"github.com/kartamieszkanca/platform/shared/entry"
)

func main() { entry.HTTP("activate", auth.Activate) }
