// Command entitlements-expiry is a scheduled job.
package main

import (
	"github.com/kartamieszkanca/platform/shared/entitlement.init.Job[...]"
	"github.com/kartamieszkanca/platform/shared/entry"
)

func main() { entry.Scheduled("entitlements-expiry", entitlement.init.Job[...].func2) }
