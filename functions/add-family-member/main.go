// Command add-family-member serves POST /family: add a family member (an adult is invited by mail).
package main

import (
	"github.com/kartamieszkanca/platform/shared/entry"
	"github.com/kartamieszkanca/platform/shared/household"
)

func main() { entry.HTTP("add-family-member", household.Add) }
