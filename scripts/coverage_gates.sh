#!/usr/bin/env bash
# Documentation and test coverage gates over one dbt target folder.
#
# Usage: scripts/coverage_gates.sh [TARGET_DIR]      (default: target)
#   TARGET_DIR must hold manifest.json and catalog.json from `dbt docs generate`.
#
# Gates (all run; the script fails if any fails):
#   1. check_docs.py: every source, model, column, seed, snapshot, macro and custom test has
#      a description (100%: a single undocumented model fails it).
#   2. dbt-coverage doc coverage of columns   >= DOC_COVERAGE_MIN  (default 0.95)
#   3. test coverage of columns  >= TEST_COVERAGE_MIN (default 0.90): dbt-coverage's, where a
#      column typed by an enforced model contract counts as tested (contract_test_coverage.py)
#   4. dbt-score: project >= SCORE_PROJECT_MIN (8.0), every model/source/seed/snapshot/macro
#      >= SCORE_ITEM_MIN (6.0). The project rules in scripts/dbt_score_rules make a model
#      without a primary-key test score 0.
set -uo pipefail

project_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$project_dir"
target="${1:-target}"
target="$(cd "$target" 2>/dev/null && pwd)" || { echo "coverage_gates: no folder ${1:-target}" >&2; exit 2; }
bin="${VENV_BIN:-$project_dir/.venv/bin}"
[[ -x "$bin/python" ]] || bin="$(dirname "$(command -v python3)")"

doc_min="${DOC_COVERAGE_MIN:-0.95}"
test_min="${TEST_COVERAGE_MIN:-0.90}"
project_min="${SCORE_PROJECT_MIN:-8.0}"
item_min="${SCORE_ITEM_MIN:-6.0}"

for artifact in manifest.json catalog.json; do
    if [[ ! -f "$target/$artifact" ]]; then
        echo "coverage_gates: $target/$artifact missing: run \`dbt docs generate\` first" >&2
        exit 2
    fi
done

steps_label=gate
# shellcheck source=scripts/steps.sh
source scripts/steps.sh

step "every item documented" "$bin/python" scripts/check_docs.py --target-dir "$target"
step "doc coverage >= $doc_min" "$bin/dbt-coverage" compute doc \
    --project-dir "$project_dir" --run-artifacts-dir "$target" \
    --cov-report "$target/coverage_doc.json" --cov-fail-under "$doc_min"
test_coverage() {  # dbt-coverage's report, then contracts count as tests of typed columns
    "$bin/dbt-coverage" compute test \
        --project-dir "$project_dir" --run-artifacts-dir "$target" \
        --cov-report "$target/coverage_test.json" \
        && "$bin/python" scripts/contract_test_coverage.py \
            --report "$target/coverage_test.json" --manifest "$target/manifest.json" \
            --fail-under "$test_min"
}
step "test coverage >= $test_min" test_coverage
step "dbt-score project >= $project_min, items >= $item_min" "$bin/dbt-score" lint \
    --manifest "$target/manifest.json" \
    --namespace dbt_score.rules --namespace scripts.dbt_score_rules \
    --fail-project-under "$project_min" --fail-any-item-under "$item_min" \
    --show failing-items

finish_steps coverage_gates gate
