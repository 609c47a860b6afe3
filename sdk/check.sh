#!/usr/bin/env bash
# Checks the client SDKs, for CI (after `cargo test --workspace`) and developers:
#   1. regenerates the code with `buf generate` (sdk/generate.sh) and fails if
#      it differs from the checked-in code;
#   2. type-checks the Python SDK, its example and tests (mypy --strict);
#   3. starts a throwaway stack (`mediamon up --no-demo` on free ports, with a
#      private Postgres cluster in a temporary directory);
#   4. runs both examples (sdk/examples.sh: builds both SDKs, tsc type-checking
#      the TypeScript, and ingests demo/corpus), then the Python tests (pytest)
#      and the TypeScript tests (node --test) against it;
#   5. stops the stack and removes the directory, whatever happened.
# Tools are installed on first use and reused after (sdk/tools.sh).
#
# Environment:
#   MEDIAMON_BIN=PATH   the mediamon binary (default: target/debug/mediamon).
set -euo pipefail
# Resolved before tools.sh changes to the repository root.
bin="$(realpath -m "${MEDIAMON_BIN:-$(dirname "$0")/../target/debug/mediamon}")"
source "$(dirname "$0")/tools.sh"

if [ ! -x "$bin" ]; then
    echo "no mediamon binary at $bin: build it (cargo build --bin mediamon) or set MEDIAMON_BIN" >&2
    exit 1
fi
generated=(sdk/python/src/mediamon/v1 sdk/typescript/src/gen)

step "tools"
ensure_tools

step "buf generate"
bash sdk/generate.sh
changes="$(git status --porcelain --untracked-files=all -- "${generated[@]}")"
if [ -n "$changes" ]; then
    echo "$changes"
    git --no-pager diff --stat -- "${generated[@]}"
    echo "the generated code differs from the checked-in code: run 'bash sdk/generate.sh' and commit the result" >&2
    exit 1
fi
echo "generated code is up to date"

step "Python type check (mypy --strict)"
(cd sdk/python && "$SDK_VENV/bin/mypy" src examples tests)

step "start the stack"
home_dir="$(mktemp -d)"
# When root, `up` runs Postgres as `nobody`, who must reach the cluster.
chmod 755 "$home_dir"
up_pid=

stop_stack() {
    local status=$?
    if [ -n "$up_pid" ] && kill -0 "$up_pid" 2>/dev/null; then
        step "stop the stack"
        kill -TERM "$up_pid"
        # `wait` reaps `up`; the watchdog ends a stop that hangs.
        (sleep 30 && kill -KILL "$up_pid" 2>/dev/null) &
        local watchdog=$!
        wait "$up_pid" || true
        kill "$watchdog" 2>/dev/null || true
    fi
    # `up` stops its Postgres, unless it died first: then stop the server by
    # its pid file (fast shutdown), so the directory can go.
    local pidfile="$home_dir/home/pg/data/postmaster.pid"
    if [ -f "$pidfile" ]; then
        local pg
        pg="$(head -n 1 "$pidfile")"
        kill -INT "$pg" 2>/dev/null || true
        for _ in $(seq 100); do
            kill -0 "$pg" 2>/dev/null || break
            sleep 0.1
        done
    fi
    if [ "$status" -ne 0 ] && [ -s "$home_dir/up.err" ]; then
        echo "-- the stack's log ends:"
        tail -n 30 "$home_dir/up.err"
    fi
    rm -rf "$home_dir"
    if [ "$status" -eq 0 ]; then
        step "SDK checks passed"
    fi
    exit "$status"
}
trap stop_stack EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

read -r ingest_port resolver_port query_port < <(python3 -c '
import socket
sockets = [socket.socket() for _ in range(3)]
for s in sockets:
    s.bind(("127.0.0.1", 0))
print(*(s.getsockname()[1] for s in sockets))
')
# The Prometheus endpoint too (9464 unless told): any free port.
ports=(--ingest-port "$ingest_port" --resolver-port "$resolver_port" --query-port "$query_port" --metrics-port 0)
# A private cluster whatever the environment says: the run leaves nothing behind.
env -u DATABASE_URL -u MEDIAMON_DATABASE__URL "$bin" up --home "$home_dir/home" --no-demo "${ports[@]}" \
    >"$home_dir/up.out" 2>"$home_dir/up.err" &
up_pid=$!
ready_by=$((SECONDS + 90))
until grep -qs "Ctrl-C stops everything" "$home_dir/up.out"; do
    if ! kill -0 "$up_pid" 2>/dev/null; then
        echo "mediamon up exited before it was ready" >&2
        exit 1
    fi
    if [ "$SECONDS" -gt "$ready_by" ]; then
        echo "mediamon up was not ready within 90 s" >&2
        exit 1
    fi
    sleep 0.2
done
export MEDIAMON_HOME="$home_dir/home"
export MEDIAMON_INGEST_URL="http://127.0.0.1:$ingest_port"
export MEDIAMON_RESOLVER_URL="http://127.0.0.1:$resolver_port"
export MEDIAMON_QUERY_URL="http://127.0.0.1:$query_port"
unset MEDIAMON_TOKEN MEDIAMON_CA
echo "serving on ports $ingest_port (ingest), $resolver_port (resolver), $query_port (query)"

bash sdk/examples.sh

step "Python tests (pytest)"
(cd sdk/python && "$SDK_VENV/bin/python" -m pytest -q -p no:cacheprovider)

step "TypeScript tests (node --test)"
(cd sdk/typescript && npm run --silent test)
