// Command get-account serves GET /account: the caller's account.
package main

import (
	"github.com/kartamieszkanca/platform/shared/auth"
	"github.com/kartamieszkanca/platform/shared/entry"
)

func main() { entry.HTTP("get-account", auth.Get) }
