// Command list-audit serves GET /operator/audit: the audit trail of operators' actions and views.
package main

import (
	"github.com/kartamieszkanca/platform/shared/audit"
	"github.com/kartamieszkanca/platform/shared/entry"
)

func main() { entry.HTTP("list-audit", audit.List) }
