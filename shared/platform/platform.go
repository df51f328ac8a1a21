// Package platform holds, once per process, a function's configuration and the
// clients it builds on first use. It imports no AWS service: each adapter
// package builds its own client through Client, so a function links only the
// SDKs its handler calls, and nothing touches the network during init.
package platform

import (
	"context"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"

	"github.com/kartamieszkanca/platform/shared/config"
)

// Deps are a function's configuration and clients.
type Deps struct {
	Config config.Config
	AWS    aws.Config
	Log    *slog.Logger
	Now    func() time.Time
	// Options are SDK client options (func(*dynamodb.Options), func(*s3.Options)…)
	// that tests add: call counters, injected faults. Each adapter applies those
	// of its client's type.
	Options []any

	mu      sync.Mutex
	clients map[string]any
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

// Client returns the process's one value under key, built on first use.
func Client[T any](d *Deps, key string, build func() T) T {
	d.mu.Lock()
	defer d.mu.Unlock()
	if v, ok := d.clients[key]; ok {
		return v.(T)
	}
	if d.clients == nil {
		d.clients = map[string]any{}
	}
	v := build()
	d.clients[key] = v
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
