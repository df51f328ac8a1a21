// Package platform holds, once per process, a function's configuration and the
// clients it builds on first use. It imports no AWS service: each adapter
// package declares its own typed dependency (Dep), so a function links only the
// SDKs its handler calls, and nothing touches the network during init.
package platform

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/kartamieszkanca/platform/shared/config"
	"github.com/kartamieszkanca/platform/shared/routes"
)

// Deps are a function's configuration and clients.
type Deps struct {
	Config config.Config
	AWS    aws.Config
	Log    *slog.Logger
	Now    func() time.Time
	// Env reads the environment (service endpoints); os.Getenv by default.
	Env func(string) string
	// Options are SDK client options (func(*dynamodb.Options), func(*s3.Options)…)
	// that tests add: call counters, injected faults. Each adapter applies those
	// of its client's type.
	Options []any

	mu    sync.Mutex
	built map[any]any // by *Dep
}

// Load reads the configuration of a function with these needs and the AWS
// configuration from the environment.
func Load(ctx context.Context, getenv func(string) string, needs routes.Needs) (*Deps, error) {
	cfg, err := config.Load(getenv, needs)
	if err != nil {
		return nil, err
	}
	awsCfg, err := AWSFromEnv(getenv)
	if err != nil {
		return nil, err
	}
	d := New(cfg, awsCfg)
	d.Env = getenv
	return d, nil
}

// AWSFromEnv is the AWS configuration of a Lambda function: region and the
// execution role's credentials, which Lambda puts in the environment. It
// replaces the SDK's config.LoadDefaultConfig, whose other sources (shared
// files, SSO, STS, IMDS) a function never uses but would link and initialize:
// about 1.6 MB and milliseconds of every cold start (docs/performance.md).
func AWSFromEnv(getenv func(string) string) (aws.Config, error) {
	region := getenv("AWS_REGION")
	if region == "" {
		region = getenv("AWS_DEFAULT_REGION")
	}
	key, secret := getenv("AWS_ACCESS_KEY_ID"), getenv("AWS_SECRET_ACCESS_KEY")
	if region == "" || key == "" || secret == "" {
		return aws.Config{}, errors.New("platform: AWS_REGION, AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must be set")
	}
	return aws.Config{
		Region:      region,
		Credentials: aws.NewCredentialsCache(credentials.NewStaticCredentialsProvider(key, secret, getenv("AWS_SESSION_TOKEN"))),
	}, nil
}

// Endpoint is a service's endpoint override (AWS_ENDPOINT_URL_<SERVICE>, then
// AWS_ENDPOINT_URL), as the SDK's own loader reads it: the local stack sets
// them; in AWS they are unset and clients use the regional endpoints.
func (d *Deps) Endpoint(service string) *string {
	env := d.Env
	if env == nil {
		env = os.Getenv
	}
	for _, k := range []string{"AWS_ENDPOINT_URL_" + service, "AWS_ENDPOINT_URL"} {
		if v := env(k); v != "" {
			return &v
		}
	}
	return nil
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

// Dep is one typed dependency of a function (a client, a signer), built from
// the Deps on first use and kept for the process. Each adapter package
// declares its own (store's table, identity's pool, upload's S3 client…), so
// a function links only the dependencies its handler reaches, and a
// dependency is named by its variable, with its type, not by a string.
//
// Declare one as a composite literal of a named function,
//
//	var table = platform.Dep[*Table]{Build: newTable}
//
// never through a constructor call: the literal is static data, kept only if
// a reachable call uses it, while a call runs in the package's init and so
// keeps the builder, and the client it makes, in every binary that imports
// the package (the S3 and KMS clients took eight functions over 10 MB).
type Dep[T any] struct {
	Build func(*Deps) T
}

// Of is the dependency's value for d, built on first use.
func (p *Dep[T]) Of(d *Deps) T {
	d.mu.Lock()
	defer d.mu.Unlock()
	if v, ok := d.built[p]; ok {
		return v.(T)
	}
	if d.built == nil {
		d.built = map[any]any{}
	}
	v := p.Build(d)
	d.built[p] = v
	return v
}

// OptionsOf returns the options of one client type, the platform's first.
func OptionsOf[O any](d *Deps, own ...func(*O)) []func(*O) {
	out := append([]func(*O){}, own...)
	for _, o := range d.Options {
		if f, ok := o.(func(*O)); ok {
			out = append(out, f)
		}
	}
	return out
}
