# motcua — queue and kiosk controller of a one-stop public service center.
# `make help` lists the targets.

GO      ?= go
BIN     ?= bin/motcua
CONFIG  ?= configs/demo.yaml
DATA    ?= data
FUZZTIME ?= 10s
STATICCHECK ?= honnef.co/go/tools/cmd/staticcheck@v0.8.2

# A release binary: static (no cgo: SQLite is pure Go), no build paths, no
# symbol tables, and gin without its msgpack codec (the API speaks JSON only).
RELEASE_ENV   = CGO_ENABLED=0
RELEASE_FLAGS = -trimpath -ldflags "-s -w" -tags nomsgpack

.PHONY: demo-province help run build build-arm64 build-armv7 test test-deps lint bench vet fmt fuzz screens

help: ## list the targets
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

run: ## serve the demo center (configs/demo.yaml) at 127.0.0.1:8080, no hardware needed
	$(GO) run ./cmd/motcua serve --config $(CONFIG) --data $(DATA)

demo-province: ## a province hub (127.0.0.1:8090, quantri/demo) and three demo centers (8081-8083); PostgreSQL started when none answers
	@scripts/demo-province.sh

build: ## build bin/motcua for this machine: static, stripped (under 48 MB: the center and the province hub with its embedded NATS server)
	$(RELEASE_ENV) $(GO) build $(RELEASE_FLAGS) -o $(BIN) ./cmd/motcua

build-arm64: ## build bin/motcua-linux-arm64 (Raspberry Pi 4/5, 64-bit OS; ARM mini PCs)
	$(RELEASE_ENV) GOOS=linux GOARCH=arm64 $(GO) build $(RELEASE_FLAGS) -o bin/motcua-linux-arm64 ./cmd/motcua

build-armv7: ## build bin/motcua-linux-armv7 (Raspberry Pi 2/3/4 with a 32-bit OS)
	$(RELEASE_ENV) GOOS=linux GOARCH=arm GOARM=7 $(GO) build $(RELEASE_FLAGS) -o bin/motcua-linux-armv7 ./cmd/motcua

test-deps: ## install the tools the tests drive (socat, zbar-tools, chromium, espeak-ng, postgresql; axe-core into ~/.cache)
	@scripts/test-deps.sh

test: test-deps lint ## lint, the release build's promises, every test with the race detector, then each fuzz target briefly
	@scripts/check-release.sh
	$(GO) test -race -count=1 -timeout 30m ./...
	$(MAKE) --no-print-directory fuzz FUZZTIME=5s

lint: ## gofmt check, go vet, staticcheck, and the import rules between packages
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(GO) run $(STATICCHECK) ./...
	@scripts/check-imports.sh

bench: build ## load generator (group commit vs one commit per ticket; hub link up, down, draining), the province fleet and Go benchmarks; see docs/BENCHMARKS.md
	$(GO) build -o bin/motcua-load ./cmd/motcua-load
	bin/motcua-load --spawn $(BIN) --config configs/bench.yaml
	bin/motcua-load --link --spawn $(BIN) --config configs/bench.yaml
	bin/motcua-load --link --rate 200 --spawn $(BIN) --config configs/bench.yaml
	$(GO) test -run '^$$' -bench Fleet -benchtime 1x -timeout 30m ./province/fleetbench/
	$(GO) test -run '^$$' -bench . -benchmem -timeout 30m $$($(GO) list ./... | grep -v /province/fleetbench) # the province report loads 3 million tickets first

vet: ## go vet
	$(GO) vet ./...

fmt: ## gofmt the tree
	gofmt -w .

fuzz: ## run each fuzz target for FUZZTIME (default 10s): scan payloads, upstream answers, stored ticket records, ID numbers, board templates, pushed DongBoHoSoMC records, booking codes
	$(GO) test -run '^$$' -fuzz '^FuzzParse$$' -fuzztime $(FUZZTIME) ./kiosk/lookup
	$(GO) test -run '^$$' -fuzz '^FuzzMap$$' -fuzztime $(FUZZTIME) ./kiosk/dossier/upstream
	$(GO) test -run '^$$' -fuzz '^FuzzDecodeRecord$$' -fuzztime $(FUZZTIME) ./queue
	$(GO) test -run '^$$' -fuzz '^FuzzNumber$$' -fuzztime $(FUZZTIME) ./internal/identity
	$(GO) test -run '^$$' -fuzz '^FuzzTemplate$$' -fuzztime $(FUZZTIME) ./devices/counterboard
	$(GO) test -run '^$$' -fuzz '^FuzzDecode$$' -fuzztime $(FUZZTIME) ./kiosk/dossier/dongbo
	$(GO) test -run '^$$' -fuzz '^FuzzVerify$$' -fuzztime $(FUZZTIME) ./province/booking

screens: ## refresh docs/screens: kiosk, console, rating, reports, lobby (both orientations), counter screen, phone ticket and receipt pages, the hub's fleet and center pages (headless Chromium)
	MOTCUA_SCREENS=$(CURDIR)/docs/screens $(GO) test -count=1 -run '^(TestScreenshots|TestFleetPagesInTheBrowser)$$' ./cmd/motcua
