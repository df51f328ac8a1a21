package main

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// Signing is the key behind the virtual card's QR tokens: a KMS HMAC key, so the
// secret never leaves KMS; the platform both issues and verifies the tokens
// (GenerateMac, VerifyMac). It exists only when a function needs it.
type Signing struct {
	Scope constructs.Construct
	Key   awskms.Key
}

// NewSigning creates the HMAC key.
func NewSigning(scope constructs.Construct, id string, cfg Config) *Signing {
	c := constructs.NewConstruct(scope, jsii.String(id))
	key := awskms.NewKey(c, jsii.String("Key"), &awskms.KeyProps{
		Description:   jsii.String(cfg.StackName() + " QR token signing (HMAC)"),
		KeySpec:       awskms.KeySpec_HMAC_256,
		KeyUsage:      awskms.KeyUsage_GENERATE_VERIFY_MAC,
		RemovalPolicy: cfg.RemovalPolicy(),
		PendingWindow: awscdk.Duration_Days(jsii.Number(7)),
	})
	return &Signing{Scope: c, Key: key}
}

// Grant lets a function make and check MACs with this key only.
func (s *Signing) Grant(grantee awsiam.IGrantable) {
	awsiam.Grant_AddToPrincipal(&awsiam.GrantOnPrincipalOptions{
		Grantee:      grantee,
		Actions:      jsii.Strings("kms:GenerateMac", "kms:VerifyMac"),
		ResourceArns: &[]*string{s.Key.KeyArn()},
	})
}
