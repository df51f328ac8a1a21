// Command change-password serves POST /account/password: change the password.
package main

import (
	"github.com/kartamieszkanca/platform/shared/entry"
	"github.com/kartamieszkanca/platform/shared/password"
)

func main() { entry.HTTP("change-password", password.Change) }
