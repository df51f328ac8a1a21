package identity

import (
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"

	"github.com/kartamieszkanca/platform/shared/platform"
)

// Of is the function's user pool, built on first use.
func Of(d *platform.Deps) *Pool {
	return platform.Client(d, "identity", func() *Pool {
		return &Pool{API: cip.NewFromConfig(d.AWS, platform.OptionsOf[cip.Options](d)...),
			PoolID: d.Config.UserPoolID, ClientID: d.Config.UserPoolClientID}
	})
}
