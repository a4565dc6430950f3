#!/usr/bin/env bash
# Open GraphML/GEXF files in the real Gephi 0.10.1 (the Gephi Toolkit, headless, imported as the Gephi GUI
# does) and validate them against the GraphML 1.0 / GEXF 1.2draft schemas. Needs only Java 17+ and Maven
# (artifacts from Maven Central, cached in ~/.m2).
#
# Usage: gephi-check.sh build                  only build (compile + resolve the classpath)
#        gephi-check.sh [--node ID]... FILE...  build if needed, then check the files in one JVM
#
# Prints one JSON line per file on stdout (see src/main/java/incidentkg/gephicheck/GephiCheck.java);
# Gephi's logging goes to stderr. --node ID adds that node (id, label, type) to each file's samples.
#
# Environment (optional): GEPHI_CHECK_CACHE  where the build is kept (default ~/.cache/incidentkg-gephi-check)
#                         GEPHI_CHECK_HEAP   max JVM heap (default 2g)
#                         MVN                Maven command (default mvn)
# Exit codes: 0 all files fine, 1 a file failed or an error ("gephi-check.sh: error: ..." on stderr), 2 usage.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PROG="gephi-check.sh"
MVN="${MVN:-mvn}"
# Build outputs live outside the work tree, keyed by a hash of pom.xml + sources + `java -version`, so fresh
# clones on the same machine reuse them and skip Maven entirely.
BUILD_ROOT="${GEPHI_CHECK_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/incidentkg-gephi-check}"

die() { echo "$PROG: error: $*" >&2; exit 1; }

build() {
    command -v java >/dev/null 2>&1 || die "java not found on PATH (need Java 17+)"
    local v stamp
    v="$(java -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n1)"
    [[ -n "$v" ]] && (( v >= 17 )) || die "Java 17+ needed, 'java -version' says: $(java -version 2>&1 | head -n1)"
    stamp="$({ cat "$HERE/pom.xml"; find "$HERE/src" -type f -print0 | sort -z | xargs -0 cat; java -version 2>&1; } \
        | sha256sum | cut -c1-20)"
    BUILD_DIR="$BUILD_ROOT/$stamp"
    fresh && return 0
    mkdir -p "$BUILD_ROOT"
    exec 8>"$BUILD_ROOT/.lock"    # one Maven build at a time per machine
    if command -v flock >/dev/null 2>&1; then
        flock -w 900 8 || die "timed out waiting for the lock $BUILD_ROOT/.lock"
    fi
    fresh && { exec 8>&-; return 0; }    # built by a concurrent caller while we waited
    command -v "$MVN" >/dev/null 2>&1 || die "Maven ('$MVN') not found on PATH"
    echo "$PROG: building the Gephi checker with Maven (the first run downloads ~120 MB into ~/.m2) ..." >&2
    local log="$BUILD_ROOT/build.log" t0=$SECONDS
    rm -rf "$BUILD_DIR" "$HERE/target/classes"
    mkdir -p "$BUILD_DIR"
    if ! "$MVN" -B -q -Dstyle.color=never -f "$HERE/pom.xml" compile dependency:build-classpath \
            -Dmdep.outputFile="$BUILD_DIR/classpath.txt" >"$log" 2>&1; then
        die "Maven build failed: $(grep -m1 -E '^\[ERROR\] +[^ ]' "$log" | cut -c1-300 || true) (full log: $log)"
    fi
    cp -r "$HERE/target/classes" "$BUILD_DIR/classes"
    touch "$BUILD_DIR/.complete"
    # Forget builds of other versions not used for 3 days.
    find "$BUILD_ROOT" -mindepth 1 -maxdepth 1 -type d -mtime +2 ! -path "$BUILD_DIR" -exec rm -rf {} + || true
    exec 8>&-
    echo "$PROG: built in $(( SECONDS - t0 ))s ($BUILD_DIR)" >&2
}

fresh() {
    [[ -f "$BUILD_DIR/.complete" ]] || return 1
    local jar IFS=':'
    for jar in $(cat "$BUILD_DIR/classpath.txt"); do
        [[ -f "$jar" ]] || return 1    # ~/.m2 may have been cleaned
    done
    touch "$BUILD_DIR"
}

case "${1:-}" in
    build) build ;;
    ""|-h|--help) echo "usage: $PROG build | $PROG [--node ID]... FILE..." >&2; exit 2 ;;
    *)
        build
        # C1 only: this JVM lives a few seconds, C2 compilation would cost more than it saves.
        exec java -Djava.awt.headless=true "-Xmx${GEPHI_CHECK_HEAP:-2g}" -XX:TieredStopAtLevel=1 \
            -Xlog:disable -Xlog:all=warning:stderr \
            -cp "$BUILD_DIR/classes:$(cat "$BUILD_DIR/classpath.txt")" incidentkg.gephicheck.GephiCheck "$@" ;;
esac
