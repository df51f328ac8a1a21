// Command reply-case serves POST /profiles/{profileId}/cases/{caseId}/messages: write in a case.
package main

import (
	"github.com/kartamieszkanca/platform/shared/cases"
	"github.com/kartamieszkanca/platform/shared/entry"
)

func main() { entry.HTTP("reply-case", cases.Reply) }
