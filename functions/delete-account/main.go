// Command delete-account serves DELETE /account: delete the account: a head's household, a member itself, erased.
package main

import (
	"github.com/kartamieszkanca/platform/shared/entry"
	"github.com/kartamieszkanca/platform/shared/erasure"
)

func main() { entry.HTTP("delete-account", erasure.DeleteAccount) }
