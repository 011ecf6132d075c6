# Signpost edge. `make run` and `make test` are the two commands; both work on a fresh machine.
GO      ?= go
BIN     := bin/edge
VERSION ?= $(shell git describe --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -s -w -X main.version=$(VERSION)

.PHONY: run build test test-long test-deps bench bench-feedback bench-nginx lint check fuzz clean

## run: serve the embedded default content on :8080 (EDGE_ADDR to change) and print where to look
run:
	$(GO) run -ldflags "$(LDFLAGS)" ./cmd/edge serve

## build: a static binary in bin/edge
build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/edge

## test: install what the tests need when missing (Chromium, Firefox, WebKit, redis-server, npm
## packages), then, side by side, go vet and every test: with -race but for the browser-driven
## widget and console tests, which run beside them; each fuzz target on its seed corpus (fuzzing: make fuzz)
test: test-deps
	@./scripts/test.sh

## test-long: make test with the long browser scenarios in full (SIGNPOST_TEST_LONG=1): the phone
## banner's every region and language in each of the three engines (make test: each in one)
test-long: test-deps
	@SIGNPOST_TEST_LONG=1 ./scripts/test.sh

test-deps:
	@./scripts/test-deps.sh

## bench: handler and pipeline benchmarks with allocations, and the feedback intake load run
## (accepted/s and p99 at 1, 16 and 256 clients, embedded and Redis mode, over 127.0.0.1);
## then the scale-out runs against real edge processes and redis-server: propagation delay
## (p50/p99 over 100 changes, single Redis and Cluster) and snippet requests/s at 1, 16, 64 clients
bench: test-deps
	$(GO) test -run '^$$' -bench . -benchmem -count 1 ./...
	SIGNPOST_SCALEOUT_BENCH=1 $(GO) test -run '^$$' -bench 'Propagation|SnippetsRPS' -benchtime 1x -count 1 ./cmd/edge

## bench-nginx: the edge against nginx (gzip_static) and a bare fasthttp handler (the ceiling)
## on the same bytes, servers on one core and wrk at 64 connections on the other, edge and bare
## in 21 alternating one-second rounds (median ratio) beside an A/A control of two identical
## bare servers; the edge's memory with 10,000 idle keep-alive connections (installs nginx, wrk)
bench-nginx:
	@./scripts/bench-vs-nginx.sh

## bench-feedback: only the feedback intake load run, 2 s per case
bench-feedback: test-deps
	$(GO) test -run '^$$' -bench FeedbackIntake -benchtime 2s -count 1 ./server/intake

## fuzz: every fuzz target (request parsers, feedback, line-report and beacon bodies, admin JSON
## edits, the content loader, duplicate-key check, line diff), 30 s each; FUZZTIME=5m for longer
fuzz:
	FUZZTIME=$${FUZZTIME:-30s} ./scripts/fuzz.sh

## lint: formatting and vet
lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

## check: validate configs/content.yaml
check:
	$(GO) run ./cmd/edge check

clean:
	rm -rf bin
