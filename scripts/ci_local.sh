#!/usr/bin/env bash
# The pull-request gates, locally (`make ci`) and in GitHub Actions (.github/workflows/ci.yml):
#   1. slim build: `dbt build --select state:modified+ --defer --state STATE` into a scratch
#      copy of the warehouse, so only what changed (and what depends on it) is rebuilt and
#      tested, everything else read from the state's warehouse;
#   2. sqlfluff on the SQL changed since BASE (scripts/lint_changed_sql.sh);
#   3. the coverage gates (scripts/coverage_gates.sh) over the scratch build's docs artifacts.
#
# Usage: scripts/ci_local.sh [--state DIR] [--warehouse FILE] [--base REF] [--vars YAML] [--keep]
#   --state      folder with the manifest.json of the last good build (default: state/, which
#                `make run` saves)
#   --warehouse  the DuckDB file that manifest describes (default: $DUCKDB_PATH or the
#                default of ingest/settings.py); never written: the build goes into a copy
#   --base       git ref to diff against (default: origin/main, else main)
#   --vars       dbt vars for the build, e.g. '{min_dqs: 50}'
#   --keep       keep the scratch folder and print where it is
# Exit codes: 0 = all gates passed; 1 = a gate failed; 2 = state or warehouse missing.
set -uo pipefail

project_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$project_dir"
bin="${VENV_BIN:-$project_dir/.venv/bin}"

state=state
# The default warehouse comes from the one settings module (DUCKDB_PATH or its default).
warehouse="$("$bin/python" -m ingest.settings database)" || exit 2
base=""
vars=()
keep=false
while [[ $# -gt 0 ]]; do
    case "$1" in
        --state) state="$2"; shift 2 ;;
        --warehouse) warehouse="$2"; shift 2 ;;
        --base) base="$2"; shift 2 ;;
        --vars) vars=(--vars "$2"); shift 2 ;;
        --keep) keep=true; shift ;;
        -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
        *) echo "ci_local: unknown argument $1" >&2; exit 2 ;;
    esac
done

if [[ ! -f "$state/manifest.json" ]]; then
    echo "ci_local: no $state/manifest.json: run \`make run\` first (it saves the state)" >&2
    exit 2
fi
if [[ ! -f "$warehouse" ]]; then
    echo "ci_local: no warehouse at $warehouse: run \`make run\` first" >&2
    exit 2
fi
state="$(cd "$state" && pwd)"

scratch="$(mktemp -d "${TMPDIR:-/tmp}/ml_data_pipeline_ci.XXXXXX")"
if [[ "$keep" == true ]]; then
    echo "ci_local: scratch folder $scratch"
else
    trap 'rm -rf "$scratch"' EXIT
fi
# The copy keeps the file name: DuckDB names the database after it, and the state's manifest
# refers to relations as "<name>"."<schema>"."<table>", which --defer must find.
scratch_db="$scratch/$(basename "$warehouse")"
# A shared lock: no scheduled run (deploy/run_pipeline.sh takes it exclusively) writes the
# file while it is copied.
exec 8>>"$warehouse.lock"
if ! flock --shared --wait 600 8; then
    echo "ci_local: $warehouse is locked by a writer; try again later" >&2
    exit 2
fi
cp "$warehouse" "$scratch_db"
[[ -f "$warehouse.wal" ]] && cp "$warehouse.wal" "$scratch_db.wal"
flock --unlock 8
exec 8>&-

export DBT_PROFILES_DIR="${DBT_PROFILES_DIR:-$project_dir}"
export DBT_SEND_ANONYMOUS_USAGE_STATS=false
dbt_env=(env "DUCKDB_PATH=$scratch_db" "DUCKDB_TEMP_DIRECTORY=$scratch/duckdb_tmp")
dbt_paths=(--target-path "$scratch/target" --log-path "$scratch/logs")

steps_label=ci
# shellcheck source=scripts/steps.sh
source scripts/steps.sh

step "slim build (state:modified+, deferred to $state)" "${dbt_env[@]}" "$bin/dbt" build \
    --select state:modified+ --defer --state "$state" ${vars[@]+"${vars[@]}"} "${dbt_paths[@]}"
step "lint changed SQL" "${dbt_env[@]}" "VENV_BIN=$bin" scripts/lint_changed_sql.sh ${base:+"$base"}
step "docs generate" "${dbt_env[@]}" "$bin/dbt" docs generate ${vars[@]+"${vars[@]}"} \
    "${dbt_paths[@]}"
if [[ -f "$scratch/target/catalog.json" ]]; then
    step "coverage gates" env "VENV_BIN=$bin" scripts/coverage_gates.sh "$scratch/target"
else
    failed+=("coverage gates (no catalog)")
fi

finish_steps ci_local step
