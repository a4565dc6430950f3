#!/usr/bin/env bash
# Real Neo4j Community 5.26 LTS (embedded, Bolt on 127.0.0.1) for tests and CI.
# Needs only Java 17+ and Maven (artifacts from Maven Central, cached in ~/.m2).
#
# Usage: neo4j-server.sh start|stop|status|env|build|run [launcher args...]
#
#   start   Build the launcher if needed (Maven, first time only), start the server in the
#           background, wait until it is ready, then print on stdout ONLY:
#               export NEO4J_URI=bolt://127.0.0.1:PORT
#               export NEO4J_USERNAME=neo4j
#               export NEO4J_PASSWORD=...
#           so `eval "$(tests/neo4j_server/neo4j-server.sh start)"` works. Progress goes to
#           stderr. Idempotent: if the server is already running it prints the same lines.
#           Each start begins with an empty database, unless NEO4J_KEEP_DATA=1.
#   stop    Stop it (SIGTERM, wait, SIGKILL after NEO4J_STOP_TIMEOUT) and delete its data.
#           Idempotent: exit 0 if it was not running.
#   status  Print "running pid=... uri=..." (exit 0) or "stopped" (exit 3).
#   env     Print the export lines of the running server (exit 3 if stopped).
#   build   Only build (compile + resolve the classpath).
#   run     Build if needed, then run the launcher in the foreground (exec), passing the extra
#           arguments through, e.g. `run --port 0 --exit-on-stdin-close`. It prints
#           "NEO4J_READY bolt://127.0.0.1:PORT" on stdout when ready, "NEO4J_STOPPED" at the end.
#           Password from $NEO4J_PASSWORD (or --password / --no-auth).
#
# The URI works as bolt://127.0.0.1:PORT and as neo4j://127.0.0.1:PORT (routing table = this
# single server). Auth is enabled (user neo4j) unless NEO4J_AUTH=none.
#
# Environment (all optional):
#   NEO4J_PASSWORD        password of user neo4j (default: incidentkg-test; >= 8 chars)
#   NEO4J_AUTH            "none" disables authentication (any credentials are accepted)
#   NEO4J_PORT            Bolt port on 127.0.0.1 (default 0 = a free port)
#   NEO4J_KEEP_DATA       1: start on the data the state dir already holds (a restart after a stop or a
#                         crash; Neo4j recovers from its transaction log). Use with NEO4J_AUTH=none: the
#                         launcher sets the password on every start, which Neo4j refuses when unchanged.
#   NEO4J_HEAP            max JVM heap (default 1g)
#   NEO4J_PAGECACHE_MB    page cache in MiB (default 64)
#   NEO4J_JAVA_OPTS       extra JVM options, appended (e.g. -XX:TieredStopAtLevel=4 for C2)
#   NEO4J_CDS             0 disables the class-data-sharing archive (faster warm starts)
#   NEO4J_START_TIMEOUT   seconds to wait for readiness (default 180)
#   NEO4J_STOP_TIMEOUT    seconds to wait for a clean stop before SIGKILL (default 60)
#   NEO4J_STATE_DIR       pid/uri/log/data dir (default: <this dir>/.state)
#   NEO4J_BUILD_CACHE     where the built jar, classpath and CDS archive are kept
#                         (default: ~/.cache/incidentkg-neo4j-server)
#   MVN                   Maven command (default mvn); MAVEN_OPTS is honoured as usual
#
# Exit codes: 0 ok, 1 failure (one line "neo4j-server.sh: error: ..." on stderr), 2 usage,
# 3 not running (status/env).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PROG="neo4j-server.sh"
MAIN_CLASS="incidentkg.neo4jserver.Neo4jLauncher"
STATE_DIR="${NEO4J_STATE_DIR:-$HERE/.state}"
mkdir -p "$STATE_DIR"
STATE_DIR="$(cd "$STATE_DIR" && pwd)"
TARGET="$HERE/target"
# Build outputs live outside the work tree, keyed by a hash of pom.xml + sources + `java -version`,
# so fresh clones (CI) on the same machine reuse them and skip Maven entirely.
BUILD_ROOT="${NEO4J_BUILD_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/incidentkg-neo4j-server}"
BUILD_DIR=""    # set by set_build_dir: $BUILD_ROOT/<hash>
PID_FILE="$STATE_DIR/pid"
URI_FILE="$STATE_DIR/uri"
CRED_FILE="$STATE_DIR/credentials"
LOG_FILE="$STATE_DIR/server.log"
BUILD_LOG="$STATE_DIR/build.log"
HOME_DIR="$STATE_DIR/home"
JSA_PARTIAL="$STATE_DIR/cds.jsa.partial"
MVN="${MVN:-mvn}"

