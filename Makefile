# Karta Mieszkańca — the resident card platform's backend.
# `make dev` runs the platform locally; `make test` runs the tests. Both install
# what they need (pinned) on first use.

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
GO ?= go
FUNCTIONS := $(notdir $(wildcard functions/*))
LAMBDA_FLAGS := -trimpath -tags lambda.norpc -ldflags "-s -w"
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := 20
export CDK_DISABLE_CLI_TELEMETRY := 1
export CDK_DISABLE_VERSION_CHECK := 1

.PHONY: help sizes deps dev test test-go test-infra cover build bench load fuzz invoke events lint functions synth deploy clean

help:
	@echo "make dev      run the platform locally (API on :3000, mail inbox on :8005)"
	@echo "make test     run every test (starts and stops the emulators itself)"
	@echo "make cover    coverage of shared/... by the emulator tests, per package"
	@echo "make build    build every function as an arm64 bootstrap under build/functions/"
	@echo "make bench    measure binary sizes, init times and round trips into docs/performance.md"
	@echo "make sizes    build every function for arm64 and fail if one is over 10 MB (no emulators)"
	@echo "make load     a minute of mixed load (vegeta) against the local stack: 5xx, lost writes, p99"
	@echo "make fuzz     every fuzz target for FUZZTIME (30s) each, on the emulators"
	@echo "make invoke   run one function with an event: make invoke FN=health EVENT=events/health.json"
	@echo "make events   write the missing sample events (every function has one) from the route table and openapi.yaml"
	@echo "make lint     gofmt, go vet, staticcheck"
	@echo "make synth    write the CDK cloud assembly to cdk.out/ (no AWS account needed)"
	@echo "make deploy   deploy with the CDK CLI (see infra/cdk/README.md)"

deps:
	@infra/local/install.sh

dev: deps
	$(GO) run ./infra/local/cmd/localstack dev

test: deps test-go test-infra

test-go:
	$(GO) run ./infra/local/cmd/localstack run -- $(GO) test -count=1 ./...

test-infra:
	cd infra/cdk && CDK_OUTDIR=$(CURDIR)/build/cdk.out.test $(GO) test -count=1 ./...

# Coverage of shared/... by every test binary (the emulator tests included),
# one figure per package: a block counts once, covered if any binary ran it.
cover: deps
	@mkdir -p build
	$(GO) run ./infra/local/cmd/localstack run -- $(GO) test -count=1 -coverpkg=./shared/... -coverprofile=build/cover.out ./... >/dev/null
	@awk -F'[: ,]' 'NR>1 { n=split($$1,p,"/"); pkg=p[1]; for(i=2;i<n;i++) pkg=pkg"/"p[i]; \
	    sub("github.com/kartamieszkanca/platform/","",pkg); b=$$1":"$$2","$$3; if(!(b in st)){st[b]=$$4; pk[b]=pkg} if($$5>0) hit[b]=1 } \
	  END { for(b in st){ tot[pk[b]]+=st[b]; if(b in hit) cov[pk[b]]+=st[b]; T+=st[b]; if(b in hit) C+=st[b] } \
	    for(k in tot) printf "%-22s %5.1f%%\n", k, 100*cov[k]/tot[k] | "sort"; close("sort"); \
	    printf "%-22s %5.1f%%\n", "total", 100*C/T }' build/cover.out

build:
	@mkdir -p build/functions
	@for f in $(FUNCTIONS); do \
	  GOOS=linux GOARCH=arm64 CGO_ENABLED=0 $(GO) build $(LAMBDA_FLAGS) -o build/functions/$$f/bootstrap ./functions/$$f; \
	done
	@echo "built $(words $(FUNCTIONS)) functions into build/functions/"

bench: deps
	$(GO) run ./infra/local/cmd/localstack run -- $(GO) run ./infra/local/cmd/bench -out docs/performance.md
	$(MAKE) load

sizes:
	$(GO) run ./infra/local/cmd/bench -sizes

# A minute of mixed load at a fixed rate (vegeta): 0 5xx, 0 lost writes, p99;
# its figures go into docs/performance.md and .json beside make bench's.
load: deps
	KARTA_LOAD=1 $(GO) run ./infra/local/cmd/localstack run -- $(GO) test -count=1 -v -timeout 20m -run TestLoad ./infra/local/load/

invoke: deps
	@test -n "$(FN)" -a -n "$(EVENT)" || { echo "usage: make invoke FN=<function> EVENT=events/<file>.json"; exit 2; }
	$(GO) run ./infra/local/cmd/localstack run -- $(GO) run ./infra/local/cmd/invoke $(FN) $(EVENT)

# Every fuzz target (body decoders through every route, path ids, the JSON
# decoder) explored for FUZZTIME each; `make test` runs their seeds.
FUZZTIME ?= 30s
fuzz: deps
	$(GO) run ./infra/local/cmd/localstack run -- bash -c 'set -e; \
	  for file in $$(grep -rl --include="*_test.go" "^func Fuzz" shared infra events clients); do \
	    for target in $$(sed -n "s/^func \(Fuzz[A-Za-z0-9_]*\)(.*/\1/p" $$file); do \
	      echo "== $$target ($$(dirname $$file))"; \
	      $(GO) test -run "^$$" -fuzz "^$$target$$" -fuzztime $(FUZZTIME) -parallel 2 ./$$(dirname $$file); \
	    done; \
	  done'

# A sample event for every function that has none (routes, streams, jobs).
events:
	$(GO) run ./infra/local/cmd/events events

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(GO) run $(STATICCHECK) ./...
	cd infra/cdk && $(GO) vet ./... && $(GO) run $(STATICCHECK) ./...

functions:
	$(GO) test ./shared/catalog -run TestFunctionsWiring -update

synth: build
	cd infra/cdk && CDK_OUTDIR=$(CURDIR)/cdk.out $(GO) run .

deploy: build
	@echo "Deploying needs AWS credentials and a bootstrapped account: see infra/cdk/README.md."
	cd /tmp && npx --yes aws-cdk@2 deploy --app "cd $(CURDIR)/infra/cdk && go run ." --output $(CURDIR)/cdk.out $(CDK_ARGS)

clean:
	rm -rf build cdk.out .local/dev
