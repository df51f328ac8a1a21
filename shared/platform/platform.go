// Package platform builds, once per process, the clients a function needs. Each
// getter builds its client on first use, so a function links and initializes
// only the SDKs it calls, and nothing touches the network during init.
package platform

import (
	"context"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"

	"github.com/kartamieszkanca/platform/shared/config"
	"github.com/kartamieszkanca/platform/shared/identity"
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

	tableOnce sync.Once
	table     *store.Table
	idOnce    sync.Once
	id        *identity.Pool
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
