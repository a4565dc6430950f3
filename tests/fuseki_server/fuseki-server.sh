#!/usr/bin/env bash
# Real Apache Jena Fuseki 5.6.0 (fuseki-main) for tests and CI, from Maven Central; needs Java 17+ and Maven.
#
# Usage: fuseki-server.sh build | classpath | run FUSEKI-ARGS...
#   build      resolve the classpath once per machine (cached under ~/.cache/incidentkg-fuseki-server,
#              keyed by pom.xml), so a fresh clone does not wait for Maven again
#   classpath  build if needed, then print the classpath file's path
#   run        build if needed, then exec Fuseki's own command with the arguments, e.g.
#              run --localhost --port 3030 --mem --update /ds
# Exit codes: 0 ok, 1 failure (one line on stderr), 2 usage.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PROG="fuseki-server.sh"
MVN="${MVN:-mvn}"
KEY="$(sha256sum "$HERE/pom.xml" | cut -c1-20)"
CACHE="${FUSEKI_BUILD_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/incidentkg-fuseki-server}/$KEY"
CP_FILE="$CACHE/classpath.txt"

build() {
    [[ -s "$CP_FILE" ]] && return 0
    command -v java >/dev/null 2>&1 || { echo "$PROG: error: java not found (need Java 17+)" >&2; exit 1; }
    command -v "$MVN" >/dev/null 2>&1 || { echo "$PROG: error: mvn not found" >&2; exit 1; }
    mkdir -p "$CACHE"
    echo "$PROG: resolving Fuseki from Maven Central (first run only) ..." >&2
    if ! "$MVN" -q -B -f "$HERE/pom.xml" dependency:build-classpath -Dmdep.outputFile="$CP_FILE.partial" \
            >"$CACHE/build.log" 2>&1; then
        echo "$PROG: error: Maven failed; see $CACHE/build.log" >&2
        exit 1
    fi
    mv "$CP_FILE.partial" "$CP_FILE"
}

case "${1:-}" in
    build) build ;;
    classpath) build; echo "$CP_FILE" ;;
    run) shift; build; exec java -Xmx1g -cp "$(cat "$CP_FILE")" org.apache.jena.fuseki.main.cmds.FusekiMainCmd "$@" ;;
    *) echo "usage: $PROG build|classpath|run FUSEKI-ARGS..." >&2; exit 2 ;;
esac
