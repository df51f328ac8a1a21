// Command get-dictionary serves GET /dictionaries/{kind}: a public dictionary.
package main

import (
	"github.com/kartamieszkanca/platform/shared/dictionary"
	"github.com/kartamieszkanca/platform/shared/entry"
)

func main() { entry.HTTP("get-dictionary", dictionary.Get) }
