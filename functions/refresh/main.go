// Command refresh serves POST /auth/refresh: new tokens for a refresh token.
package main

import (
	"github.com/kartamieszkanca/platform/shared/auth"
	"github.com/kartamieszkanca/platform/shared/entry"
)

func main() { entry.HTTP("refresh", auth.Refresh) }
