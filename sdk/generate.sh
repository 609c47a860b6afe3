#!/usr/bin/env bash
# Regenerates the SDKs' protobuf and gRPC code from proto/ with `buf generate`
# (buf.gen.yaml at the repository root), installing the plugins first.
# The generated directories are emptied first, so that the code of a removed
# proto file goes too.
set -euo pipefail
source "$(dirname "$0")/tools.sh"

ensure_tools
rm -rf sdk/python/src/mediamon/v1 sdk/typescript/src/gen
# buf.gen.yaml runs python3 and protoc-gen-mypy* from PATH: the venv's.
PATH="$SDK_VENV/bin:$PATH" buf generate
echo "generated sdk/python/src/mediamon/v1 and sdk/typescript/src/gen"
