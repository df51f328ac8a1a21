// Command mail-sender consumes the table's stream.
package main

import (
	"github.com/kartamieszkanca/platform/shared/entry"
	"github.com/kartamieszkanca/platform/shared/mail"
)

func main() { entry.Stream("mail-sender", mail.StreamHandler) }
