# motcua — queue and kiosk controller of a one-stop public service center.
# `make help` lists the targets.

GO      ?= go
BIN     ?= bin/motcua
CONFIG  ?= configs/demo.yaml
DATA    ?= data
FUZZTIME ?= 10s

.PHONY: help run build test test-deps bench vet fmt fuzz screens

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

run: ## serve the demo center (configs/demo.yaml) at 127.0.0.1:8080, no hardware needed
	$(GO) run ./cmd/motcua serve --config $(CONFIG) --data $(DATA)

build: ## build bin/motcua
	$(GO) build -o $(BIN) ./cmd/motcua

test-deps: ## install the tools the tests drive (socat, zbar-tools, chromium, espeak-ng; axe-core into ~/.cache)
	@scripts/test-deps.sh

test: test-deps ## vet, every test with the race detector, then each fuzz target briefly
	$(GO) vet ./...
	$(GO) test -race -count=1 ./...
	$(MAKE) --no-print-directory fuzz FUZZTIME=5s

bench: build ## load generator (group commit vs one commit per ticket) and Go benchmarks; see docs/BENCHMARKS.md
	$(GO) build -o bin/motcua-load ./cmd/motcua-load
	bin/motcua-load --spawn $(BIN) --config configs/demo.yaml
	$(GO) test -run '^$$' -bench . -benchmem ./...

vet: ## go vet
	$(GO) vet ./...

fmt: ## gofmt the tree
	gofmt -w .

fuzz: ## run each fuzz target for FUZZTIME (default 10s): scan payloads, upstream answers
	$(GO) test -run '^$$' -fuzz '^FuzzParse$$' -fuzztime $(FUZZTIME) ./kiosk/lookup
	$(GO) test -run '^$$' -fuzz '^FuzzMap$$' -fuzztime $(FUZZTIME) ./kiosk/dossier/upstream

screens: ## refresh docs/screens: kiosk, console, rating, reports, lobby (both orientations), counter screen, phone ticket and receipt pages (headless Chromium)
	MOTCUA_SCREENS=$(CURDIR)/docs/screens $(GO) test -count=1 -run '^TestScreenshots$$' ./cmd/motcua
