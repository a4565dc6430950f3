#!/usr/bin/env bash
# Set up and run the whole test suite from a fresh clone: system packages the tests need (headless Chromium
# for the HTML check; Java 17 and Maven must already be on the machine for the real Neo4j and Fuseki servers), a fresh
# virtualenv with a non-editable install of the project, then pytest. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v chromium >/dev/null 2>&1; then
    echo "tests/run.sh: installing Debian's chromium for the browser test" >&2
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi
for tool in java mvn; do
    command -v "$tool" >/dev/null 2>&1 || { echo "tests/run.sh: '$tool' is required for the Neo4j server and Gephi tests" >&2; exit 1; }
done
# The Gephi Toolkit (Maven Central) for the export tests: downloaded and compiled once per machine, so a cold
# download is not counted in the test run.
bash tests/gephi/gephi-check.sh build
# Apache Jena Fuseki (Maven Central) for the remote-store tests, resolved once per machine likewise.
bash tests/fuseki_server/fuseki-server.sh build

VENV="${INCIDENTKG_TEST_VENV:-.venv-test}"
python3 -m venv "$VENV"
"$VENV/bin/python" -m pip install -q --upgrade pip
# Non-editable on purpose: the tests run against the installed package, as users get it.
"$VENV/bin/python" -m pip install -q --force-reinstall --no-deps .
"$VENV/bin/python" -m pip install -q ".[test]"
"$VENV/bin/python" -m pytest "$@"
