#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder's image (Ubuntu).
# It installs the grader and its pinned dependencies into a virtual environment at
# $AUTOGRADER_ROOT/venv (default /autograder/venv), from the package source in this zip:
# no git access is needed. Written by `python -m autograder gradescope OUT.zip`.
#
# AUTOGRADER_PYTHON=/path/to/python3.11+ uses that interpreter and skips apt-get
# (how the project's tests run this script outside Gradescope).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="${AUTOGRADER_ROOT:-/autograder}"

find_python() {
    local candidate
    for candidate in python3.13 python3.12 python3.11 python3; do
        if command -v "$candidate" >/dev/null 2>&1 \
            && "$candidate" -c 'import sys, venv; sys.exit(sys.version_info < (3, 11))' 2>/dev/null
        then
            command -v "$candidate"
            return 0
        fi
    done
    return 1
}

python="${AUTOGRADER_PYTHON:-}"
if [ -z "$python" ]; then
    if ! python="$(find_python)"; then
        # Ubuntu 22.04's python3 is 3.10; its universe has 3.11. Ubuntu 24.04's is 3.12.
        apt-get update
        apt-get install -y python3.11 python3.11-venv \
            || apt-get install -y python3 python3-venv
        python="$(find_python)"
    else
        # The interpreter is there; its venv module may be packaged apart.
        version="$("$python" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')"
        "$python" -c 'import ensurepip' 2>/dev/null \
            || { apt-get update && apt-get install -y "python$version-venv"; }
    fi
fi

"$python" -m venv "$root/venv"
"$root/venv/bin/python" -m pip install --quiet --upgrade pip
# The grader and the exact versions it was built with (hypothesis's version decides
# whether the recorded inputs shipped in the package are replayed).
"$root/venv/bin/python" -m pip install --quiet -r "$here/requirements.txt" "$here/package"
"$root/venv/bin/python" -m autograder.reports.gradescope --check