die() { echo "$PROG: error: $*" >&2; exit 1; }
info() { echo "$PROG: $*" >&2; }
now_ms() { date +%s%3N; }
secs_since() { local d=$(( $(now_ms) - $1 )); printf '%d.%ds' $(( d / 1000 )) $(( d % 1000 / 100 )); }

need_java() {
    command -v java >/dev/null 2>&1 || die "java not found on PATH (need Java 17 or 21)"
    local v
    v="$(java -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n1)"
    [[ -n "$v" ]] || die "cannot determine the Java version from 'java -version'"
    (( v >= 17 )) || die "Java $v found, Neo4j 5.26 needs Java 17 or 21"
}

# fd 9: per-state-dir lock (start/stop); fd 8: build lock (shared by all clones on the machine).
# Neither may leak into the server process (it would hold the lock for its whole life).
lock_state() {
    if command -v flock >/dev/null 2>&1; then
        local pid
        if pid="$(running_pid)" && [[ "$(readlink "/proc/$pid/fd/9" 2>/dev/null)" == "$STATE_DIR/lock" ]]; then
            # Started by an early version of this script that leaked the lock into the server.
            info "warning: the server (pid $pid) holds $STATE_DIR/lock; continuing without the lock"
            return 0
        fi
        exec 9>"$STATE_DIR/lock"
        flock -w 900 9 || die "timed out waiting for the lock $STATE_DIR/lock"
    fi
}

lock_build() {
    mkdir -p "$BUILD_ROOT"
    if command -v flock >/dev/null 2>&1; then
        exec 8>"$BUILD_ROOT/.lock"
        flock -w 900 8 || die "timed out waiting for the lock $BUILD_ROOT/.lock"
    fi
}

unlock_build() {
    if command -v flock >/dev/null 2>&1; then
        exec 8>&-
    fi
}

# --- build -------------------------------------------------------------------------------------

build_stamp() {
    {
        cat "$HERE/pom.xml"
        find "$HERE/src" -type f -name '*.java' -print0 | sort -z | xargs -0 cat
        java -version 2>&1
    } | sha256sum | cut -d' ' -f1
}

set_build_dir() {
    local stamp
    stamp="$(build_stamp)"
    BUILD_DIR="$BUILD_ROOT/${stamp:0:20}"
    CP_FILE="$BUILD_DIR/classpath.txt"
    JAR_FILE="$BUILD_DIR/neo4j-test-server.jar"
    JSA_FILE="$BUILD_DIR/neo4j-cds.jsa"
}

build_is_fresh() {
    [[ -f "$BUILD_DIR/.complete" && -s "$CP_FILE" && -f "$JAR_FILE" ]] || return 1
    # Every jar must still be in the local repository (~/.m2 may have been cleaned).
    local jar
    local IFS=':'
    for jar in $(cat "$CP_FILE"); do
        [[ -f "$jar" ]] || return 1
    done
    return 0
}

