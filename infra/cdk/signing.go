package main

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// Signing is the key behind the virtual card's QR tokens: an asymmetric KMS key
// (P-256, ES256), so the private key never leaves KMS while verifiers check
// tokens offline with the published public key. It exists only when a
// function needs it.
type Signing struct {
	Scope constructs.Construct
	Key   awskms.Key
}

// NewSigning creates the signing key.
func NewSigning(scope constructs.Construct, id string, cfg Config) *Signing {
	c := constructs.NewConstruct(scope, jsii.String(id))
	key := awskms.NewKey(c, jsii.String("Key"), &awskms.KeyProps{
		Description:   jsii.String(cfg.StackName() + " QR token signing (ES256)"),
		KeySpec:       awskms.KeySpec_ECC_NIST_P256,
		KeyUsage:      awskms.KeyUsage_SIGN_VERIFY,
		RemovalPolicy: cfg.RemovalPolicy(),
		PendingWindow: awscdk.Duration_Days(jsii.Number(7)),
	})
	return &Signing{Scope: c, Key: key}
}

// Grant lets a function sign with this key and read its public key, only.
func (s *Signing) Grant(grantee awsiam.IGrantable) {
	awsiam.Grant_AddToPrincipal(&awsiam.GrantOnPrincipalOptions{
		Grantee:      grantee,
		Actions:      jsii.Strings("kms:Sign", "kms:GetPublicKey"),
		ResourceArns: &[]*string{s.Key.KeyArn()},
	})
}
