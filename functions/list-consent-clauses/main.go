// Command list-consent-clauses serves GET /consents/clauses: current consent clauses for the registration form.
package main

import (
	"github.com/kartamieszkanca/platform/shared/dictionary"
	"github.com/kartamieszkanca/platform/shared/entry"
)

func main() { entry.HTTP("list-consent-clauses", dictionary.GetClauses) }
