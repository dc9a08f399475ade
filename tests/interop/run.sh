#!/usr/bin/env bash
# Proves the committed exports under schema/export/, and the exports of the provider
# fixtures under tests/fixtures/providers/ (one per envelope layout: adjacent, header, internal;
# exported to a temporary folder with `cargo run -p emma-schema-cli -- export PATH --out DIR`),
# with other languages' own tools:
#
#   Python      the `jsonschema` package validates every example against the bundle and
#               rejects bad documents; openapi-spec-validator validates openapi.json as
#               OpenAPI 3.1; datamodel-code-generator generates pydantic v2 models from the
#               bundle (with the README's flags), which parse every example, and whose shape
#               is checked: IDs are plain `int` fields, the root union is the only RootModel,
#               no class is a numbered copy, and the root model rejects a known event with bad
#               data instead of taking it as UnknownDelivery (python/check.py). The README pins
#               the generators' versions (check.py readme).
#   TypeScript  json-schema-to-typescript generates declarations from the bundle, whose shape
#               is checked (ts/shape-check.mjs: one declaration per shared type, open enums as
#               `"a" | ... | (string & {})`, `KnownDelivery` the union of the deliveries);
#               `tsc --strict --noEmit` type-checks every example against them, a plain
#               `switch` on the tag over `KnownDelivery` that must narrow to each event and be
#               exhaustive (ts/gen-examples.mjs), and ts/usage.ts, which narrows deliveries on
#               `event_name`, reads typed fields and holds type tests (`@ts-expect-error` for
#               what must not compile). For a provider, all but usage.ts (which is Emma's).
#
# Installs what it needs: a virtualenv in tests/interop/.venv from PyPI (python/requirements.txt)
# and tests/interop/ts/node_modules from npm (ts/package-lock.json). Ends with
# "interop: N passed, M failed" and exits non-zero when anything failed.
#
# Usage: bash tests/interop/run.sh   (from anywhere; needs python3 >= 3.10, node >= 18, npm,
#        and cargo for the provider fixtures' exports)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
export_dir="$root/schema/export"
venv="$here/.venv"
python_bin="${PYTHON:-python3}"

passed=0
failed=0
log="$(mktemp)"
provider_exports="$(mktemp -d)"
trap 'rm -f "$log"; rm -rf "$provider_exports"' EXIT

# Runs one step. A step whose output ends with a line "... N passed, M failed" adds those
# counts; any other step counts as one check, passed when it exits 0.
step() {
  local name="$1"
  shift
  echo "--- $name"
  local status=0
  "$@" >"$log" 2>&1 || status=$?
  cat "$log"
  local counts
  counts="$(grep -E '[0-9]+ passed, [0-9]+ failed$' "$log" | tail -n 1 || true)"
  if [[ -n "$counts" ]]; then
    local p f
    p="$(sed -E 's/.* ([0-9]+) passed, ([0-9]+) failed$/\1/' <<<"$counts")"
    f="$(sed -E 's/.* ([0-9]+) passed, ([0-9]+) failed$/\2/' <<<"$counts")"
    passed=$((passed + p))
    failed=$((failed + f))
    if [[ $status -ne 0 && $f -eq 0 ]]; then
      failed=$((failed + 1))
    fi
  elif [[ $status -eq 0 ]]; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
  fi
  if [[ $status -ne 0 ]]; then
    echo "FAIL $name (exit $status)"
  fi
}

