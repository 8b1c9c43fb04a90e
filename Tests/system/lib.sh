# Shared by the system test scripts (sourced): how they skip and how they print details.

# skip REASON: the script cannot run here. Under CI (root, scripts/deps run) nothing may be
# missing: a skip there is a failure.
skip() {
    if [ "${CI:-}" = true ]; then
        echo "not ok - cannot run under CI=true: $*"
        exit 1
    fi
    echo "SKIP: $*"
    exit 0
}

# Details of a check, as TAP comments.
diag() { sed 's/^/# /'; }
