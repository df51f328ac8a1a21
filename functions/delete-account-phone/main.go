// Command delete-account-phone serves DELETE /account/phone: remove the phone number.
package main

import (
	"github.com/kartamieszkanca/platform/shared/account"
	"github.com/kartamieszkanca/platform/shared/entry"
)

func main() { entry.HTTP("delete-account-phone", account.DeletePhone) }
