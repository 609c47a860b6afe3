# Sourced by the scripts beside it: the pinned tools that generate, build and
# check the SDKs, each installed on first use and reused after.
#   buf             npm's @bufbuild/buf, installed globally when missing.
#   Python tools    a venv at $SDK_VENV: grpcio-tools (its protoc and the gRPC
#                   generator), mypy-protobuf (.pyi stubs), the SDK's runtime
#                   dependencies, mypy and pytest. Remade when the pins change.
#   Node tools      sdk/typescript/node_modules from package-lock.json
#                   (protoc-gen-es, tsc, the SDK's dependencies); `npm ci`
#                   again only when the lock file changes.
# Sourcing it changes to the repository root.

cd "$(dirname "${BASH_SOURCE[0]}")/.."

BUF_VERSION=1.75.0
PYTHON_TOOLS=(
    grpcio-tools==1.85.1
    grpcio==1.85.3
    protobuf==7.36.2
    googleapis-common-protos==1.76.0
    mypy-protobuf==5.1.0
    mypy==2.4.1
    types-grpcio==1.85.0.20261028
    types-protobuf==7.35.1.20260906
    pytest==9.2.0
    setuptools==84.2.1
)
SDK_VENV="${XDG_CACHE_HOME:-$HOME/.cache}/mediamon-ci/sdk-python"

# Progress lines count seconds from the first script's start, across scripts.
export SDK_STARTED="${SDK_STARTED:-$(date +%s)}"
step() { printf -- '-- %s (%ss)\n' "$1" "$(($(date +%s) - SDK_STARTED))"; }

ensure_buf() {
    if ! command -v buf >/dev/null 2>&1; then
        echo "installing buf $BUF_VERSION (npm)"
        npm install --global --no-audit --no-fund "@bufbuild/buf@$BUF_VERSION"
    fi
}

ensure_python_tools() {
    local spec="${PYTHON_TOOLS[*]}"
    if [ "$(cat "$SDK_VENV/.installed" 2>/dev/null)" != "$spec" ]; then
        echo "installing the Python tools into $SDK_VENV"
        rm -rf "$SDK_VENV"
        mkdir -p "$(dirname "$SDK_VENV")"
        python3 -m venv "$SDK_VENV"
        "$SDK_VENV/bin/pip" install --quiet --disable-pip-version-check "${PYTHON_TOOLS[@]}"
        echo "$spec" > "$SDK_VENV/.installed"
    fi
}

ensure_node_tools() {
    local stamp=sdk/typescript/node_modules/.mediamon-lock
    local want
    want="$(sha256sum sdk/typescript/package-lock.json)"
    if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
        echo "installing the Node tools (npm ci in sdk/typescript)"
        (cd sdk/typescript && npm ci --no-audit --no-fund --loglevel=error)
        echo "$want" > "$stamp"
    fi
}

ensure_tools() {
    ensure_buf
    ensure_python_tools
    ensure_node_tools
}

# Builds both SDKs: the Python one installed into the venv as a package (so
# that its packaging is exercised, not the source tree), the TypeScript one
# compiled by tsc (which type-checks it) into sdk/typescript/dist.
build_sdks() {
    # Built from a copy: setuptools leaves build/ and *.egg-info beside the
    # sources, and a stale build/ would carry deleted modules into the wheel.
    local copy
    copy="$(mktemp -d)"
    cp -r sdk/python/pyproject.toml sdk/python/src "$copy"
    "$SDK_VENV/bin/pip" install --quiet --disable-pip-version-check \
        --no-deps --no-build-isolation --force-reinstall "$copy"
    rm -rf "$copy"
    # The pins must satisfy the ranges the package declares.
    "$SDK_VENV/bin/pip" check >/dev/null
    (cd sdk/typescript && npm run --silent build)
}
