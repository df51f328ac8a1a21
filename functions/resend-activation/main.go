// Command resend-activation serves POST /auth/activation/resend: send the activation mail again.
package main

import (
	"github.com/kartamieszkanca/platform/shared/auth"
	"github.com/kartamieszkanca/platform/shared/entry"
)

func main() { entry.HTTP("resend-activation", auth.ResendActivation) }
