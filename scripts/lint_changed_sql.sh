#!/usr/bin/env bash
# Lint only the SQL a change touches: committed since BASE_REF, uncommitted, or untracked.
#
# Usage: scripts/lint_changed_sql.sh [BASE_REF]
#   BASE_REF defaults to $CI_BASE_REF, then origin/main, then main.
#   sqlfluff: $SQLFLUFF, else $VENV_BIN/sqlfluff, else .venv/bin/sqlfluff, else on PATH.
# Exit codes: 0 = nothing changed or all clean; sqlfluff's code when it finds violations.
set -euo pipefail

base="${1:-${CI_BASE_REF:-}}"
if [[ -z "$base" ]]; then
    if git rev-parse --verify --quiet origin/main >/dev/null; then
        base=origin/main
    else
        base=main
    fi
fi

sqlfluff="${SQLFLUFF:-}"
if [[ -z "$sqlfluff" ]]; then
    if [[ -n "${VENV_BIN:-}" ]]; then
        sqlfluff="$VENV_BIN/sqlfluff"
    elif [[ -x .venv/bin/sqlfluff ]]; then
        sqlfluff=.venv/bin/sqlfluff
    else
        sqlfluff=sqlfluff
    fi
fi

dbt_dirs='^(models|macros|tests|snapshots|analyses)/'
changed=()
{
    if git rev-parse --verify --quiet "$base" >/dev/null; then
        # Three dots: what this branch changed since it left BASE, not what BASE did since.
        git diff --name-only --diff-filter=ACMR "$base...HEAD" -- '*.sql'
    else
        echo "lint_changed_sql: base ref '$base' not found; linting uncommitted SQL only" >&2
    fi
    git diff --name-only --diff-filter=ACMR HEAD -- '*.sql'
    git ls-files --others --exclude-standard -- '*.sql'
} | sort -u | grep -E "$dbt_dirs" >"${TMPDIR:-/tmp}/changed_sql.$$" || true
mapfile -t changed <"${TMPDIR:-/tmp}/changed_sql.$$"
rm -f "${TMPDIR:-/tmp}/changed_sql.$$"

existing=()
for file in "${changed[@]}"; do
    [[ -f "$file" ]] && existing+=("$file")
done

if [[ ${#existing[@]} -eq 0 ]]; then
    echo "lint_changed_sql: no changed SQL since $base"
    exit 0
fi
echo "lint_changed_sql: linting ${#existing[@]} changed file(s) since $base:"
printf '  %s\n' "${existing[@]}"
"$sqlfluff" lint "${existing[@]}"
