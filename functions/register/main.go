// Command register serves POST /auth/register: register a resident account.
package main

import (
	"github.com/kartamieszkanca/platform/shared/entry"
	"github.com/kartamieszkanca/platform/shared/signup"
)

func main() { entry.HTTP("register", signup.Register) }
