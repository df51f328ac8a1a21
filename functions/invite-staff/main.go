// Command invite-staff serves POST /operator/staff: invite an operator, partner or inspector.
package main

import (
	"github.com/kartamieszkanca/platform/shared/entry"
	"github.com/kartamieszkanca/platform/shared/staff"
)

func main() { entry.HTTP("invite-staff", staff.Invite) }
