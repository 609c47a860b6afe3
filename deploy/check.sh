#!/usr/bin/env bash
# Checks the Kubernetes manifests offline, for CI and developers:
#   1. renders deploy/base and every deploy/overlays/* with `kubectl kustomize`;
#   2. validates every rendered object against the Kubernetes JSON schemas
#      (PyPI kubernetes-validate, strict: unknown fields are errors);
#   3. refuses any rendered Secret (no secret values in the repo);
#   4. runs checkov's Kubernetes checks on each rendering.
# The Python tools live in venvs under ${XDG_CACHE_HOME:-$HOME/.cache}/mediamon-ci,
# installed on first use and reused after (pinned versions below).
#
# Environment:
#   MEDIAMON_ALLOW_NO_KUBECTL=1   pass (skipping everything) when kubectl is
#                                 missing, instead of failing.
#   MEDIAMON_DEPLOY_OUT=DIR       keep the renderings in DIR (default: a temp dir).
set -euo pipefail
cd "$(dirname "$0")"

# Kubernetes version the schemas are checked against (oldest we support).
K8S_VERSION=1.31.0
KUBERNETES_VALIDATE=kubernetes-validate==1.37.0
CHECKOV=checkov==3.3.30
CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/mediamon-ci"

# API groups of custom resources, which have no schema in kubernetes-validate:
# they are listed and skipped by the schema check (the operator validates them
# on apply). Any other object without a schema (say a typo in apiVersion)
# fails the check.
CRD_GROUPS=(postgresql.cnpg.io)

# checkov checks that cannot be met, skipped everywhere; one reason each:
SKIP_CHECKS=(
    # "Image should use digest": the images are tags the overlays set
    # (placeholders until a release pins them; `kustomize edit set image
    # NAME@sha256:...` there to use digests). This repo cannot know digests.
    CKV_K8S_43
    # "Prefer secrets as files over environment variables": the services and
    # `mediamon migrate` read the database URL and the service token only from
    # the environment (MEDIAMON_DATABASE__URL, MEDIAMON_AUTH__CLIENT_TOKEN;
    # crates/mediamon-config), and CNPG's generated Secret holds a bare URI.
    # The API keys file is already mounted as a file.
    CKV_K8S_35
)
# Skipped for deploy/base only: the base deliberately sets no namespace (the
# overlays do), so everything in it renders into "default".
BASE_SKIP_CHECKS=(CKV_K8S_21)

step() { printf -- '-- %s (%ss)\n' "$1" "$SECONDS"; }

if ! command -v kubectl >/dev/null 2>&1; then
    if [ "${MEDIAMON_ALLOW_NO_KUBECTL:-}" = 1 ]; then
        echo "kubectl not installed; deploy checks skipped (MEDIAMON_ALLOW_NO_KUBECTL=1)"
        exit 0
    fi
    echo "kubectl not installed: it renders the kustomizations (set MEDIAMON_ALLOW_NO_KUBECTL=1 to skip)" >&2
    exit 1
fi

# venv DIR SPEC: a venv at $CACHE/DIR with SPEC installed, made once.
venv() {
    local dir="$CACHE/$1" spec="$2"
    if [ "$(cat "$dir/.installed" 2>/dev/null)" != "$spec" ]; then
        echo "installing $spec into $dir"
        rm -rf "$dir"
        mkdir -p "$CACHE"
        python3 -m venv "$dir"
        "$dir/bin/pip" install --quiet --disable-pip-version-check "$spec"
        echo "$spec" > "$dir/.installed"
    fi
}

out="${MEDIAMON_DEPLOY_OUT:-}"
if [ -z "$out" ]; then
    out="$(mktemp -d)"
    trap 'rm -rf "$out"' EXIT
fi
mkdir -p "$out"

step "render"
targets=(base)
for d in overlays/*/; do
    targets+=("${d%/}")
done
names=()
for t in "${targets[@]}"; do
    name="${t##*/}"
    names+=("$name")
    kubectl kustomize "$t" > "$out/$name.yaml"
    printf '%-10s %3d objects\n' "$name" "$(grep -c '^kind:' "$out/$name.yaml")"
done

step "tools"
venv kubernetes-validate "$KUBERNETES_VALIDATE"
venv checkov "$CHECKOV"

step "schemas (Kubernetes $K8S_VERSION, strict) and no Secrets"
"$CACHE/kubernetes-validate/bin/python" - "$out" "$K8S_VERSION" "${CRD_GROUPS[*]}" "${names[@]}" <<'PY'
import os, sys
import yaml
import kubernetes_validate as kv

out, version, crd_groups, names = sys.argv[1], sys.argv[2], set(sys.argv[3].split()), sys.argv[4:]
failed = 0
for name in names:
    path = os.path.join(out, name + ".yaml")
    with open(path) as f:
        docs = [d for d in yaml.safe_load_all(f) if d]
    checked, skipped = 0, []
    for doc in docs:
        what = f"{name}: {doc.get('kind')}/{doc.get('metadata', {}).get('name')}"
        if doc.get("kind") == "Secret":
            print(f"ERROR {what}: a Secret in the manifests; reference Secrets, never ship their values")
            failed += 1
            continue
        if doc.get("apiVersion", "").split("/")[0] in crd_groups:
            skipped.append(f"{doc['kind']}/{doc['metadata']['name']} ({doc['apiVersion']})")
            continue
        try:
            kv.validate(doc, version, True)
            checked += 1
        except kv.ValidationError as e:
            print(f"ERROR {what}: {'.'.join(map(str, e.path))}: {e.message}")
            failed += 1
        except (kv.SchemaNotFoundError, kv.InvalidSchemaError) as e:
            print(f"ERROR {what}: {e.message}")
            failed += 1
    note = f"; custom resources not schema-checked: {', '.join(skipped)}" if skipped else ""
    print(f"{name:10} {checked} objects valid{note}")
sys.exit(1 if failed else 0)
PY

step "checkov"
for t in "${targets[@]}"; do
    name="${t##*/}"
    skips=("${SKIP_CHECKS[@]}")
    if [ "$name" = base ]; then
        skips+=("${BASE_SKIP_CHECKS[@]}")
    fi
    echo "$name (skipping $(IFS=,; echo "${skips[*]}"))"
    # --skip-download: offline, no policy metadata from the vendor's API.
    "$CACHE/checkov/bin/checkov" -f "$out/$name.yaml" --framework kubernetes \
        --quiet --compact --skip-download \
        --skip-check "$(IFS=,; echo "${skips[*]}")"
done

step "deploy checks passed"
