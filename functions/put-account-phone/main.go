// Command put-account-phone serves PUT /account/phone: add or change the phone number.
package main

import (
	"github.com/kartamieszkanca/platform/shared/entry"
	"github.com/kartamieszkanca/platform/shared/phone"
)

func main() { entry.HTTP("put-account-phone", phone.Put) }
