// Command accept-invitation serves POST /auth/invitation/accept: a family member sets the first password with the mailed invitation.
package main

import (
	"github.com/kartamieszkanca/platform/shared/entry"
	"github.com/kartamieszkanca/platform/shared/household"
)

func main() { entry.HTTP("accept-invitation", household.Accept) }
