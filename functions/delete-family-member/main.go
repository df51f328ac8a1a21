// Command delete-family-member serves DELETE /family/{profileId}: remove a family member: its account, cards and data are erased.
package main

import (
	"github.com/kartamieszkanca/platform/shared/entry"
	"github.com/kartamieszkanca/platform/shared/erasure"
)

func main() { entry.HTTP("delete-family-member", erasure.DeleteMember) }
