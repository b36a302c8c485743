# The two commands of the README: `make run` and `make test`. Each installs what it needs.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
UV_VERSION := 0.13.9
UV := .tools/bin/uv
CONNECTORS := $(wildcard connectors/source-*)
# Stock Airbyte connectors, unmodified: only their environments are ours (no tests of their own here)
STOCK_CONNECTORS := $(wildcard connectors/stock/source-*)
export UV_PYTHON := 3.11
export AIRBYTE_OFFLINE_MODE := 1
export DO_NOT_TRACK := 1
export GX_ANALYTICS_ENABLED := false
export SQLMESH__DISABLE_ANONYMIZED_ANALYTICS := 1
# Install bytecode with the packages: with PYTHONDONTWRITEBYTECODE set (as on CI machines) every
# process would otherwise recompile SQLMesh, GX, PyAirbyte and the CDK from source at each start.
export UV_COMPILE_BYTECODE := 1

# Pass options to the pipeline, e.g. `make run ARGS="--new-carts 25"` or `ARGS="--profile large"`.
ARGS ?=
PYTHON_CODE := src tests benchmarks connectors simulators pyairbyte macros bigquery_emulator airbyte_platform

.PHONY: help setup browser run test test-connectors test-project lint docs gate plan report export clean

help:
	@echo "make run    - the whole pipeline on the embedded default (simulator -> DuckDB -> models -> gate)"
	@echo "make test   - every test (connectors, SQLMesh unit tests, simulators, end to end)"
	@echo "make setup  - only create the environments (uv, root, pyairbyte, each connector)"
	@echo "make plan   - sqlmesh plan dev with the loads pinned (ENV=dev)"
	@echo "make export - promoted marts as Parquet/CSV to a folder or s3://, or to md: (ARGS=\"--all --to data/exports/\")"
	@echo "make lint   - lock files current, ruff (check + format), mypy on src/, sqlfluff, sqlmesh format + lint, docs current"
	@echo "make docs   - regenerate docs/columns.md (each model column's raw field or parent columns) from the models"
	@echo "make bench  - timings beside their floors at two scales, appended to benchmarks/RESULTS.md"
	@echo "make test-bigquery-live - opt-in: plan the project into a BigQuery sandbox (GCP_PROJECT + credentials), bytes billed per model, clean up"
	@echo "make airbyte-plan / airbyte-apply - what an Airbyte instance lacks / make it match airbyte_config/ (AIRBYTE_* variables; README)"
	@echo "make connector-images - opt-in: build the custom connectors' images and run spec, check, read in them (docker or podman)"

# uv itself, pinned, in a private venv: nothing is installed by hand or globally.
$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

# Three kinds of environment that cannot share a venv (docs/architecture.md): the root project
# (SQLMesh, GX), the PyAirbyte runner, and one per connector with its own airbyte-cdk.
setup: $(UV)
	$(UV) sync --locked --quiet
	$(UV) sync --locked --quiet --project pyairbyte
	$(UV) sync --locked --quiet --project bigquery_emulator
	$(UV) sync --locked --quiet --project airbyte_platform
	@for c in $(CONNECTORS) $(STOCK_CONNECTORS); do $(UV) sync --locked --quiet --project $$c || exit 1; done
	@.venv/bin/python -m compileall -q src >/dev/null

run: setup
	.venv/bin/commerce-stack run $(ARGS)

# Headless Chromium renders the stewards' report in a test: Debian's package, installed once.
SUDO := $(if $(filter 0,$(shell id -u)),,sudo -n)
browser:
	@command -v chromium >/dev/null || { \
	  echo "installing Debian chromium (the report is rendered in a real browser by the tests)"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
	  $(SUDO) apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null; }

# Every test, then the ten slowest of each pytest run and the whole time (budget: README, Contributing).
# The connectors' tests and lint run beside the project's suite (they use the third of the machine
# its workers leave); each part's output is shown whole when it ends.
PYTEST := python -m pytest -q --durations=10 -p no:cacheprovider
test: setup browser
	@start=$$(date +%s); \
	$(MAKE) --no-print-directory -j3 --output-sync=target test-connectors test-project lint || exit 1; \
	echo "make test: every test passed in $$(( $$(date +%s) - start )) s"

