package qrtoken

import (
	"errors"

	"github.com/aws/aws-sdk-go-v2/service/kms"

	"github.com/kartamieszkanca/platform/shared/platform"
)

type signer struct {
	s   Signer
	err error
}

// qrSigner is the function's dependency (platform.Dep): built once, on first use.
var qrSigner = platform.NewDep(func(d *platform.Deps) signer {
	switch {
	case d.Config.QRSigningKey != "":
		s, err := ParseLocal(d.Config.QRSigningKey)
		return signer{s, err}
	case d.Config.SigningKeyID != "":
		opts := platform.OptionsOf(d, func(o *kms.Options) {
			if ep := d.Endpoint("KMS"); ep != nil {
				o.BaseEndpoint = ep
			}
		})
		return signer{&KMSSigner{API: kms.NewFromConfig(d.AWS, opts...), Key: d.Config.SigningKeyID}, nil}
	}
	return signer{nil, errors.New("qrtoken: no signing key configured (SIGNING_KEY_ID)")}
})

// SignerOf signs QR tokens: with KMS in AWS, with the configured local key on
// the local stack.
func SignerOf(d *platform.Deps) (Signer, error) {
	v := qrSigner.Of(d)
	return v.s, v.err
}
