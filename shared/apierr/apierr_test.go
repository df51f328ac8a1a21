package apierr

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/smithy-go"
)

// Logs hold no personal data: an AWS failure is logged by service, operation
// and code, never by its message, which may name a person.
func TestRedact(t *testing.T) {
	ses := &smithy.OperationError{ServiceID: "SESv2", OperationName: "SendEmail",
		Err: &smithy.GenericAPIError{Code: "MessageRejected", Message: "Email address is not verified: anna@example.com"}}
	if got := Redact(fmt.Errorf("mail: send: %w", ses)); got != "SESv2 SendEmail MessageRejected" || strings.Contains(got, "@") {
		t.Fatalf("Redact = %q", got)
	}
	if got := Redact(&smithy.GenericAPIError{Code: "ValidationException", Message: "key EMAIL#anna@example.com"}); got != "ValidationException" {
		t.Fatalf("Redact = %q", got)
	}
	own := errors.New("store: build transaction: bad expression")
	if Redact(own) != own.Error() {
		t.Fatal("the platform's own error was changed")
	}
}

func TestStatuses(t *testing.T) {
	if Status("nope") != 500 || Status(TokenInvalid) != 410 || Status(PayloadTooLarge) != 413 {
		t.Fatal("status table")
	}
	c := Register("test_code", 418)
	if Status(c) != 418 {
		t.Fatal("registered code")
	}
	defer func() {
		if recover() == nil {
			t.Fatal("a code registered twice with another status did not panic")
		}
	}()
	Register("test_code", 400)
}

// The one way errors are logged redacts them.
func TestLogAttr(t *testing.T) {
	err := fmt.Errorf("identity: global sign-out: %w", &smithy.OperationError{ServiceID: "Cognito Identity Provider",
		OperationName: "AdminUserGlobalSignOut", Err: &smithy.GenericAPIError{Code: "UserNotFoundException", Message: "User anna@example.com does not exist."}})
	a := LogAttr(err)
	if a.Key != "error" || a.Value.String() != "Cognito Identity Provider AdminUserGlobalSignOut UserNotFoundException" {
		t.Fatalf("LogAttr = %v", a)
	}
}
