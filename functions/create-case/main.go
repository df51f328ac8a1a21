// Command create-case serves POST /profiles/{profileId}/cases: open a case with the city.
package main

import (
	"github.com/kartamieszkanca/platform/shared/cases"
	"github.com/kartamieszkanca/platform/shared/entry"
)

func main() { entry.HTTP("create-case", cases.Create) }