# The connectors and the two programs that run them (beside the project's suite, which starts at once)
test-connectors:
	@for c in $(CONNECTORS); do \
	  echo "== $$c"; (cd $$c && ../../$(UV) run --locked --quiet $(PYTEST) unit_tests integration_tests) || exit 1; \
	done
	@echo "== pyairbyte (the local runner)"
	cd pyairbyte && .venv/bin/$(PYTEST)
	@echo "== airbyte_platform (commerce-stack airbyte apply, against a fake Airbyte API)"
	cd airbyte_platform && .venv/bin/$(PYTEST)

test-project:
	@echo "== the project: simulators, transform, quality, pipeline end to end (three workers)"
	.venv/bin/$(PYTEST) -n 3 --dist loadscope --no-loadscope-reorder

# Opt-in, against a real BigQuery project, never part of `make test`: plans the whole project into
# a sandbox environment with its audits, prints the bytes billed per model and deletes the sandbox
# (tests/bigquery_live). Without GCP_PROJECT and credentials it prints why it skipped.
.PHONY: test-bigquery-live
test-bigquery-live: setup
	.venv/bin/$(PYTEST) -m bigquery_live tests/bigquery_live

lint:
	@for p in . pyairbyte bigquery_emulator airbyte_platform $(CONNECTORS) $(STOCK_CONNECTORS); do $(UV) lock --check --quiet --project $$p || { echo "$$p/uv.lock is stale: run $(UV) lock --project $$p"; exit 1; }; done
	.venv/bin/python -m commerce_stack.airbyte_instance.images --check-requirements
	.venv/bin/ruff check $(PYTHON_CODE)
	.venv/bin/ruff format --check $(PYTHON_CODE)
	.venv/bin/mypy
	.venv/bin/sqlfluff lint models audits
	.venv/bin/commerce-stack sqlmesh format --check
	.venv/bin/commerce-stack sqlmesh lint
	.venv/bin/commerce-stack docs --check

docs: setup
	.venv/bin/commerce-stack docs

ENV ?= dev
plan: setup
	.venv/bin/commerce-stack sqlmesh plan $(ENV)

gate: setup
	.venv/bin/commerce-stack gate

report: setup
	.venv/bin/commerce-stack report

# The marts prod serves, as files: e.g. `make export ARGS="--all --to data/exports/ --format csv"`
# (README, Exports). Recorded in dq.exports; never part of `make run`.
export: setup
	.venv/bin/commerce-stack export $(ARGS)

# The pipeline's costs beside their floors, measured in the same run, at two scales
# (benchmarks/pipeline; appends to benchmarks/RESULTS.md). Never part of `make test`.
# `make bench SCALES=default` for a quick pass (~4 min); both scales take ~15 min on 2 cores.
SCALES ?= default,large
.PHONY: bench
bench: setup
	.venv/bin/python -m benchmarks.pipeline --scales $(SCALES)

# An Airbyte instance as code (README, "Syncs in Airbyte's UI"): the plan, then the changes.
# ARGS="--overwrite" replaces what was changed in the UI; ARGS="--connection tinyerp" limits it.
.PHONY: airbyte-plan airbyte-apply connector-images connector-requirements
airbyte-plan: setup
	.venv/bin/commerce-stack airbyte plan $(ARGS)

airbyte-apply: setup
	.venv/bin/commerce-stack airbyte apply $(ARGS)

# Opt-in, never part of `make test`: needs docker or podman and the connectors' base image; without
# them it prints one line saying which is missing.
connector-images: setup
	.venv/bin/python -m commerce_stack.airbyte_instance.images

# The custom images' requirements.txt, exported again from their uv.lock (after a lock change).
connector-requirements: $(UV)
	.venv/bin/python -m commerce_stack.airbyte_instance.images --write-requirements

clean:
	rm -rf data .cache
