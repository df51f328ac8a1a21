package main

import (
	"encoding/json"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"
	"github.com/kartamieszkanca/platform/shared/routes"
)

func TestMail(t *testing.T) {
	f := dev(t)
	check(t, "address identity with the configuration set", func() {
		f.parent.HasResourceProperties(jsii.String("AWS::SES::EmailIdentity"), obj(map[string]interface{}{
			"EmailIdentity":              "no-reply@example.com",
			"ConfigurationSetAttributes": map[string]interface{}{"ConfigurationSetName": map[string]interface{}{"Ref": assertions.Match_AnyValue()}},
		}))
	})
	check(t, "configuration set", func() {
		f.parent.HasResourceProperties(jsii.String("AWS::SES::ConfigurationSet"), obj(map[string]interface{}{
			"Name": "KartaMieszkanca-dev-mail",
		}))
	})
	check(t, "encrypted, TLS-only dead-letter queue", func() {
		f.parent.HasResourceProperties(jsii.String("AWS::SQS::Queue"), obj(map[string]interface{}{
			"SqsManagedSseEnabled": true,
		}))
		f.parent.HasResourceProperties(jsii.String("AWS::SQS::QueuePolicy"), obj(map[string]interface{}{
			"PolicyDocument": assertions.Match_ObjectLike(obj(map[string]interface{}{
				"Statement": assertions.Match_ArrayWith(&[]interface{}{assertions.Match_ObjectLike(obj(map[string]interface{}{
					"Effect":    "Deny",
					"Condition": map[string]interface{}{"Bool": map[string]interface{}{"aws:SecureTransport": "false"}},
				}))}),
			})),
		}))
	})

	esms := resources(f.templates(), "AWS::Lambda::EventSourceMapping")
	prefixes := map[string]bool{}
	for _, j := range routes.Jobs {
		if j.Stream != "" {
			prefixes[j.Stream] = true
		}
	}
	if len(esms) != len(prefixes) {
		t.Fatalf("want one event source mapping per stream job (%d), got %d", len(prefixes), len(esms))
	}
	seen := map[string]bool{}
	for _, r := range esms {
		p := props(r)
		if p["StartingPosition"] != "TRIM_HORIZON" || p["BisectBatchOnFunctionError"] != true ||
			p["MaximumRetryAttempts"] != float64(streamRetryAttempts) {
			t.Errorf("stream mapping: %v", p)
		}
		dest, _ := json.Marshal(p["DestinationConfig"])
		if want := `{"OnFailure":{"Destination":{"Fn::GetAtt":["MailDeadLetterQueue`; len(dest) < len(want) || string(dest[:len(want)]) != want {
			t.Errorf("on-failure destination: %s", dest)
		}
		filters := p["FilterCriteria"].(map[string]interface{})["Filters"].([]interface{})
		if len(filters) != 1 {
			t.Fatalf("filters: %v", filters)
		}
		var pattern map[string]interface{}
		if err := json.Unmarshal([]byte(filters[0].(map[string]interface{})["Pattern"].(string)), &pattern); err != nil {
			t.Fatal(err)
		}
		got, _ := json.Marshal(pattern)
		matched := false
		for prefix := range prefixes {
			want := `{"dynamodb":{"Keys":{"PK":{"S":[{"prefix":"` + prefix + `"}]}}},"eventName":["INSERT"]}`
			if string(got) == want {
				matched, seen[prefix] = true, true
			}
		}
		if !matched {
			t.Errorf("filter pattern %s matches no stream job's prefix", got)
		}
	}
	if len(seen) != len(prefixes) {
		t.Errorf("stream prefixes fed: %v, want %v", seen, prefixes)
	}

	fns := functionsOf(t, f)
	sender, ok := fns["mail-sender"]
	if !ok {
		t.Fatal("no mail-sender function")
	}
	if sender.props["Timeout"] != float64(jobTimeoutSec) {
		t.Errorf("mail-sender timeout %v", sender.props["Timeout"])
	}
	env := sender.env()
	if env[EnvMailFrom] != "no-reply@example.com" || env[EnvMailConfigurationSet] == nil {
		t.Errorf("mail-sender env %v", env)
	}
	var sesResources interface{}
	for _, s := range sender.statements {
		if s["Action"] == "ses:SendEmail" {
			sesResources = s["Resource"]
		}
	}
	res, _ := json.Marshal(sesResources)
	if sesResources == nil || len(sesResources.([]interface{})) != 2 {
		t.Errorf("ses:SendEmail should be granted on the identity and the configuration set, got %s", res)
	}
	for name, fi := range fns {
		if name != "mail-sender" && (fi.actions()["ses:SendEmail"] || fi.env()[EnvMailFrom] != nil) {
			t.Errorf("%s may send mail; only functions with Needs.Mail may", name)
		}
	}
}

func TestMailDomainIdentity(t *testing.T) {
	p := prod(t)
	check(t, "domain identity", func() {
		p.parent.HasResourceProperties(jsii.String("AWS::SES::EmailIdentity"), obj(map[string]interface{}{
			"EmailIdentity": "karta.example.pl",
		}))
	})
	check(t, "DKIM records as outputs", func() {
		p.parent.HasOutput(jsii.String("DkimRecord1"), obj(map[string]interface{}{}))
		p.parent.HasOutput(jsii.String("DkimRecord3"), obj(map[string]interface{}{}))
	})
	env := functionsOf(t, p)["mail-sender"].env()
	if env[EnvMailFrom] != "no-reply@karta.example.pl" || env[EnvPortalURL] != "https://karta.example.pl" {
		t.Errorf("prod mail-sender env %v", env)
	}
}