build() {
    need_java
    set_build_dir
    if build_is_fresh; then
        touch "$BUILD_DIR"
        return 0
    fi
    lock_build
    if build_is_fresh; then    # built by a concurrent caller while we waited
        unlock_build
        return 0
    fi
    command -v "$MVN" >/dev/null 2>&1 || die "Maven ('$MVN') not found on PATH"
    command -v jar >/dev/null 2>&1 || die "'jar' (JDK tool) not found on PATH: install a full JDK 17+, not a JRE"
    info "building the Neo4j launcher with Maven (the first run downloads ~125 MB into ~/.m2) ..."
    local t0; t0="$(now_ms)"
    rm -rf "$BUILD_DIR"
    mkdir -p "$BUILD_DIR"
    if ! "$MVN" -B -q -Dstyle.color=never -f "$HERE/pom.xml" compile dependency:build-classpath \
            -Dmdep.outputFile="$CP_FILE" >"$BUILD_LOG" 2>&1; then
        local why
        why="$(sed 's/\x1b\[[0-9;]*m//g' "$BUILD_LOG" | grep -m1 -E '^\[ERROR\] +[^ ]' | cut -c1-300 || true)"
        die "Maven build failed: ${why:-see $BUILD_LOG} (full log: $BUILD_LOG)"
    fi
    [[ -s "$CP_FILE" ]] || die "Maven did not write $CP_FILE (see $BUILD_LOG)"
    # A jar, not target/classes: the class-data-sharing archive only accepts jars on the classpath.
    jar --create --file "$JAR_FILE" -C "$TARGET/classes" . >>"$BUILD_LOG" 2>&1 \
        || die "could not create $JAR_FILE (see $BUILD_LOG)"
    touch "$BUILD_DIR/.complete"
    # Forget builds of other versions not used for 3 days (each holds a ~110 MB CDS archive).
    find "$BUILD_ROOT" -mindepth 1 -maxdepth 1 -type d -mtime +2 ! -path "$BUILD_DIR" \
        -exec rm -rf {} + 2>/dev/null || true
    unlock_build
    info "built in $(secs_since "$t0") ($BUILD_DIR)"
}

# --- process helpers ---------------------------------------------------------------------------

is_our_pid() {
    local pid="$1"
    [[ -n "$pid" && "$pid" =~ ^[0-9]+$ ]] || return 1
    kill -0 "$pid" 2>/dev/null || return 1
    # Guard against pid reuse: the process must be our launcher.
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "$MAIN_CLASS"
}

running_pid() {
    local pid
    [[ -f "$PID_FILE" ]] || return 1
    pid="$(cat "$PID_FILE" 2>/dev/null || true)"
    is_our_pid "$pid" || return 1
    echo "$pid"
}

print_env() {
    local uri pass=""
    uri="$(cat "$URI_FILE")"
    [[ -f "$CRED_FILE" ]] && pass="$(cat "$CRED_FILE")"
    printf 'export NEO4J_URI=%q\n' "$uri"
    printf 'export NEO4J_USERNAME=%q\n' "neo4j"
    printf 'export NEO4J_PASSWORD=%q\n' "$pass"
}

