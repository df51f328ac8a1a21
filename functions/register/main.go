// Command register serves POST /auth/register: register a resident account.
package main

import (
	"github.com/kartamieszkanca/platform/shared/account"
	"github.com/kartamieszkanca/platform/shared/entry"
)

func main() { entry.HTTP("register", account.Register) }
