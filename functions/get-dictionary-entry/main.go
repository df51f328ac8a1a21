// Command get-dictionary-entry serves GET /operator/dictionaries/{kind}/{id}: one dictionary entry.
package main

import (
	"github.com/kartamieszkanca/platform/shared/dictionary"
	"github.com/kartamieszkanca/platform/shared/entry"
)

func main() { entry.HTTP("get-dictionary-entry", dictionary.AdminGet) }
