# Thalweg: `make up` runs the backbone, `make test` passes the tests. Both set up a fresh machine.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# --test-force-exit: a client a failed test left open must not hold the run until CI's limit.
NODE_TEST := node --import tsx --test --test-reporter=spec --test-force-exit
FIND_TESTS = find services tests compose -name '$(1)' -not -path '*/node_modules/*' | sort
UNIT_TESTS = $(shell find services compose -name '*.test.ts' -not -name '*.int.test.ts' -not -name '*.e2e.test.ts' -not -path '*/node_modules/*' | sort)
INT_TESTS = $(shell $(call FIND_TESTS,*.int.test.ts))
E2E_TESTS = $(shell $(call FIND_TESTS,*.e2e.test.ts))
STACK := bash compose/native/stack.sh
SERVICES := bash compose/native/services.sh
THALWEG := services/cli/bin/thalweg
# Tests, the CLI and the benchmark connect where the stack says it listens (THALWEG_PORT_OFFSET moves it).
STACK_ENV := set -a; f="$${THALWEG_HOME:-.thalweg}/stack.env"; [ ! -f "$$f" ] || . "$$f"; set +a;

.PHONY: help up down status reset deps stack check check-compose test test-unit test-policies test-rules test-int test-e2e test-fuzz bench

help: ## list the targets
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

node_modules/.package-lock.json: package-lock.json
	npm ci --no-audit --no-fund

deps: node_modules/.package-lock.json ## install npm dependencies

up: deps ## run the backbone: native stack (or docker compose where an engine runs) and the services
	@if docker info >/dev/null 2>&1 && docker compose version >/dev/null 2>&1; then \
		docker compose -f compose/docker-compose.yml up -d --build; \
	else \
		$(STACK) up && $(SERVICES) up; \
	fi

down: ## stop the services and the stack
	-$(SERVICES) down
	$(STACK) down

status: ## where everything runs
	@$(STACK) status; echo; $(SERVICES) status

reset: ## stop and wipe the stack's data (downloads are kept)
	-$(SERVICES) down
	$(STACK) reset

stack: deps ## start the native stack and apply topics and schemas (what the tests need)
	$(STACK) up
	$(STACK_ENV) $(THALWEG) topics apply
	$(STACK_ENV) $(THALWEG) schemas register

check: deps ## typecheck, offline schema compatibility, generated types and AsyncAPI document up to date
	npx tsc -b
	$(THALWEG) schemas check
	$(THALWEG) schemas generate --check
	$(THALWEG) asyncapi --check

check-compose: deps ## offline checks of compose/ (docker compose config, promtool, otelcol; tools built once into .thalweg/)
	bash compose/check.sh --install-tools

test-unit: deps ## unit tests (no I/O)
	$(NODE_TEST) $(UNIT_TESTS)

test-policies: ## Rego policy checks and tests (OPA is built on first use)
	$(STACK) run opa check --v1-compatible --strict policies/
	$(STACK) run opa test policies/ -v
	$(STACK) run opa test policies/ --coverage --threshold 100 >/dev/null

test-rules: stack ## alert rules: promtool check and unit tests, with the native Prometheus's own promtool
	$(STACK) run promtool check rules observability/prometheus/rules/thalweg.yml
	$(STACK) run promtool test rules observability/prometheus/rules/thalweg.test.yml

# Two integration test files at a time: they wait on the stack far more than they compute, and each
# has its own topics, groups, databases and ports (node's default here is one file at a time).
INT_CONCURRENCY ?= 2

test-int: stack ## integration tests against the real native stack (Typesense included)
	$(STACK_ENV) $(NODE_TEST) --test-concurrency=$(INT_CONCURRENCY) $(INT_TESTS)

test-e2e: stack ## end-to-end tests through the service processes and their HTTP APIs
	$(STACK_ENV) $(NODE_TEST) $(E2E_TESTS)

test-fuzz: stack ## schemathesis against the three APIs, every check and phase (docs/api-fuzzing.md)
	$(STACK_ENV) $(NODE_TEST) tests/e2e/api-fuzz.fuzz.test.ts

test: check test-unit test-policies test-rules test-int test-e2e test-fuzz ## the whole suite; sets up what it needs

bench: stack ## producer SDK, projections and their rebuilds, API guards, the ledger processor and what tracing costs; see docs/benchmarks.md
	$(STACK_ENV) node --import tsx bench/run.ts
	$(STACK_ENV) node --import tsx bench/ledger-rebuild.ts
	$(STACK_ENV) node --import tsx bench/api-guards.ts
	$(STACK_ENV) node --import tsx bench/document-projections.ts
	$(STACK_ENV) node --import tsx bench/processor.ts
	$(STACK_ENV) node --import tsx bench/telemetry-cost.ts
