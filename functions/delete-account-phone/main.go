// Command delete-account-phone serves DELETE /account/phone: remove the phone number.
package main

import (
	"github.com/kartamieszkanca/platform/shared/entry"
	"github.com/kartamieszkanca/platform/shared/phone"
)

func main() { entry.HTTP("delete-account-phone", phone.Delete) }
