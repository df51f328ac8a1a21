// Command retire-dictionary-entry serves DELETE /operator/dictionaries/{kind}/{id}: retire a dictionary entry.
package main

import (
	"github.com/kartamieszkanca/platform/shared/dictionary"
	"github.com/kartamieszkanca/platform/shared/entry"
)

func main() { entry.HTTP("retire-dictionary-entry", dictionary.AdminDelete) }
