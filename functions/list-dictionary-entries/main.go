// Command list-dictionary-entries serves GET /operator/dictionaries/{kind}: a dictionary's entries, retired ones too.
package main

import (
	"github.com/kartamieszkanca/platform/shared/dictionary"
	"github.com/kartamieszkanca/platform/shared/entry"
)

func main() { entry.HTTP("list-dictionary-entries", dictionary.AdminList) }
