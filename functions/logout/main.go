// Command logout serves POST /auth/logout: revoke the refresh token.
package main

import (
	"github.com/kartamieszkanca/platform/shared/auth"
	"github.com/kartamieszkanca/platform/shared/entry"
)

func main() { entry.HTTP("logout", auth.Logout) }
