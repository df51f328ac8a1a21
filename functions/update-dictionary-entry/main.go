// Command update-dictionary-entry serves PUT /operator/dictionaries/{kind}/{id}: change a dictionary entry (a clause's new text is a new version).
package main

import (
	"github.com/kartamieszkanca/platform/shared/dictionary"
	"github.com/kartamieszkanca/platform/shared/entry"
)

func main() { entry.HTTP("update-dictionary-entry", dictionary.AdminUpdate) }
