package identity

import (
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"

	"github.com/kartamieszkanca/platform/shared/platform"
)

// pool is the function's dependency (platform.Dep): built once, on first use.
var pool = platform.Dep[*Pool]{Build: newPool}

func newPool(d *platform.Deps) *Pool {
	opts := platform.OptionsOf(d, func(o *cip.Options) {
		if ep := d.Endpoint("COGNITO_IDENTITY_PROVIDER"); ep != nil {
			o.BaseEndpoint = ep
		}
	})
	return &Pool{API: cip.NewFromConfig(d.AWS, opts...),
		PoolID: d.Config.UserPoolID, ClientID: d.Config.UserPoolClientID}
}

// Of is the function's user pool, built on first use.
func Of(d *platform.Deps) *Pool {
	return pool.Of(d)
}
