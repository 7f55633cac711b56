#!/usr/bin/env bash
# Run one scheduled pipeline job under an exclusive lock, with a log file per run.
#
# A DuckDB file accepts one writing process at a time. Every scheduler entry (cron, Airflow,
# Dagster, a person at a terminal) goes through this wrapper, so two runs never write the
# warehouse at once: the second one finds the lock held and exits 75 without touching it.
#
# Usage: deploy/run_pipeline.sh [COMMAND [ARG ...]]
#   COMMAND defaults to `make load build docs-generate` run in the project folder.
#
# Environment (all optional):
#   PIPELINE_DIR            project folder to run in (default: the folder above this script)
#   PIPELINE_LOCK           lock file (default: <warehouse>.lock, relative to PIPELINE_DIR;
#                           the warehouse is $DUCKDB_PATH or the default of ingest/settings.py)
#   PIPELINE_PYTHON         the Python that resolves the settings (default: python3)
#   PIPELINE_LOCK_WAIT      seconds to wait for the lock before giving up (default: 0)
#   PIPELINE_TIMEOUT        seconds after which the job is stopped (default: none)
#   PIPELINE_LOG_DIR        where run logs go (default: $PIPELINE_DIR/logs/pipeline)
#   PIPELINE_LOG_KEEP_DAYS  delete run logs older than this many days (default: 30)
#
# Exit codes: the job's own exit code (0 = success); 75 = another run holds the lock
# (EX_TEMPFAIL: try again later); 124 = stopped by PIPELINE_TIMEOUT; 64 = bad usage.
set -uo pipefail

readonly EXIT_LOCKED=75
readonly EXIT_USAGE=64

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
pipeline_dir="${PIPELINE_DIR:-$(dirname "$script_dir")}"
if ! cd "$pipeline_dir" 2>/dev/null; then
    echo "run_pipeline: PIPELINE_DIR '$pipeline_dir' is not a folder" >&2
    exit "$EXIT_USAGE"
fi

# DUCKDB_PATH or its default, from the project's one settings module (plain python3 runs it:
# no virtualenv needed); a bad setting stops here as a usage error.
project_root="$(dirname "$script_dir")"
if ! duckdb_path="$(PYTHONPATH="$project_root${PYTHONPATH:+:$PYTHONPATH}" \
        "${PIPELINE_PYTHON:-python3}" -m ingest.settings database)"; then
    echo "run_pipeline: cannot resolve the settings (see the error above)" >&2
    exit "$EXIT_USAGE"
fi
lock_file="${PIPELINE_LOCK:-${duckdb_path}.lock}"
lock_wait="${PIPELINE_LOCK_WAIT:-0}"
job_timeout="${PIPELINE_TIMEOUT:-}"
log_dir="${PIPELINE_LOG_DIR:-logs/pipeline}"
keep_days="${PIPELINE_LOG_KEEP_DAYS:-30}"

for number in "$lock_wait" "$keep_days" ${job_timeout:+"$job_timeout"}; do
    if ! [[ "$number" =~ ^[0-9]+$ ]]; then
        echo "run_pipeline: '$number' is not a whole number of seconds/days" >&2
        exit "$EXIT_USAGE"
    fi
done

if [[ $# -eq 0 ]]; then
    set -- make load build docs-generate
fi

mkdir -p "$log_dir" "$(dirname "$lock_file")"
started_at="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
run_id="$(date -u +%Y%m%dT%H%M%SZ)_$$"
log_file="$log_dir/run_${run_id}.log"
summary_file="$log_dir/runs.log"

log() {
    printf '%s run_pipeline[%s] %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$$" "$*" >>"$log_file"
}

summarise() {  # status exit_code
    printf '%s\t%s\t%s\t%s\t%s\n' "$started_at" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$1" "$2" \
        "$log_file" >>"$summary_file"
}

# Old run logs go first, so a failing job still leaves a bounded folder.
find "$log_dir" -maxdepth 1 -name 'run_*.log' -type f -mtime +"$keep_days" -delete

log "start: $* (lock $lock_file)"

# fd 9 holds the lock for as long as this shell lives; the job itself does not inherit it
# (9>&- below), so a daemon it leaves behind cannot keep the warehouse locked.
exec 9>>"$lock_file"
if ! flock --exclusive --wait "$lock_wait" 9; then
    log "skipped: another run holds $lock_file (waited ${lock_wait}s)"
    summarise skipped_locked "$EXIT_LOCKED"
    echo "run_pipeline: another run holds $lock_file; skipped (see $log_file)" >&2
    exit "$EXIT_LOCKED"
fi
log "lock acquired"

if [[ -n "$job_timeout" ]]; then
    timeout --kill-after=60 "$job_timeout" "$@" >>"$log_file" 2>&1 9>&-
else
    "$@" >>"$log_file" 2>&1 9>&-
fi
exit_code=$?

if [[ $exit_code -eq 0 ]]; then
    status=ok
elif [[ -n "$job_timeout" && $exit_code -eq 124 ]]; then
    status=timed_out
else
    status=failed
fi
log "end: status=$status exit=$exit_code"
summarise "$status" "$exit_code"
if [[ $exit_code -ne 0 ]]; then
    echo "run_pipeline: job $status with exit code $exit_code (see $log_file)" >&2
fi
exit "$exit_code"
