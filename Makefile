# Two commands do all the set-up: `make run` and `make test`. Everything else is a step of them.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SPARK_STAMP := $(VENV)/.installed-spark

# Data and warehouse of the main job; override on the command line (make run SCALE=10).
LANDING ?= landing
SCALE ?= 1
SEED ?= 42
DAYS ?= 28
START_DATE ?= 2026-10-01
FAULT_RATE ?= 0.01
# The warehouse file: $$DUCKDB_PATH, else the default of ingest/settings.py (its one
# definition; plain python3 runs it, no virtualenv needed).
ifeq ($(strip $(DUCKDB_PATH)),)
DUCKDB_PATH := $(shell $(PYTHON) -m ingest.settings database)
endif
ifeq ($(strip $(DUCKDB_PATH)),)
$(error cannot resolve the settings; run `$(PYTHON) -m ingest.settings` to see why)
endif
export DUCKDB_PATH
export DBT_PROFILES_DIR := $(CURDIR)
export DBT_SEND_ANONYMOUS_USAGE_STATS := false
DBT := $(BIN)/dbt

# The suite's own data: small, with faults, in a warehouse of its own.
TEST_DIR ?= target_test
TEST_LANDING := $(TEST_DIR)/landing
TEST_DUCKDB := $(TEST_DIR)/test.duckdb

.PHONY: help install run generate load build alerts docs-generate docs report state test \
        pytest test-dbt test-spark install-spark lint ci bench bench-large clean stream-demo \
        check-schedulers

help:  ## List the targets.
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-14s %s\n", $$1, $$2}'

# pip compiles every installed module up front (about half of a fresh install's 105 s), and
# that is kept: with PYTHONDONTWRITEBYTECODE set (as on CI's machines), --no-compile made every
# process of the test suite compile dbt, pandas and the rest from source again.
PIP_INSTALL = $(BIN)/python -m pip install --quiet --disable-pip-version-check

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP_INSTALL) -c constraints.txt -e '.[dev]'
	touch $@

install: $(STAMP)  ## Create .venv from the exact pins (once).

# The spark extra (pyspark: ~450 MB, ~75 s to fetch and unpack) only for the targets that use
# it: added to the same venv, where everything else is already satisfied.
$(SPARK_STAMP): $(STAMP)
	$(PIP_INSTALL) -c constraints.txt -e '.[dev,spark]'
	touch $@

install-spark: $(SPARK_STAMP)  ## Add the spark extra (dbt-spark, pyspark) to .venv.

run: install generate load build docs-generate state report  ## Main job: generate, ingest, build, docs.
	@echo "Warehouse: $(DUCKDB_PATH)   docs: target/static_index.html"

# In `make run` the docs follow a successful `dbt build` of every node into the same target
# folder: its manifest.json already holds every node's compiled SQL, so the docs skip
# compiling the project again (about 80% of `dbt docs generate`'s time) and only query the
# catalog. `make docs-generate` on its own compiles (the manifest may come from a partial run).
run: DOCS_GENERATE_FLAGS := --no-compile
DOCS_GENERATE_FLAGS ?=
# dbt's file log (logs/dbt.log) at info, not dbt's default debug, for the main job's dbt
# calls: at debug it holds every SQL statement of every node, and writing it was about 3% of
# a warm build's CPU at scale 1 (benchmarks/NOTES.md). Each node's SQL is still in
# target/run/ and target/compiled/; DBT_LOG_LEVEL_FILE=debug brings the full log back.
run build docs-generate: export DBT_LOG_LEVEL_FILE ?= info

generate: install  ## Write the deterministic sample data into $(LANDING)/.
	$(BIN)/python -m ingest generate --out $(LANDING) --scale $(SCALE) --seed $(SEED) \
	    --days $(DAYS) --start-date $(START_DATE) --fault-rate $(FAULT_RATE)

load: install  ## Land $(LANDING)/ into the raw schema (idempotent).
	@mkdir -p $(dir $(DUCKDB_PATH))
	$(BIN)/python -m ingest load $(LANDING) --database $(DUCKDB_PATH)

