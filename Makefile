# Tank Arena — the commands a developer and CI need.
# `make test` is the one CI runs. It first installs what it needs besides Go (scripts/deps.sh:
# Node.js, npm and Chromium with apt-get as root, or says the command to run), then the npm
# packages from the committed lockfile.
# The benchmark and soak tooling under bench/ is a module of its own (tankarena/bench), so what
# only it needs stays out of the game's go.mod; the targets below cover both modules.

GO       ?= go
GOFILES  := $(shell find . -name '*.go' -not -path './compat/node_modules/*' -not -path './.git/*')

.PHONY: test deps fmt-check vet compat-deps gotest fuzz-short fuzz soak run cluster bench

## test: format check, vet, and every Go test of both modules under the race detector (incl. the npm compatibility tests)
test: deps fmt-check vet compat-deps gotest fuzz-short

## deps: Node.js, npm and Chromium, installed with apt-get when missing (as root; otherwise the command is printed)
deps:
	scripts/deps.sh

fmt-check:
	@out=$$(gofmt -l $(GOFILES)); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...
	cd bench && $(GO) vet ./...

## compat-deps: the official socket.io / engine.io packages, exactly as locked
compat-deps: deps compat/node_modules/.package-lock.json

compat/node_modules/.package-lock.json: compat/package.json compat/package-lock.json
	cd compat && npm ci --no-audit --no-fund

gotest: deps
	$(GO) test -race -count=1 ./...
	cd bench && $(GO) test -race -count=1 ./...

## fuzz-short: every fuzz target for a few seconds (part of `make test`)
fuzz-short:
	scripts/fuzz.sh $${FUZZTIME_SHORT:-5s}

## fuzz: every fuzz target for longer (FUZZTIME=10m by default)
fuzz:
	scripts/fuzz.sh $${FUZZTIME:-10m}

## soak: 200 bots play against an in-process server for SOAK (default 5m), e.g. SOAK=30s make soak
soak:
	cd bench && SOAK=$${SOAK:-5m} $(GO) test -count=1 -timeout 0 -run '^TestSoak$$' -v ./soak/

## run: start the game server on :8080
run:
	$(GO) run .

## cluster: redis-server and three nodes on it, on :8080-:8082, until Ctrl-C (README "Several machines")
cluster:
	scripts/cluster.sh $(CLUSTERFLAGS)

## bench: our server against the official Node socket.io server, one run, table of ratios; then the game's
## capacity, admission past it, and two nodes on a redis-server of its own against one (README "Performance")
## (several minutes on 2 cores; BENCHFLAGS="-reps 3 -window 30s ..." for bigger runs, see `bench/out/benchrun -h`)
bench: compat-deps
	$(GO) build -o bench/out/ .
	cd bench && $(GO) build -o out/ ./fanoutserver ./loadgen ./benchrun
	bench/out/benchrun $(BENCHFLAGS)
