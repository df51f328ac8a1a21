// Package config reads the platform's configuration from the environment once,
// validates it and fills local defaults.
package config

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// Config is the environment of every function.
type Config struct {
	Stage            string
	TableName        string
	UserPoolID       string
	UserPoolClientID string
	FilesBucket      string
	MailFrom         string
	MailConfigSet    string
	PortalURL        string
	// SigningKeyID is the KMS key of QR tokens (AWS); QRSigningKey a base64
	// PKCS#8 P-256 key used instead where there is no KMS (the local stack).
	SigningKeyID string
	QRSigningKey string
	// LogLevel: debug, info, warn, error.
	LogLevel string
}

// Load reads the configuration; getenv is os.Getenv outside tests.
func Load(getenv func(string) string) (Config, error) {
	get := func(k, def string) string {
		if v := strings.TrimSpace(getenv(k)); v != "" {
			return v
		}
		return def
	}
	c := Config{
		Stage:            get("STAGE", "local"),
		TableName:        get("TABLE_NAME", "karta"),
		UserPoolID:       get("USER_POOL_ID", ""),
		UserPoolClientID: get("USER_POOL_CLIENT_ID", ""),
		FilesBucket:      get("FILES_BUCKET", "karta-files"),
		MailFrom:         get("MAIL_FROM", "Karta Mieszkańca <no-reply@karta.example>"),
		MailConfigSet:    get("MAIL_CONFIGURATION_SET", ""),
		PortalURL:        strings.TrimSuffix(get("PORTAL_URL", "http://127.0.0.1:3000/portal"), "/"),
		LogLevel:         get("LOG_LEVEL", "info"),
		SigningKeyID:     get("SIGNING_KEY_ID", ""),
		QRSigningKey:     get("QR_SIGNING_KEY", ""),
	}
	var errs []error
	if u, err := url.Parse(c.PortalURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		errs = append(errs, fmt.Errorf("PORTAL_URL %q is not an http(s) URL", c.PortalURL))
	}
	if c.Stage == "prod" && strings.HasPrefix(c.PortalURL, "http:") {
		errs = append(errs, errors.New("PORTAL_URL must be https in prod"))
	}
	if c.Stage == "prod" && c.QRSigningKey != "" {
		errs = append(errs, errors.New("QR_SIGNING_KEY is for the local stack; prod signs with KMS (SIGNING_KEY_ID)"))
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		errs = append(errs, fmt.Errorf("LOG_LEVEL %q is not one of debug, info, warn, error", c.LogLevel))
	}
	return c, errors.Join(errs...)
}
