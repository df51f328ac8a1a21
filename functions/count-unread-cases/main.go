// Command count-unread-cases serves GET /profiles/{profileId}/cases/unread-count: how many of the profile's own cases have unread messages.
package main

import (
	"github.com/kartamieszkanca/platform/shared/cases"
	"github.com/kartamieszkanca/platform/shared/entry"
)

func main() { entry.HTTP("count-unread-cases", cases.UnreadCount) }