# java_cmd MODE: fills JAVA_ARGS. MODE=background may record a class-data-sharing archive.
java_cmd() {
    local mode="$1"
    JAVA_ARGS=(
        java
        -Xms128m "-Xmx${NEO4J_HEAP:-1g}"
        -XX:+UseG1GC
        # C1 only: a short-lived test server spends most of its CPU in C2 compilation otherwise.
        # Measured here: half the server CPU and faster test queries than with C2.
        -XX:TieredStopAtLevel=1
        -XX:-OmitStackTraceInFastThrow
        -XX:+ExitOnOutOfMemoryError
        # As in Neo4j's own neo4j.conf; the --add-opens are needed by Neo4j 5 on Java 17+.
        -Djdk.nio.maxCachedBufferSize=1024
        -Dio.netty.tryReflectionSetAccessible=true
        -Dlog4j2.disable.jmx=true
        --add-opens=java.base/java.nio=ALL-UNNAMED
        --add-opens=java.base/java.io=ALL-UNNAMED
        --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
        # JVM warnings to stderr: stdout carries only NEO4J_READY / NEO4J_STOPPED.
        -Xlog:disable -Xlog:all=warning:stderr
    )
    if [[ "${NEO4J_CDS:-1}" != "0" ]]; then
        if [[ -s "$JSA_FILE" ]]; then
            JAVA_ARGS+=("-XX:SharedArchiveFile=$JSA_FILE")
        elif [[ "$mode" == background ]]; then
            # First run: record the loaded classes at exit; `stop` installs the archive.
            rm -f "$JSA_PARTIAL"
            echo "$JSA_FILE" >"$JSA_PARTIAL.dest"
            JAVA_ARGS+=("-XX:ArchiveClassesAtExit=$JSA_PARTIAL")
        fi
    fi
    if [[ -n "${NEO4J_JAVA_OPTS:-}" ]]; then
        # shellcheck disable=SC2206
        JAVA_ARGS+=(${NEO4J_JAVA_OPTS})
    fi
    JAVA_ARGS+=(-cp "$JAR_FILE:$(cat "$CP_FILE")" "$MAIN_CLASS")
}

install_cds_archive() {
    # Only after a clean stop: the JVM writes the archive while exiting.
    local dest=""
    [[ -f "$JSA_PARTIAL.dest" ]] && dest="$(cat "$JSA_PARTIAL.dest")"
    if [[ -n "$dest" && -d "$(dirname "$dest")" && -s "$JSA_PARTIAL" ]] \
            && grep -q '^NEO4J_STOPPED' "$LOG_FILE" 2>/dev/null; then
        lock_build
        if [[ ! -s "$dest" ]]; then
            cp "$JSA_PARTIAL" "$dest.tmp.$$" && mv -f "$dest.tmp.$$" "$dest" \
                && info "class-data-sharing archive saved (faster next start)"
            rm -f "$dest.tmp.$$"
        fi
        unlock_build
    fi
    rm -f "$JSA_PARTIAL" "$JSA_PARTIAL.dest"
}

# --- subcommands -------------------------------------------------------------------------------

