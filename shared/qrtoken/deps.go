package qrtoken

import (
	"context"
	"crypto/ecdsa"
	"errors"

	"github.com/aws/aws-sdk-go-v2/service/kms"

	"github.com/kartamieszkanca/platform/shared/platform"
)

type signer struct {
	s   Signer
	err error
}

// qrSigner is the function's dependency (platform.Dep): built once, on first use.
var qrSigner = platform.Dep[signer]{Build: newSigner}

func newSigner(d *platform.Deps) signer {
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
}

// SignerOf signs QR tokens: with KMS in AWS, with the configured local key on
// the local stack.
func SignerOf(d *platform.Deps) (Signer, error) {
	v := qrSigner.Of(d)
	return v.s, v.err
}

// PublicKeys are the keys tokens verify with, by kid (the one signing key).
func PublicKeys(ctx context.Context, d *platform.Deps) (map[string]*ecdsa.PublicKey, error) {
	s, err := SignerOf(d)
	if err != nil {
		return nil, err
	}
	pub, err := s.PublicKey(ctx)
	if err != nil {
		return nil, err
	}
	return map[string]*ecdsa.PublicKey{s.KeyID(): pub}, nil
}
