package auth_test

import (
	"context"
	"testing"
	"time"

	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"

	"github.com/kartamieszkanca/platform/infra/local/testenv"
	"github.com/kartamieszkanca/platform/shared/identity"
)

// R1.3: activation commits the account and asks, in the same transaction, for
// the e-mail to be marked verified in Cognito; the task runner does it after
// the commit (a failure there never turns the activation into an error).
func TestActivationVerifiesEmailThroughTask(t *testing.T) {
	e := testenv.Get(t)
	email, _ := resident(t, e)
	pool := identity.Of(e.Deps)
	deadline := time.Now().Add(60 * time.Second)
	for {
		u, err := pool.API.AdminGetUser(context.Background(), &cip.AdminGetUserInput{UserPoolId: &pool.PoolID, Username: &email})
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range u.UserAttributes {
			if *a.Name == "email_verified" && *a.Value == "true" {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatal("the e-mail was never marked verified")
		}
		time.Sleep(50 * time.Millisecond)
	}
}