cmd_start() {
    lock_state
    local pid
    if pid="$(running_pid)"; then
        info "already running (pid $pid, $(cat "$URI_FILE"))"
        print_env
        return 0
    fi
    rm -f "$PID_FILE" "$URI_FILE" "$CRED_FILE"

    build

    local auth_args=() password=""
    if [[ "${NEO4J_AUTH:-}" == "none" ]]; then
        auth_args=(--no-auth)
    else
        password="${NEO4J_PASSWORD:-incidentkg-test}"
        (( ${#password} >= 8 )) || die "NEO4J_PASSWORD must be at least 8 characters (Neo4j 5 minimum)"
    fi
    local port="${NEO4J_PORT:-0}"
    [[ "$port" =~ ^[0-9]+$ ]] || die "NEO4J_PORT must be a number, got '$port'"

    [[ "${NEO4J_KEEP_DATA:-0}" == "1" ]] || rm -rf "$HOME_DIR"
    mkdir -p "$HOME_DIR"
    java_cmd background
    JAVA_ARGS+=(--home "$HOME_DIR" --port "$port" --pagecache "${NEO4J_PAGECACHE_MB:-64}" "${auth_args[@]}")

    local t0; t0="$(now_ms)"
    # Background job of a non-interactive shell (SIGINT/SIGQUIT ignored) + nohup (SIGHUP): it
    # outlives this script and the caller's terminal. The password goes through the environment,
    # not argv (argv is visible in ps). fds 8/9 (our locks) must not leak into the server.
    NEO4J_PASSWORD="$password" nohup "${JAVA_ARGS[@]}" </dev/null >"$LOG_FILE" 2>&1 8>&- 9>&- &
    pid=$!
    echo "$pid" >"$PID_FILE"

    local timeout="${NEO4J_START_TIMEOUT:-180}"
    local deadline=$(( $(date +%s) + timeout ))
    local uri=""
    while :; do
        uri="$(sed -n 's/^NEO4J_READY \(bolt:\/\/[^ ]*\)$/\1/p' "$LOG_FILE" | head -n1)"
        [[ -n "$uri" ]] && break
        if ! kill -0 "$pid" 2>/dev/null; then
            wait "$pid" 2>/dev/null || true
            rm -f "$PID_FILE"
            local why
            why="$(grep -m1 '^NEO4J_ERROR' "$LOG_FILE" | cut -c1-400 || true)"
            [[ -n "$why" ]] || why="$(grep -v '^[[:space:]]*$' "$LOG_FILE" | tail -n1 | cut -c1-400 || true)"
            die "Neo4j exited during startup: ${why:-no output} (log: $LOG_FILE)"
        fi
        if (( $(date +%s) >= deadline )); then
            kill -TERM "$pid" 2>/dev/null || true
            sleep 5
            kill -KILL "$pid" 2>/dev/null || true
            rm -f "$PID_FILE"
            die "Neo4j not ready after ${timeout}s (log: $LOG_FILE, $HOME_DIR/logs/debug.log)"
        fi
        sleep 0.2
    done

    echo "$uri" >"$URI_FILE"
    ( umask 077; printf '%s' "$password" >"$CRED_FILE" )
    info "started pid $pid at $uri in $(secs_since "$t0") (log: $LOG_FILE)"
    print_env
}

cmd_stop() {
    lock_state
    local pid
    if ! pid="$(running_pid)"; then
        info "not running"
        rm -f "$PID_FILE" "$URI_FILE" "$CRED_FILE" "$JSA_PARTIAL" "$JSA_PARTIAL.dest"
        rm -rf "$HOME_DIR"
        return 0
    fi
    local t0; t0="$(now_ms)"
    local timeout="${NEO4J_STOP_TIMEOUT:-60}"
    kill -TERM "$pid" 2>/dev/null || true
    local deadline=$(( $(date +%s) + timeout ))
    while kill -0 "$pid" 2>/dev/null; do
        if (( $(date +%s) >= deadline )); then
            info "no clean stop after ${timeout}s, sending SIGKILL to $pid"
            kill -KILL "$pid" 2>/dev/null || true
            rm -f "$JSA_PARTIAL" "$JSA_PARTIAL.dest"
            sleep 0.5
            break
        fi
        sleep 0.1
    done
    kill -0 "$pid" 2>/dev/null && die "could not stop pid $pid"
    install_cds_archive
    rm -f "$PID_FILE" "$URI_FILE" "$CRED_FILE"
    rm -rf "$HOME_DIR"
    info "stopped (pid $pid) in $(secs_since "$t0")"
}

cmd_status() {
    local pid
    if pid="$(running_pid)"; then
        echo "running pid=$pid uri=$(cat "$URI_FILE" 2>/dev/null || echo 'starting')"
        return 0
    fi
    echo "stopped"
    return 3
}

cmd_env() {
    if running_pid >/dev/null && [[ -f "$URI_FILE" ]]; then
        print_env
        return 0
    fi
    info "not running"
    return 3
}

cmd_run() {
    build
    export NEO4J_PASSWORD="${NEO4J_PASSWORD:-incidentkg-test}"
    java_cmd foreground
    if [[ "${NEO4J_AUTH:-}" == "none" ]]; then
        JAVA_ARGS+=(--no-auth)
    fi
    exec "${JAVA_ARGS[@]}" "$@"
}

case "${1:-}" in
    start) cmd_start ;;
    stop) cmd_stop ;;
    status) cmd_status ;;
    env) cmd_env ;;
    build) build ;;
    run) shift; cmd_run "$@" ;;
    *) echo "usage: $PROG start|stop|status|env|build|run [launcher args...]" >&2; exit 2 ;;
esac
