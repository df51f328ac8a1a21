// Command forgot-password serves POST /auth/password/forgot: mail a password reset link.
package main

import (
	"github.com/kartamieszkanca/platform/shared/auth"
	"github.com/kartamieszkanca/platform/shared/entry"
)

func main() { entry.HTTP("forgot-password", auth.ForgotPassword) }
