// Command disable-staff serves DELETE /operator/staff/{accountId}: disable a staff account.
package main

import (
	"github.com/kartamieszkanca/platform/shared/entry"
	"github.com/kartamieszkanca/platform/shared/staff"
)

func main() { entry.HTTP("disable-staff", staff.Disable) }
