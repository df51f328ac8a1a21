// Package platform builds, once per process, the clients a function needs. Each
// getter builds its client on first use, so a function links and initializes
// only the SDKs it calls, and nothing touches the network during init.
package platform

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"

	"github.com/kartamieszkanca/platform/shared/config"
	"github.com/kartamieszkanca/platform/shared/identity"
	"github.com/kartamieszkanca/platform/shared/qrtoken"
	"github.com/kartamieszkanca/platform/shared/store"
)

// Deps are a function's configuration and clients.
type Deps struct {
	Config config.Config
	AWS    aws.Config
	Log    *slog.Logger
	Now    func() time.Time
	// DynamoOptions and CognitoOptions let tests add SDK middleware (call
	// counters, injected faults).
	DynamoOptions  []func(*dynamodb.Options)
	CognitoOptions []func(*cognitoidentityprovider.Options)
	SESOptions     []func(*sesv2.Options)
	S3Options      []func(*s3.Options)

	tableOnce sync.Once
	table     *store.Table
	idOnce    sync.Once
	id        *identity.Pool
	s3Once    sync.Once
	s3        *s3.Client
	qrOnce    sync.Once
	qr        qrtoken.Signer
	qrErr     error
}

// Load reads the configuration and the AWS configuration (no network: the SDK
// resolves credentials lazily).
func Load(ctx context.Context, getenv func(string) string) (*Deps, error) {
	cfg, err := config.Load(getenv)
	if err != nil {
		return nil, err
	}
	awsCfg, err := awsconfig.LoadDefaultConfig(ctx)
	if err != nil {
		return nil, err
	}
	return New(cfg, awsCfg), nil
}

// New builds Deps from loaded configurations.
func New(cfg config.Config, awsCfg aws.Config) *Deps {
	level := map[string]slog.Level{"debug": slog.LevelDebug, "info": slog.LevelInfo, "warn": slog.LevelWarn, "error": slog.LevelError}[cfg.LogLevel]
	return &Deps{
		Config: cfg,
		AWS:    awsCfg,
		Log:    slog.New(slog.NewJSONHandler(os.Stdout, &slog.HandlerOptions{Level: level})),
		Now:    time.Now,
	}
}

// Table is the DynamoDB table.
func (d *Deps) Table() *store.Table {
	d.tableOnce.Do(func() {
		opts := append([]func(*dynamodb.Options){func(o *dynamodb.Options) {
			// DynamoDB Local answers without CRC32 checksums.
			if o.BaseEndpoint != nil {
				o.DisableValidateResponseChecksum = true
			}
		}}, d.DynamoOptions...)
		d.table = &store.Table{DB: dynamodb.NewFromConfig(d.AWS, opts...), Name: d.Config.TableName, Now: d.Now}
	})
	return d.table
}

// Identity is the Cognito user pool.
func (d *Deps) Identity() *identity.Pool {
	d.idOnce.Do(func() {
		opts := append([]func(*cognitoidentityprovider.Options){}, d.CognitoOptions...)
		d.id = &identity.Pool{API: cognitoidentityprovider.NewFromConfig(d.AWS, opts...),
			PoolID: d.Config.UserPoolID, ClientID: d.Config.UserPoolClientID}
	})
	return d.id
}

// SES is the SES v2 client (only the mail sender sends).
func (d *Deps) SES() *sesv2.Client {
	return sesv2.NewFromConfig(d.AWS, d.SESOptions...)
}

// S3 is the client of the files bucket (Config.FilesBucket).
func (d *Deps) S3() *s3.Client {
	d.s3Once.Do(func() {
		opts := append([]func(*s3.Options){func(o *s3.Options) {
			// The local S3 (an endpoint override) serves buckets by path only.
			if o.BaseEndpoint != nil {
				o.UsePathStyle = true
			}
		}}, d.S3Options...)
		d.s3 = s3.NewFromConfig(d.AWS, opts...)
	})
	return d.s3
}

// Presign signs S3 requests for clients to send themselves (presigned POST
// and GET), with the S3 client's settings; it makes no network call.
func (d *Deps) Presign() *s3.PresignClient {
	return s3.NewPresignClient(d.S3())
}

// QRSigner signs QR tokens: with KMS in AWS, with the configured local key on
// the local stack.
func (d *Deps) QRSigner() (qrtoken.Signer, error) {
	d.qrOnce.Do(func() {
		switch {
		case d.Config.QRSigningKey != "":
			d.qr, d.qrErr = qrtoken.ParseLocal(d.Config.QRSigningKey)
		case d.Config.SigningKeyID != "":
			d.qr = &qrtoken.KMSSigner{API: kms.NewFromConfig(d.AWS), Key: d.Config.SigningKeyID}
		default:
			d.qrErr = errors.New("platform: no QR signing key configured (SIGNING_KEY_ID)")
		}
	})
	return d.qr, d.qrErr
}
