// Checks that the declarations json-schema-to-typescript generated from an export's bundle read
// like hand-written types (run by ../run.sh after json2ts):
//
//   - one declaration per shared type: no `AccountId1` beside `AccountId` (json2ts numbers the
//     copies it makes of a type it meets more than once), and every titled definition of the
//     bundle declared exactly once under its own name;
//   - an open enum (a string definition with `examples` and no `enum`) has a `tsType`, and is
//     declared as it: the literal union that still accepts other
//     strings, `"a" | "e" | (string & {})`, and a closed enum the literal union of its values;
//   - under a tagged layout (`adjacent`, `internal`), `KnownDelivery` is the union of every
//     event's delivery and the root type is `KnownDelivery | UnknownDelivery`.
//
// (That the union narrows with a plain `switch` is proved by tsc on examples.ts: see
// gen-examples.mjs.)
//
// Usage: node shape-check.mjs EXPORT_DIR DECLARATIONS
// Ends with "ts shape: N passed, M failed" and exits 1 when anything failed.
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";

const [exportDir, declarationsPath] = process.argv.slice(2);
if (!exportDir || !declarationsPath) {
  console.error("usage: node shape-check.mjs EXPORT_DIR DECLARATIONS");
  process.exit(2);
}
// The bundle is the export's one top-level `<name>.schema.json`, named after the schema.
const bundles = readdirSync(exportDir).filter((file) => file.endsWith(".schema.json"));
if (bundles.length !== 1) {
  console.error(`${exportDir}: expected one bundle (*.schema.json), found ${bundles}`);
  process.exit(1);
}
const bundle = JSON.parse(readFileSync(join(exportDir, bundles[0]), "utf8"));
const text = readFileSync(declarationsPath, "utf8");
// json2ts names the root type after the bundle's title, in UpperCamelCase.
const rootType = bundle.title
  .split(/[^A-Za-z0-9]+/)
  .filter(Boolean)
  .map((word) => word[0].toUpperCase() + word.slice(1))
  .join("");

let passed = 0;
let failed = 0;
function check(ok, what, detail = "") {
  if (ok) {
    passed += 1;
  } else {
    failed += 1;
    console.log(`FAIL ${what}${detail ? `\n     ${detail}` : ""}`);
  }
}

/** Every exported declaration: name → its text up to the next declaration. */
const declarations = new Map();
const counts = new Map();
const pattern = /^export (?:type|interface|enum|const enum) ([A-Za-z_$][\w$]*)/gm;
const starts = [...text.matchAll(pattern)];
starts.forEach((match, index) => {
  const end = index + 1 < starts.length ? starts[index + 1].index : text.length;
  declarations.set(match[1], text.slice(match.index, end));
  counts.set(match[1], (counts.get(match[1]) ?? 0) + 1);
});
check(declarations.size > 0, `declarations found in ${declarationsPath} (${declarations.size})`);

const numbered = [...declarations.keys()].filter((name) => {
  const match = /^(.*\D)\d+$/.exec(name);
  return match !== null && declarations.has(match[1]);
});
check(numbered.length === 0, "no declaration is a numbered copy of another", numbered.join(", "));

/** A declaration's body on one line: `export type X = A | B;` → `A | B`. */
function aliasOf(name) {
  const declaration = declarations.get(name) ?? "";
  const match = /^export type [\w$]+ =([\s\S]*?);\s*$/m.exec(declaration.replace(/\/\*\*[\s\S]*?\*\//g, ""));
  return match === null ? undefined : match[1].replace(/\s+/g, " ").replace(/^ ?\| /, "").trim();
}

const defs = bundle.$defs ?? {};
for (const [key, definition] of Object.entries(defs)) {
  const title = definition.title ?? key;
  check(counts.get(title) === 1, `${title} is declared once`, `declared ${counts.get(title) ?? 0} times`);
  // An open enum is a string with its known values as `examples` (and no `enum`).
  const open = definition.type === "string" && Array.isArray(definition.examples) && definition.enum === undefined;
  if (open) {
    check(typeof definition.tsType === "string", `open enum ${title} has a tsType`);
  }
  if (typeof definition.tsType === "string") {
    const literals = (definition.examples ?? []).map((value) => JSON.stringify(value));
    check(
      definition.tsType === [...literals, "(string & {})"].join(" | "),
      `open enum ${title}'s tsType is its known values or any other string`,
      definition.tsType,
    );
    check(aliasOf(title) === definition.tsType, `open enum ${title} is ${definition.tsType}`, `found: ${aliasOf(title)}`);
  } else if (Array.isArray(definition.enum)) {
    const literals = definition.enum.map((value) => JSON.stringify(value)).join(" | ");
    check(aliasOf(title) === literals, `closed enum ${title} is ${literals}`, `found: ${aliasOf(title)}`);
  }
}

if (bundle.oneOf !== undefined) {
  const deliveries = (defs.KnownDelivery?.oneOf ?? []).map(({ $ref }) => defs[$ref.replace("#/$defs/", "")].title);
  check(deliveries.length > 0, `KnownDelivery has a branch per event (${deliveries.length})`);
  check(
    aliasOf("KnownDelivery") === deliveries.join(" | "),
    "KnownDelivery is the union of every event's delivery",
    `found: ${aliasOf("KnownDelivery")}`,
  );
  check(
    aliasOf(rootType) === "KnownDelivery | UnknownDelivery",
    `${rootType} is KnownDelivery | UnknownDelivery`,
    `found: ${aliasOf(rootType)}`,
  );
}

console.log(`ts shape: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
