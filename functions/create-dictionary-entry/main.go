// Command create-dictionary-entry serves POST /operator/dictionaries/{kind}: add a dictionary entry.
package main

import (
	"github.com/kartamieszkanca/platform/shared/dictionary"
	"github.com/kartamieszkanca/platform/shared/entry"
)

func main() { entry.HTTP("create-dictionary-entry", dictionary.AdminCreate) }
