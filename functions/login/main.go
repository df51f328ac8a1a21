// Command login serves POST /auth/login: log in with e-mail and password.
package main

import (
	"github.com/kartamieszkanca/platform/shared/auth"
	"github.com/kartamieszkanca/platform/shared/entry"
)

func main() { entry.HTTP("login", auth.Login) }
