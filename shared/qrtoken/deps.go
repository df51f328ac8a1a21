package qrtoken

import (
	"context"
	"crypto/ecdsa"
	"errors"

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
		k := &KMSSigner{Key: d.Config.SigningKeyID, AWS: d.AWS, Now: d.Now}
		if ep := d.Endpoint("KMS"); ep != nil {
			k.Endpoint = *ep
		}
		return signer{k, nil}
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
