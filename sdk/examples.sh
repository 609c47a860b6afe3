#!/usr/bin/env bash
# Runs the Python and the TypeScript example against a running stack (start
# one with `mediamon up` from the repository root). Both are configured like
# the mediamon CLI: MEDIAMON_TOKEN (default: the development token `up` saved
# in MEDIAMON_HOME, .mediamon), MEDIAMON_INGEST_URL, MEDIAMON_QUERY_URL and
# MEDIAMON_RESOLVER_URL (default: `up`'s ports), MEDIAMON_CA for https.
# Both SDKs are built first (see build_sdks in tools.sh).
set -euo pipefail
source "$(dirname "$0")/tools.sh"

ensure_python_tools
ensure_node_tools
step "build the SDKs"
build_sdks
step "Python example (sdk/python/examples/demo.py)"
"$SDK_VENV/bin/python" sdk/python/examples/demo.py
step "TypeScript example (sdk/typescript/examples/demo.ts)"
node sdk/typescript/dist/examples/demo.js
