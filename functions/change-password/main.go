// Command change-password serves POST /account/password: change the password.
package main

import (
	"github.com/kartamieszkanca/platform/shared/account"
	"github.com/kartamieszkanca/platform/shared/entry"
)

func main() { entry.HTTP("change-password", account.ChangePassword) }
