// Command edit-family-member serves PUT /family/{profileId}: edit a family member.
package main

import (
	"github.com/kartamieszkanca/platform/shared/entry"
	"github.com/kartamieszkanca/platform/shared/household"
)

func main() { entry.HTTP("edit-family-member", household.Edit) }
