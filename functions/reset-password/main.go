// Command reset-password serves POST /auth/password/reset: set a new password with the mailed token.
package main

import (
	"github.com/kartamieszkanca/platform/shared/entry"
	"github.com/kartamieszkanca/platform/shared/password"
)

func main() { entry.HTTP("reset-password", password.Reset) }
