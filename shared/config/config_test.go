package config

import (
	"strings"
	"testing"

	"github.com/kartamieszkanca/platform/shared/routes"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

var writerWithIdentity = routes.Needs{Table: routes.WriteTable, Identity: true}

// A deployed function missing a setting its route needs fails at start.
func TestDeployedStageHasNoDefaults(t *testing.T) {
	_, err := Load(env(map[string]string{"STAGE": "prod"}), writerWithIdentity)
	if err == nil {
		t.Fatal("a prod function without settings loaded")
	}
	for _, want := range []string{"TABLE_NAME", "USER_POOL_ID", "USER_POOL_CLIENT_ID", "PORTAL_URL", "DECISION_SERVICE_DAYS"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not name %s: %v", want, err)
		}
	}
}

// Without STAGE nothing is assumed: not even that this is the local stack.
func TestStageRequired(t *testing.T) {
	_, err := Load(env(map[string]string{"TABLE_NAME": "t"}), routes.Needs{Table: routes.ReadTable})
	if err == nil || !strings.Contains(err.Error(), "STAGE") {
		t.Fatalf("err = %v, want STAGE not set", err)
	}
}

// Only what a function needs is required: health needs no table.
func TestOnlyNeedsRequired(t *testing.T) {
	if _, err := Load(env(map[string]string{"STAGE": "prod"}), routes.Needs{}); err != nil {
		t.Fatal(err)
	}
	_, err := Load(env(map[string]string{"STAGE": "prod", "TABLE_NAME": "t"}), routes.Needs{Table: routes.ReadTable})
	if err != nil {
		t.Fatal(err)
	}
	_, err = Load(env(map[string]string{"STAGE": "prod", "TABLE_NAME": "t"}), routes.Needs{Table: routes.ReadTable, FilesRead: true})
	if err == nil || !strings.Contains(err.Error(), "FILES_BUCKET") {
		t.Fatalf("err = %v, want FILES_BUCKET", err)
	}
	_, err = Load(env(map[string]string{"STAGE": "prod", "TABLE_NAME": "t"}), routes.Needs{Table: routes.ReadTable, Signing: true})
	if err == nil || !strings.Contains(err.Error(), "SIGNING_KEY_ID") {
		t.Fatalf("err = %v, want SIGNING_KEY_ID", err)
	}
}

func TestLocalDefaults(t *testing.T) {
	c, err := Load(env(map[string]string{"STAGE": "local", "USER_POOL_ID": "p", "USER_POOL_CLIENT_ID": "c"}), writerWithIdentity)
	if err != nil {
		t.Fatal(err)
	}
	if c.TableName != "karta" || c.PortalURL != "http://127.0.0.1:3000/portal" || c.LogLevel != "info" || c.DecisionDays != 14 {
		t.Fatalf("local defaults not applied: %+v", c)
	}
}

func TestDeployedRules(t *testing.T) {
	base := map[string]string{"STAGE": "prod", "TABLE_NAME": "t", "USER_POOL_ID": "p", "USER_POOL_CLIENT_ID": "c",
		"PORTAL_URL": "https://karta.example/portal", "SIGNING_KEY_ID": "k", "DECISION_SERVICE_DAYS": "21"}
	if _, err := Load(env(base), writerWithIdentity); err != nil {
		t.Fatal(err)
	}
	for k, v := range map[string]string{"PORTAL_URL": "http://karta.example", "QR_SIGNING_KEY": "x", "LOG_LEVEL": "loud", "DECISION_SERVICE_DAYS": "0"} {
		m := map[string]string{}
		for a, b := range base {
			m[a] = b
		}
		m[k] = v
		if _, err := Load(env(m), writerWithIdentity); err == nil || !strings.Contains(err.Error(), k) {
			t.Errorf("%s=%s: err = %v", k, v, err)
		}
	}
}
