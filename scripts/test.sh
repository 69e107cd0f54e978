#!/usr/bin/env bash
# Installs Accord with its test tools, then runs the checks and the whole test suite on SQLite and on
# PostgreSQL. Outside a virtualenv it makes ./.venv first. Needs Python 3.11+; on Debian/Ubuntu as root
# it installs chromium for the browser tests itself.
#
#   ACCORD_TEST_DATABASE_URL  PostgreSQL server for the second run
#                             (default postgresql://postgres@127.0.0.1:5432/accord_test; pytest-django
#                             creates and drops test_accord_test there)
#   CI=true                   the PostgreSQL run is required, not skipped when the server is down
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${VIRTUAL_ENV:-}" ]; then
    [ -x .venv/bin/python ] || python3 -m venv .venv
    # shellcheck disable=SC1091
    . .venv/bin/activate
fi
python -m pip install --quiet --upgrade pip
python -m pip install --quiet -e ".[test]"

if ! command -v chromium >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "Installing Debian's chromium for the browser tests…"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
    else
        echo "The browser tests need Chromium: install it (Debian/Ubuntu: apt-get install chromium) and retry." >&2
        exit 1
    fi
fi

# Settings create the workspace on import (mypy's Django plugin imports them too): use a throwaway one.
ACCORD_HOME="$(mktemp -d)"
export ACCORD_HOME
trap 'rm -rf "$ACCORD_HOME"' EXIT

echo "== lint: ruff, import layers, mypy --strict"
ruff check src tests bench
ruff format --check src tests bench
lint-imports
mypy

pg_url="${ACCORD_TEST_DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/accord_test}"
pg_reachable() {
    python - "$pg_url" <<'PY'
import sys, psycopg
from urllib.parse import urlsplit, urlunsplit
parts = urlsplit(sys.argv[1])
try:
    psycopg.connect(urlunsplit(parts._replace(path="/postgres")), connect_timeout=5).close()
except psycopg.Error as exc:
    sys.exit(f"PostgreSQL at {parts.hostname}:{parts.port or 5432} is not reachable: {exc}".strip())
PY
}

run_postgres=yes
if ! pg_reachable; then
    if [ "${CI:-}" = "true" ]; then
        echo "CI requires the PostgreSQL run; start the server and retry." >&2
        exit 1
    fi
    run_postgres=no
fi

echo "== tests on SQLite"
env -u ACCORD_DATABASE_URL python -m pytest "$@"

if [ "$run_postgres" = yes ]; then
    echo "== tests on PostgreSQL ($pg_url)"
    ACCORD_DATABASE_URL="$pg_url" python -m pytest "$@"
else
    echo "PostgreSQL run NOT done: the server is not reachable (see above). CI runs it." >&2
fi
