// Command put-account-phone serves PUT /account/phone: add or change the phone number.
package main

import (
	"github.com/kartamieszkanca/platform/shared/account"
	"github.com/kartamieszkanca/platform/shared/entry"
)

func main() { entry.HTTP("put-account-phone", account.PutPhone) }
