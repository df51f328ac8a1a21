// Command entitlements-expiry is a scheduled job.
package main

import (
	"github.com/kartamieszkanca/platform/shared/entitlement"
	"github.com/kartamieszkanca/platform/shared/entry"
)

func main() { entry.Scheduled("entitlements-expiry", entitlement.ExpiryJob) }
