// Command list-staff serves GET /operator/staff: the staff accounts.
package main

import (
	"github.com/kartamieszkanca/platform/shared/entry"
	"github.com/kartamieszkanca/platform/shared/staff"
)

func main() { entry.HTTP("list-staff", staff.List) }
