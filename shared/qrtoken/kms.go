package qrtoken

import (
	"context"
	"crypto/ecdsa"
	"crypto/x509"
	"errors"
	"fmt"
	"sync"

	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
)

// KMSAPI is the part of the KMS client the signer uses.
type KMSAPI interface {
	Sign(context.Context, *kms.SignInput, ...func(*kms.Options)) (*kms.SignOutput, error)
	GetPublicKey(context.Context, *kms.GetPublicKeyInput, ...func(*kms.Options)) (*kms.GetPublicKeyOutput, error)
}

// KMSSigner signs with an asymmetric KMS key (ECC_NIST_P256, SIGN_VERIFY).
type KMSSigner struct {
	API KMSAPI
	// Key is the KMS key's id or ARN; it is also the tokens' kid.
	Key string

	once sync.Once
	pub  *ecdsa.PublicKey
	err  error
}

// KeyID names the key in tokens.
func (k *KMSSigner) KeyID() string { return k.Key }

func (k *KMSSigner) SignDigest(ctx context.Context, digest []byte) ([]byte, error) {
	out, err := k.API.Sign(ctx, &kms.SignInput{KeyId: &k.Key, Message: digest,
		MessageType: types.MessageTypeDigest, SigningAlgorithm: types.SigningAlgorithmSpecEcdsaSha256})
	if err != nil {
		return nil, fmt.Errorf("qrtoken: kms sign: %w", err)
	}
	return out.Signature, nil
}

// PublicKey is read once per process (on first use, never during init).
func (k *KMSSigner) PublicKey(ctx context.Context) (*ecdsa.PublicKey, error) {
	k.once.Do(func() {
		out, err := k.API.GetPublicKey(ctx, &kms.GetPublicKeyInput{KeyId: &k.Key})
		if err != nil {
			k.err = fmt.Errorf("qrtoken: kms public key: %w", err)
			return
		}
		pub, err := x509.ParsePKIXPublicKey(out.PublicKey)
		ec, ok := pub.(*ecdsa.PublicKey)
		if err != nil || !ok {
			k.err = errors.New("qrtoken: the KMS key is not an EC key")
			return
		}
		k.pub = ec
	})
	return k.pub, k.err
}
