#!/usr/bin/env bash
# Installs Accord (into ./.venv unless a virtualenv is active) and runs `accord demo` with any
# arguments given, e.g. `bash scripts/demo.sh --port 8001`. Needs Python 3.11+ and pip.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${VIRTUAL_ENV:-}" ]; then
    [ -x .venv/bin/python ] || python3 -m venv .venv
    # shellcheck disable=SC1091
    . .venv/bin/activate
fi
python -m pip install --quiet -e .
exec accord demo "$@"
