// Command resend-family-invitation serves POST /family/{profileId}/invitation: send a pending member's invitation again.
package main

import (
	"github.com/kartamieszkanca/platform/shared/entry"
	"github.com/kartamieszkanca/platform/shared/household"
)

func main() { entry.HTTP("resend-family-invitation", household.Resend) }
