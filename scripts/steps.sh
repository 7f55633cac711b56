# Sourced by ci_local.sh and coverage_gates.sh: run named steps to the end, remember the
# ones that failed, and finish with one summary (exit 1 listing them, or "all gates passed").
#   steps_label=NAME  the tag of each step's lines ("== NAME: step ...")

failed=()
step() {  # name command...
    local name="$1"
    shift
    echo "== $steps_label: $name"
    if "$@"; then
        echo "== $steps_label: $name: passed"
    else
        echo "== $steps_label: $name: FAILED"
        failed+=("$name")
    fi
}

finish_steps() {  # script noun: the summary line(s) and the exit status of the script
    if [[ ${#failed[@]} -gt 0 ]]; then
        printf '%s: %d %s(s) failed:\n' "$1" "${#failed[@]}" "$2"
        printf '  - %s\n' "${failed[@]}"
        exit 1
    fi
    echo "$1: all gates passed"
}