# The bundle of an export: its one top-level `<name>.schema.json`, named after the schema.
bundle_of() {
  local found=("$1"/*.schema.json)
  if [[ ${#found[@]} -ne 1 || ! -f "${found[0]}" ]]; then
    return 1
  fi
  printf '%s\n' "${found[0]}"
}

for file in "$(bundle_of "$export_dir" || echo "$export_dir/<name>.schema.json")" "$export_dir/openapi.json"; do
  if [[ ! -f "$file" ]]; then
    echo "interop: missing $file (run: cargo run -p emma-schema-cli -- export)" >&2
    exit 1
  fi
done

echo "=== installing Python tools (PyPI)"
if [[ ! -x "$venv/bin/python" ]]; then
  "$python_bin" -m venv "$venv"
fi
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-input \
  -r "$here/python/requirements.txt"

echo "=== installing TypeScript tools (npm)"
(cd "$here/ts" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)

echo "=== tool versions"
"$venv/bin/python" - <<'PY'
import platform
from importlib.metadata import version
print(f"python {platform.python_version()}")
for name in ("jsonschema", "datamodel-code-generator", "openapi-spec-validator", "pydantic", "pydantic-core"):
    print(f"{name} {version(name)}")
PY
echo "node $(node --version)"
echo "npm $(npm --version)"
echo "json-schema-to-typescript $(node -p "require('$here/ts/node_modules/json-schema-to-typescript/package.json').version")"
echo "typescript $("$here/ts/node_modules/.bin/tsc" --version)"

echo "=== Python"
step "jsonschema: examples and bad documents against the bundle" \
  "$venv/bin/python" "$here/python/check.py" schema
step "openapi-spec-validator: openapi.json" \
  "$venv/bin/python" "$here/python/check.py" openapi
step "datamodel-code-generator: pydantic models parse every example" \
  "$venv/bin/python" "$here/python/check.py" pydantic
step "README pins the generators' versions" \
  "$venv/bin/python" "$here/python/check.py" readme

echo "=== TypeScript"
cd "$here/ts"
rm -rf generated
mkdir -p generated
step "json2ts: declarations from the bundle" \
  ./node_modules/.bin/json2ts --input "$(bundle_of "$export_dir")" \
  --output generated/deliveries.d.ts --unknownAny
step "declarations read like hand-written types" \
  node shape-check.mjs "$export_dir" generated/deliveries.d.ts
step "examples as typed constants" node gen-examples.mjs
step "tsc --strict --noEmit: examples and usage.ts" \
  ./node_modules/.bin/tsc --strict --noEmit -p tsconfig.json

echo "=== provider fixtures"
export_fixture() {
  (cd "$root" && cargo run -q -p emma-schema-cli -- export "$1" --out "$2")
}
for fixture in "$root"/tests/fixtures/providers/*.toml; do
  name="$(basename "$fixture" .toml)"
  out="$provider_exports/$name"
  echo "=== $name ($fixture)"
  step "$name: emma-schema export" export_fixture "$fixture" "$out"
  if ! bundle_of "$out" >/dev/null; then
    echo "skipping $name: it was not exported"
    continue
  fi
  step "$name: jsonschema: examples and bad documents against the bundle" \
    "$venv/bin/python" "$here/python/check.py" schema "$out"
  step "$name: openapi-spec-validator: openapi.json" \
    "$venv/bin/python" "$here/python/check.py" openapi "$out"
  step "$name: datamodel-code-generator: pydantic models parse every example" \
    "$venv/bin/python" "$here/python/check.py" pydantic "$out"
  generated="$here/ts/generated/$name"
  mkdir -p "$generated"
  # The examples and the tag switch (usage.ts is Emma's), with the shared compiler options.
  cat >"$generated/tsconfig.json" <<'JSON'
{ "extends": "../../tsconfig.json", "files": ["examples.ts"] }
JSON
  step "$name: json2ts: declarations from the bundle" \
    ./node_modules/.bin/json2ts --input "$(bundle_of "$out")" \
    --output "$generated/deliveries.d.ts" --unknownAny
  step "$name: declarations read like hand-written types" \
    node shape-check.mjs "$out" "$generated/deliveries.d.ts"
  step "$name: examples as typed constants" node gen-examples.mjs "$out" "$generated"
  step "$name: tsc --strict --noEmit: examples and the tag switch" \
    ./node_modules/.bin/tsc --strict --noEmit -p "$generated/tsconfig.json"
done

echo "interop: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