build: install  ## dbt seed + build every model, snapshot and test; then deliver DQS alerts.
	@mkdir -p $(dir $(DUCKDB_PATH))
	@$(BIN)/python -m ingest.warehouse_check $(DUCKDB_PATH)
	status=0; $(DBT) build || status=$$?; \
	$(BIN)/python -m observability alerts --database $(DUCKDB_PATH) \
	    || echo "warning: DQS alert delivery failed (recorded; retried next run)" >&2; \
	if [ $$status -ne 0 ]; then \
	    $(BIN)/python -m observability report --database $(DUCKDB_PATH); fi; \
	exit $$status

alerts: install  ## POST the pending DQS alerts to the webhook (build does it too).
	$(BIN)/python -m observability alerts --database $(DUCKDB_PATH)

docs-generate: install  ## Generate the static docs site (target/static_index.html).
	@$(BIN)/python -m ingest.warehouse_check $(DUCKDB_PATH)
	$(DBT) docs generate --static $(DOCS_GENERATE_FLAGS)

report: install  ## Write the data quality report (reports/quality.html).
	$(BIN)/python -m observability report --database $(DUCKDB_PATH) --out reports/quality.html

state:  ## Save this build's manifest for `make ci` (slim CI defers to it).
	mkdir -p state && cp "$${DBT_TARGET_PATH:-target}/manifest.json" state/manifest.json

PORT ?= 8080
docs: install  ## Serve the docs site on 127.0.0.1 and print its address.
	$(BIN)/python scripts/serve_docs.py --target-dir target --port $(PORT)

ci: install  ## Pull-request gates locally: slim build vs state/, lint changed SQL, coverage.
	scripts/ci_local.sh

# pytest's suite build is a `dbt build` of generated faulty data with the CLI, then docs and
# the coverage gates (tests/python/conftest.py, test_docs_site.py); `make test-dbt` is the
# same at a larger scale, on its own.
test: install pytest lint  ## The whole suite: pytest (with a dbt build of faulty data), lint.

# Both cores: test modules are shared out between two pytest-xdist workers; the suite
# warehouse is built once per run and copied to each. The modules go out in the order that
# tests/python/conftest.py gives them (the build first, slow ones next, quick ones last),
# not xdist's (most tests first). PYTEST_WORKERS=0 runs everything in one process.
PYTEST_WORKERS ?= 2
pytest: install
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadfile --no-loadscope-reorder

test-dbt: install  ## Generate faulty data (scale 0.2) and dbt build it, docs, coverage gates.
	rm -rf $(TEST_DIR) && mkdir -p $(TEST_DIR)
	$(BIN)/python -m ingest generate --out $(TEST_LANDING) --scale 0.2 --seed 7 --days 14 \
	    --start-date $(START_DATE) --fault-rate 0.02
	$(BIN)/python -m ingest load $(TEST_LANDING) --database $(TEST_DUCKDB)
	@$(BIN)/python -m ingest.warehouse_check $(TEST_DUCKDB)
	DUCKDB_PATH=$(TEST_DUCKDB) $(DBT) build --target-path $(TEST_DIR)/target \
	    --vars '{min_dqs: 90}'
	DUCKDB_PATH=$(TEST_DUCKDB) $(DBT) docs generate --target-path $(TEST_DIR)/target
	scripts/coverage_gates.sh $(TEST_DIR)/target

# Spark: the same small faulty data, landed in two loads (the days from SPARK_LATE_DAYS on come
# second), each exported to a Parquet lake. scripts/spark_vs_duckdb.py builds the `spark`
# selector on DuckDB, then on a local Spark over the first lake and again, incrementally, over
# the second, and compares every table Spark built with DuckDB's. Scale 0.05 keeps Spark's
# work small; its latest transactions batch (35 rows, 5 rejected) scores 85.7, hence min_dqs 80.
SPARK_TEST_DIR ?= target_test_spark
SPARK_LATE_DAYS ?= 2026-10-1[1-4]
test-spark: install-spark  ## Build the SQL models on a local Spark; compare every table with DuckDB's.
	rm -rf $(SPARK_TEST_DIR) target_spark && mkdir -p $(SPARK_TEST_DIR)
	$(BIN)/python -m ingest generate --out $(SPARK_TEST_DIR)/landing --scale 0.05 --seed 7 \
	    --days 14 --start-date $(START_DATE) --fault-rate 0.02
	cp -r $(SPARK_TEST_DIR)/landing $(SPARK_TEST_DIR)/early
	find $(SPARK_TEST_DIR)/early -path '*$(SPARK_LATE_DAYS)*' -delete
	$(BIN)/python -m ingest load $(SPARK_TEST_DIR)/early --database $(SPARK_TEST_DIR)/test.duckdb
	$(BIN)/python -m ingest export-lake --database $(SPARK_TEST_DIR)/test.duckdb \
	    --out $(SPARK_TEST_DIR)/lake_early
	$(BIN)/python -m ingest load $(SPARK_TEST_DIR)/landing --database $(SPARK_TEST_DIR)/test.duckdb
	$(BIN)/python -m ingest export-lake --database $(SPARK_TEST_DIR)/test.duckdb \
	    --out $(SPARK_TEST_DIR)/lake
	SPARK_DIR=$(CURDIR)/$(SPARK_TEST_DIR)/spark SPARK_CATALOG=in-memory \
	    $(BIN)/python scripts/spark_vs_duckdb.py \
	    --duckdb $(SPARK_TEST_DIR)/test.duckdb --lake $(SPARK_TEST_DIR)/lake \
	    --incremental-from $(SPARK_TEST_DIR)/lake_early \
	    --duckdb-target-path $(SPARK_TEST_DIR)/target_duckdb --spark-target-path target_spark \
	    --vars '{min_dqs: 80}'

