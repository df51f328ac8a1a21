// Package config reads a function's configuration from the environment once
// and validates it against what the function needs. Local defaults apply only
// where STAGE=local is set explicitly: a deployed function missing a setting
// fails at start, not at its first request.
package config

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/kartamieszkanca/platform/shared/routes"
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
	// DecisionDays is the city's service level: a submitted application's
	// expected decision is this many days after its submission (R15.8).
	DecisionDays int
	// DocumentRetentionDays: application documents are deleted this many
	// days after the decision (R15.5; DOCUMENT_RETENTION_DAYS, default 30).
	DocumentRetentionDays int
}

// DefaultDocumentRetentionDays is R15.5's default.
const DefaultDocumentRetentionDays = 30

// Local is the stage of the local stack (make dev, make test): the only one
// with defaults.
const Local = "local"

// localDefaults are the local stack's settings where none is given.
var localDefaults = map[string]string{
	"TABLE_NAME":            "karta",
	"FILES_BUCKET":          "karta-files",
	"MAIL_FROM":             "Karta Mieszkańca <no-reply@karta.example>",
	"PORTAL_URL":            "http://127.0.0.1:3000/portal",
	"DECISION_SERVICE_DAYS": "14",
}

// Load reads the configuration of a function with the given needs; getenv is
// os.Getenv outside tests.
func Load(getenv func(string) string, needs routes.Needs) (Config, error) {
	stage := strings.TrimSpace(getenv("STAGE"))
	get := func(k string) string {
		if v := strings.TrimSpace(getenv(k)); v != "" {
			return v
		}
		if stage == Local {
			return localDefaults[k]
		}
		return ""
	}
	c := Config{
		Stage:            stage,
		TableName:        get("TABLE_NAME"),
		UserPoolID:       get("USER_POOL_ID"),
		UserPoolClientID: get("USER_POOL_CLIENT_ID"),
		FilesBucket:      get("FILES_BUCKET"),
		MailFrom:         get("MAIL_FROM"),
		MailConfigSet:    get("MAIL_CONFIGURATION_SET"),
		PortalURL:        strings.TrimSuffix(get("PORTAL_URL"), "/"),
		LogLevel:         get("LOG_LEVEL"),
		SigningKeyID:     get("SIGNING_KEY_ID"),
		QRSigningKey:     get("QR_SIGNING_KEY"),
	}
	if c.LogLevel == "" {
		c.LogLevel = "info"
	}
	var daysErr error
	if v := get("DECISION_SERVICE_DAYS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 365 {
			daysErr = fmt.Errorf("DECISION_SERVICE_DAYS %q is not a whole number of days from 1 to 365", v)
		} else {
			c.DecisionDays = n
		}
	} else if needs.Table == routes.WriteTable {
		daysErr = errors.New("DECISION_SERVICE_DAYS is not set")
	}
	c.DocumentRetentionDays = DefaultDocumentRetentionDays
	if v := get("DOCUMENT_RETENTION_DAYS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 3650 {
			return c, fmt.Errorf("DOCUMENT_RETENTION_DAYS %q is not a number of days from 1 to 3650", v)
		}
		c.DocumentRetentionDays = n
	}
	return c, errors.Join(c.Check(needs), daysErr)
}

// Check reports every setting a function with these needs lacks or has wrong.
func (c Config) Check(needs routes.Needs) error {
	var errs []error
	missing := func(name, v string) {
		if v == "" {
			errs = append(errs, fmt.Errorf("%s is not set", name))
		}
	}
	missing("STAGE", c.Stage)
	if needs.Table != routes.NoTable {
		missing("TABLE_NAME", c.TableName)
	}
	if needs.Identity {
		missing("USER_POOL_ID", c.UserPoolID)
		missing("USER_POOL_CLIENT_ID", c.UserPoolClientID)
	}
	if needs.FilesRead || needs.FilesWrite {
		missing("FILES_BUCKET", c.FilesBucket)
	}
	if needs.Mail {
		missing("MAIL_FROM", c.MailFrom)
	}
	if needs.Signing && c.SigningKeyID == "" && c.QRSigningKey == "" {
		errs = append(errs, errors.New("SIGNING_KEY_ID is not set"))
	}
	// Links in mail are made where the mailed token is made (any writer) or
	// where the mail is rendered.
	if needs.Mail || needs.Table == routes.WriteTable {
		missing("PORTAL_URL", c.PortalURL)
	}
	if c.PortalURL != "" {
		if u, err := url.Parse(c.PortalURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			errs = append(errs, fmt.Errorf("PORTAL_URL %q is not an http(s) URL", c.PortalURL))
		} else if c.Stage != Local && c.Stage != "test" && u.Scheme != "https" {
			errs = append(errs, errors.New("PORTAL_URL must be https outside the local stack"))
		}
	}
	if c.Stage != Local && c.Stage != "test" && c.QRSigningKey != "" {
		errs = append(errs, errors.New("QR_SIGNING_KEY is for the local stack; deployed stages sign with KMS (SIGNING_KEY_ID)"))
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		errs = append(errs, fmt.Errorf("LOG_LEVEL %q is not one of debug, info, warn, error", c.LogLevel))
	}
	return errors.Join(errs...)
}