lint: install  ## ruff and sqlfluff.
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/sqlfluff lint --processes 2 models macros tests snapshots
	$(BIN)/check-jsonschema --builtin-schema vendor.github-workflows .github/workflows/ci.yml

# The scheduler examples in the real Dagster and Airflow, each in a venv of its own so that
# their pins cannot clash with the project's or each other's (opt-in: the installs take
# minutes; see docs/deployment.md).
SCHEDULER_VENVS ?= .schedulers

$(SCHEDULER_VENVS)/%/.installed: deploy/requirements-%.txt
	rm -rf $(SCHEDULER_VENVS)/$*
	$(PYTHON) -m venv $(SCHEDULER_VENVS)/$*
	$(SCHEDULER_VENVS)/$*/bin/python -m pip install --quiet --disable-pip-version-check \
	    --no-deps -r $<
	$(SCHEDULER_VENVS)/$*/bin/python -m pip check
	touch $@

check-schedulers: install $(SCHEDULER_VENVS)/dagster/.installed $(SCHEDULER_VENVS)/airflow/.installed  ## Opt-in: Dagster and Airflow examples in the real tools.
	SCHEDULER_VENVS=$(abspath $(SCHEDULER_VENVS)) $(BIN)/pytest -p no:cacheprovider \
	    tests/python/test_scheduler_examples.py

# Scales of `make bench` (issue 13: 10 and 100); `make bench-large` runs the whole job at 500.
BENCH_SCALES ?= 10 100
bench: install  ## Benchmark suite (not part of `make test`): results/*.json + docs/benchmarks.md.
	for scale in $(BENCH_SCALES); do $(BIN)/python benchmarks/bench_exercise1.py --scale $$scale; done
	$(BIN)/python benchmarks/bench_pipeline.py --scales 1 $(BENCH_SCALES) --warm
	$(BIN)/python benchmarks/bench_incremental.py --scale 10
	$(BIN)/python benchmarks/bench_load_sales.py --scale 100
	$(BIN)/python benchmarks/bench_load_events.py --scale 100
	$(BIN)/python benchmarks/report.py

# benchmarks/NOTES.md, "Status of the targets": 39 minutes on 2 cores (2026-12-03), and about
# 55 GB of free disk in the temporary folder (landing 12 GB, the warehouse and DuckDB's spill);
# a run that shared the disk with other work once stopped with "No space left on device".
bench-large: install  ## The whole job at scale 500 (about 50 M sales rows and 50 M events).
	$(BIN)/python benchmarks/bench_pipeline.py --scales 500
	$(BIN)/python benchmarks/report.py

STREAM_RATE ?= 1000
STREAM_EVENTS ?= 20000
stream-demo: install  ## After `make run`: replay events to a mock Kafka cluster, stream them, print latency.
	STREAM_RATE=$(STREAM_RATE) STREAM_EVENTS=$(STREAM_EVENTS) LANDING=$(LANDING) \
	    VENV_BIN=$(BIN) scripts/stream_demo.sh

clean:  ## Remove generated data, warehouse and dbt artefacts (keeps .venv).
	rm -rf $(LANDING) warehouse target logs $(TEST_DIR) reports lake spark_warehouse \
	    $(SPARK_TEST_DIR) target_spark
