"""Proves an export (by default the committed one under schema/export/) with Python's
own tools.

Usage: check.py {schema|openapi|pydantic} [EXPORT_DIR]

EXPORT_DIR is a folder written by `emma-schema export` (run.sh exports the provider fixtures
under tests/fixtures/providers/ to temporary folders and passes them here). The checks read the
schema's envelope from the export itself: the tag is the delivery's `const` property, the
content (adjacent layout) is the property referring to the event's data definition, and a
bundle with `anyOf` instead of `oneOf` is a header-layout schema, whose documents are bodies.
Checks written for Emma's events only (named bad and good documents) run on Emma's export.

Subcommands (run.sh runs each; every one ends with "python <name>: N passed, M failed" and
exits non-zero when anything failed):

  schema    The `jsonschema` package: the bundle and each event's file are valid 2020-12
            schemas; every example validates against the bundle and its event's file; a list of
            bad documents is rejected and a list of unusual but good ones is accepted; the
            catch-all's `pattern` alone (what generators that ignore `not` enforce) excludes
            exactly the known names.
  openapi   openapi-spec-validator: openapi.json is a valid OpenAPI 3.1 document, with one
            webhook per event whose examples validate against the schema it points at.
  pydantic  datamodel-code-generator turns the bundle into pydantic v2 models, which parse
            every example into the right event's model, run with the flags the README shows
            (DATAMODEL_FLAGS; `readme` checks the README). Shape checks: the only RootModel is
            the root union (IDs and other named scalars are plain `int`/`str` annotations); no
            class is a numbered duplicate of another (`Foo1` beside `Foo`); and the root model
            rejects a known event with bad data (ValidationError) instead of taking it as
            UnknownDelivery.
  readme    The README's section for other languages pins the versions of the generators
            run.sh uses (requirements.txt, ts/package.json) and shows DATAMODEL_FLAGS.
"""

from __future__ import annotations

import copy
import importlib.util
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parents[3]
EMMA_EXPORT = ROOT / "schema" / "export"


def bundle_of(export: Path) -> Path:
    """The bundle of an export: its one top-level `<name>.schema.json`, named after the schema."""
    bundles = sorted(export.glob("*.schema.json"))
    if len(bundles) != 1:
        raise SystemExit(f"{export}: expected one bundle (*.schema.json), found {[b.name for b in bundles]}")
    return bundles[0]


# The export checked: Emma's unless the command line names another (see main()).
EXPORT = EMMA_EXPORT
BUNDLE_PATH = bundle_of(EXPORT)
OPENAPI_PATH = EXPORT / "openapi.json"
EVENTS_DIR = EXPORT / "events"
# An event name no schema declares.
UNKNOWN_NAME = "no_such_event"
DIALECT = "https://json-schema.org/draft/2020-12/schema"
U64_MAX = 2**64 - 1
README = ROOT / "README.md"
README_SECTION = "## For teams in other languages"
REQUIREMENTS = Path(__file__).resolve().parent / "requirements.txt"
TS_PACKAGE = Path(__file__).resolve().parents[1] / "ts" / "package.json"
# The flags of the README's datamodel-codegen command, beyond input and output, which check_pydantic
# runs (the README must show them all: see check_readme).
DATAMODEL_FLAGS = [
    "--input-file-type",
    "jsonschema",
    "--output-model-type",
    "pydantic_v2.BaseModel",
    "--collapse-root-models",
]


class Results:
    def __init__(self, name: str) -> None:
        self.name = name
        self.passed = 0
        self.failed = 0

    def check(self, ok: bool, what: str, detail: str = "") -> None:
        if ok:
            self.passed += 1
        else:
            self.failed += 1
            print(f"FAIL {what}" + (f"\n     {detail}" if detail else ""))

    def attempt(self, what: str, action: Callable[[], Any]) -> Any:
        """Runs `action`; an exception is a failure of `what`."""
        try:
            result = action()
        except Exception as error:  # noqa: BLE001 - any error is the check failing
            self.check(False, what, f"{type(error).__name__}: {error}")
            return None
        self.check(True, what)
        return result

    def finish(self) -> int:
        print(f"python {self.name}: {self.passed} passed, {self.failed} failed")
        return 1 if self.failed else 0


def load(path: Path) -> Any:
    with path.open(encoding="utf-8") as file:
        return json.load(file)


def event_files() -> dict[str, dict[str, Any]]:
    """Each event's standalone schema, by event name (the file name is the wire name, with
    bytes other than letters, digits, `_`, `-` and `.` written %XX)."""
    from urllib.parse import unquote

    return {
        unquote(path.name.removesuffix(".schema.json")): load(path)
        for path in sorted(EVENTS_DIR.glob("*.schema.json"))
    }


class Envelope:
    """Where an export's deliveries carry the event's name and fields, read from the export."""

    def __init__(self, bundle: dict[str, Any], files: dict[str, dict[str, Any]]) -> None:
        self.header = "anyOf" in bundle and "oneOf" not in bundle
        self.tag: str | None = None
        self.content: str | None = None
        for schema in files.values():
            data_ref = f"#/$defs/{schema['title'].removesuffix('Delivery')}"
            for key, prop in schema.get("properties", {}).items():
                if "const" in prop:
                    self.tag = key
                elif prop.get("$ref") == data_ref:
                    self.content = key
            break

    @property
    def layout(self) -> str:
        if self.header:
            return "header"
        return "adjacent" if self.content else "internal"

    def fields_of(self, document: dict[str, Any]) -> dict[str, Any]:
        """The object holding the event's fields."""
        return document[self.content] if self.content else document


def data_body_type(definition: dict[str, Any]) -> str | None:
    """The named type a delivery definition is when its body is an event's `data` type (under
    the header layout, `data = "LabelEvent"`: `allOf: [{"$ref": "#/$defs/LabelEvent"}]`, no
    properties of its own); None for a delivery of fields."""
    parts = definition.get("allOf", [])
    if "properties" in definition or len(parts) != 1 or "$ref" not in parts[0]:
        return None
    return parts[0]["$ref"].rsplit("/", 1)[-1]


def is_union(definition: dict[str, Any]) -> bool:
    return "oneOf" in definition or "anyOf" in definition


def examples() -> list[tuple[str, str, dict[str, Any]]]:
    """(event name, delivery's $defs name, example delivery) for every example."""
    found = []
    for name, schema in event_files().items():
        for example in schema.get("examples", []):
            found.append((name, schema["title"], example))
    return found


def generic_bad_documents(envelope: Envelope, files: dict[str, dict[str, Any]]) -> list[tuple[str, str, Any]]:
    """(event name, what, document) that event's schema must reject, built from its first
    example: each required field dropped in turn, and (tagged layouts) the tag changed."""
    found = []
    for name, schema in files.items():
        if not schema.get("examples"):
            continue
        example = schema["examples"][0]
        fields_schema = schema if envelope.content is None else None
        if fields_schema is None:
            data_def = schema["title"].removesuffix("Delivery")
            fields_schema = schema["$defs"][data_def]
        for field in fields_schema.get("required", []):
            if field == envelope.tag:
                continue
            document = copy.deepcopy(example)
            envelope.fields_of(document).pop(field, None)
            found.append((name, f"without required `{field}`", document))
        if envelope.tag:
            for what, value in [("missing", None), ("unknown", UNKNOWN_NAME), ("a number", 7)]:
                document = copy.deepcopy(example)
                if value is None:
                    document.pop(envelope.tag)
                else:
                    document[envelope.tag] = value
                found.append((name, f"`{envelope.tag}` {what}", document))
        found.append((name, "an array", [example]))
    return found


def member_signup(**data_changes: Any) -> dict[str, Any]:
    data = {"account_id": 1755030, "member_id": 6120458131, "mailing_id": 4296212601}
    data.update(data_changes)
    return {"event_name": "member_signup", "data": data}


def without(document: dict[str, Any], *path: str) -> dict[str, Any]:
    document = copy.deepcopy(document)
    target = document
    for key in path[:-1]:
        target = target[key]
    del target[path[-1]]
    return document


def bad_documents() -> list[tuple[str, Any]]:
    """Documents the parser rejects, so the schema must too."""
    group = {
        "event_name": "member_add_to_group",
        "data": {
            "member_ids": [1, 2],
            "account_id": 1,
            "timestamp": "@D:2017-12-21T11:10:00",
            "group_ids": "all",
        },
    }
    member_add = {
        "event_name": "member_add",
        "data": {
            "member_id": 1,
            "account_id": 1,
            "timestamp": "@D:2017-12-21T11:01:11",
            "signup_form_id": None,
        },
    }
    return [
        ("missing data", without(member_signup(), "data")),
        ("missing event_name", without(member_signup(), "event_name")),
        ("missing required field", without(member_signup(), "data", "mailing_id")),
        ("string ID", member_signup(member_id="6120458131")),
        ("negative ID", member_signup(member_id=-1)),
        ("fractional ID", member_signup(member_id=1.5)),
        ("ID above u64::MAX", member_signup(member_id=U64_MAX + 1)),
        ("null required field", member_signup(account_id=None)),
        ("boolean ID", member_signup(account_id=True)),
        ('"some" selection', {**group, "data": {**group["data"], "member_ids": "some"}}),
        ("selection with a string item", {**group, "data": {**group["data"], "group_ids": ["5012"]}}),
        ("selection as an object", {**group, "data": {**group["data"], "group_ids": {}}}),
        ("signup_form_id missing", without(member_add, "data", "signup_form_id")),
        ("optional field null", {**member_add, "data": {**member_add["data"], "resource_url": None}}),
        ("timestamp as a number", {**member_add, "data": {**member_add["data"], "timestamp": 1513854071}}),
        ("data null for a known event", {"event_name": "member_signup", "data": None}),
        ("data an array for a known event", {"event_name": "member_signup", "data": []}),
        ("unknown event without data", {"event_name": "no_schema_declares_this"}),
        ("event_name not a string", {"event_name": 7, "data": {}}),
        ("event_name null", {"event_name": None, "data": {}}),
        ("top level an array", [member_signup()]),
        ("top level a string", "member_signup"),
        ("top level null", None),
        ("empty object", {}),
    ]


def good_documents() -> list[tuple[str, Any]]:
    """Unusual documents the parser accepts, so the schema must too."""
    return [
        ("ID u64::MAX", member_signup(member_id=U64_MAX)),
        ("unknown data key", member_signup(surprise={"nested": [1]})),
        ("unknown top-level key", {**member_signup(), "resource_url": "https://x.invalid/1"}),
        ("unknown event, any data object", {"event_name": "no_schema_declares_this", "data": {"a": [1, None]}}),
        ("unknown event, empty data", {"event_name": "", "data": {}}),
        ("unknown event, data null", {"event_name": "no_schema_declares_this", "data": None}),
        ("unknown event, data a string", {"event_name": "no_schema_declares_this", "data": "x"}),
        ("unknown event, data an array", {"event_name": "no_schema_declares_this", "data": [{"a": 1}]}),
        (
            '"all" selections',
            {
                "event_name": "member_status_update",
                "data": {"member_ids": "all", "account_id": 1, "new_status": "x", "timestamp": "t"},
            },
        ),
    ]


def check_schema() -> int:
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import best_match

    results = Results("schema")
    bundle = load(BUNDLE_PATH)
    files = event_files()
    envelope = Envelope(bundle, files)
    print(f"export {EXPORT}: {envelope.layout} layout, tag {envelope.tag!r}, content {envelope.content!r}")
    results.check(bundle.get("$schema") == DIALECT, "the bundle declares draft 2020-12")
    results.attempt("the bundle is a valid 2020-12 schema", lambda: Draft202012Validator.check_schema(bundle))
    for name, schema in files.items():
        results.attempt(
            f"events/{name}.schema.json is a valid 2020-12 schema",
            lambda schema=schema: Draft202012Validator.check_schema(schema),
        )
    validator = Draft202012Validator(bundle)
    if envelope.header:
        # A body does not name its event: one branch per event, no catch-all (see the bundle's $comment).
        branches = len(bundle["anyOf"])
        results.check(branches == len(files), f"the bundle has one anyOf branch per event ({branches})")
    else:
        results.check(
            bundle["oneOf"] == [{"$ref": "#/$defs/KnownDelivery"}, {"$ref": "#/$defs/UnknownDelivery"}],
            "the bundle is KnownDelivery or UnknownDelivery",
            json.dumps(bundle["oneOf"]),
        )
        known = bundle["$defs"]["KnownDelivery"]["oneOf"]
        expected = [{"$ref": f"#/$defs/{schema['title']}"} for schema in files.values()]
        results.check(
            sorted(map(json.dumps, known)) == sorted(map(json.dumps, expected)),
            f"KnownDelivery has one branch per event ({len(known)})",
        )
        check_unknown_pattern(results, bundle, envelope, list(files))

    def verdict(document: Any) -> str:
        error = best_match(validator.iter_errors(document))
        return "valid" if error is None else error.message

    all_examples = examples()
    results.check(len(all_examples) >= len(files), f"every event has an example ({len(all_examples)})")
    for name, delivery_def, example in all_examples:
        error = best_match(validator.iter_errors(example))
        results.check(error is None, f"example of {name} is valid by the bundle", str(error and error.message))
        own = Draft202012Validator(files[name])
        error = best_match(own.iter_errors(example))
        results.check(error is None, f"example of {name} is valid by its own schema", str(error and error.message))
        in_bundle = bundle["$defs"][delivery_def].get("examples", [])
        results.check(example in in_bundle, f"example of {name} is among the bundle's examples")

    generic = generic_bad_documents(envelope, files)
    for name, what, document in generic:
        own = Draft202012Validator(files[name])
        results.check(not own.is_valid(document), f"{name}: bad document rejected by its schema: {what}", json.dumps(document))
        if not envelope.header and what != f"`{envelope.tag}` unknown":
            # (An unknown name is a valid delivery of an unknown event, by the bundle.)
            results.check(not validator.is_valid(document), f"{name}: bad document rejected by the bundle: {what}", json.dumps(document))
    if envelope.tag:
        example = all_examples[0][2]
        unknown = copy.deepcopy(example)
        unknown[envelope.tag] = UNKNOWN_NAME
        results.check(validator.is_valid(unknown), "an unknown event with the example's envelope is valid", verdict(unknown))
        if envelope.content:
            # An unknown event's data may be of any JSON type, but it must be there.
            unknown[envelope.content] = None
            results.check(validator.is_valid(unknown), f"an unknown event with `{envelope.content}` null is valid", verdict(unknown))
            del unknown[envelope.content]
            results.check(not validator.is_valid(unknown), f"an unknown event without `{envelope.content}` is rejected")

    if EXPORT == EMMA_EXPORT:
        for what, document in bad_documents():
            results.check(not validator.is_valid(document), f"bad document rejected: {what}", json.dumps(document))
        for what, document in good_documents():
            results.check(validator.is_valid(document), f"good document accepted: {what}", verdict(document))
        print(f"jsonschema: {len(all_examples)} examples, {len(generic)} generic bad, {len(bad_documents())} bad and {len(good_documents())} good documents")
    else:
        print(f"jsonschema: {len(all_examples)} examples, {len(generic)} generic bad documents")
    return results.finish()


def check_unknown_pattern(results: Results, bundle: dict[str, Any], envelope: Envelope, names: list[str]) -> None:
    """UnknownDelivery's tag excludes the known names by `not` and by `pattern`. Generators
    that ignore `not` (datamodel-code-generator) only keep the pattern: with `not` removed, the
    pattern alone must still reject every known name and accept everything else."""
    from jsonschema import Draft202012Validator

    stripped = copy.deepcopy(bundle)
    tag_schema = stripped["$defs"]["UnknownDelivery"]["properties"][envelope.tag]
    results.check("not" in tag_schema and "pattern" in tag_schema, "UnknownDelivery's tag has both `not` and `pattern`")
    tag_schema.pop("not", None)
    validator = Draft202012Validator({"$schema": DIALECT, "$defs": stripped["$defs"], "$ref": "#/$defs/UnknownDelivery"})
    example = examples()[0][2]

    def with_tag(value: str) -> dict[str, Any]:
        document = copy.deepcopy(example)
        document[envelope.tag] = value
        return document

    for name in names:
        results.check(not validator.is_valid(with_tag(name)), f"UnknownDelivery's pattern alone rejects the known name {name!r}")
    first = names[0]
    for other in [UNKNOWN_NAME, "", first + "\n", first + "x", "x" + first, first.upper(), first[:-1]]:
        if other in names:
            continue
        results.check(validator.is_valid(with_tag(other)), f"UnknownDelivery's pattern alone accepts the unknown name {other!r}")


def check_openapi() -> int:
    from jsonschema import Draft202012Validator
    from openapi_spec_validator import OpenAPIV31SpecValidator

    results = Results("openapi")
    spec = load(OPENAPI_PATH)
    envelope = Envelope(load(BUNDLE_PATH), event_files())
    results.check(spec.get("openapi", "").startswith("3.1."), f"openapi.json is OpenAPI 3.1 ({spec.get('openapi')})")
    errors = list(OpenAPIV31SpecValidator(spec).iter_errors())
    results.check(not errors, "openapi.json is valid by openapi-spec-validator (OpenAPI 3.1)", "; ".join(map(str, errors[:5])))
    broken = copy.deepcopy(spec)
    first = next(iter(broken["webhooks"]))
    broken["webhooks"][first]["post"]["requestBody"] = 5
    results.check(
        any(True for _ in OpenAPIV31SpecValidator(broken).iter_errors()),
        "openapi-spec-validator does reject a broken copy",
    )

    names = set(event_files())
    webhooks = spec.get("webhooks", {})
    results.check(set(webhooks) == names, f"one webhook per event ({len(webhooks)} webhooks, {len(names)} events)")
    for name, item in webhooks.items():
        post = item["post"]
        if envelope.header:
            parameters = post.get("parameters", [])
            results.check(
                len(parameters) == 1
                and parameters[0].get("in") == "header"
                and parameters[0].get("required") is True
                and parameters[0].get("schema") == {"const": name},
                f"webhook {name} requires its header to hold {name!r}",
                json.dumps(parameters),
            )
        else:
            results.check("parameters" not in post, f"webhook {name} has no parameters")
        content = post["requestBody"]["content"]["application/json"]
        # Resolve the webhook's `$ref` inside the OpenAPI document itself.
        schema = {"$schema": DIALECT, "$ref": content["schema"]["$ref"], "components": spec["components"]}
        validator = Draft202012Validator(schema)
        for key, example in content.get("examples", {}).items():
            error = best_error(validator, example["value"])
            results.check(error is None, f"webhook {name} {key} is valid by its schema", str(error))
        if envelope.content:
            wrong = {envelope.tag: name, envelope.content: {}}
            results.check(not validator.is_valid(wrong), f"webhook {name} schema rejects empty {envelope.content}")
        definition = spec["components"]["schemas"][content["schema"]["$ref"].rsplit("/", 1)[-1]]
        body_type = data_body_type(definition)
        if body_type is None:
            results.check(not validator.is_valid({}), f"webhook {name} schema rejects an empty object")
        else:
            # A body that is a union keeps an object of an unknown tag as received, as the
            # generated reader does: only the type's own definition decides.
            own = {"$schema": DIALECT, "$ref": f"#/components/schemas/{body_type}", "components": spec["components"]}
            results.check(
                validator.is_valid({}) == Draft202012Validator(own).is_valid({}),
                f"webhook {name}'s body schema is its data type {body_type}",
            )
    return results.finish()


def best_error(validator: Any, document: Any) -> str | None:
    from jsonschema.exceptions import best_match

    error = best_match(validator.iter_errors(document))
    return None if error is None else error.message


def check_pydantic() -> int:
    results = Results("pydantic")
    files = event_files()
    envelope = Envelope(load(BUNDLE_PATH), files)
    with tempfile.TemporaryDirectory(prefix="emma-pydantic-") as temp:
        output = Path(temp) / "emma_models.py"
        command = [
            sys.executable,
            "-m",
            "datamodel_code_generator",
            "--input",
            str(BUNDLE_PATH),
            *DATAMODEL_FLAGS,
            "--output",
            str(output),
            "--class-name",
            "EmmaDelivery",
            "--target-python-version",
            "3.11",
            "--formatters",
            "builtin",
            "--disable-timestamp",
        ]
        generated = subprocess.run(command, capture_output=True, text=True, check=False)
        results.check(
            generated.returncode == 0 and output.exists(),
            "datamodel-codegen generates pydantic v2 models from the bundle",
            generated.stderr.strip(),
        )
        if generated.returncode != 0 or not output.exists():
            return results.finish()
        spec = importlib.util.spec_from_file_location("emma_models", output)
        assert spec is not None and spec.loader is not None
        models = importlib.util.module_from_spec(spec)
        sys.modules["emma_models"] = models
        results.attempt("the generated models import", lambda: spec.loader.exec_module(models))
        if not hasattr(models, "EmmaDelivery"):
            results.check(False, "the generated models have a root model EmmaDelivery")
            return results.finish()
        print(f"datamodel-codegen: {sum(1 for line in output.read_text().splitlines() if line.startswith('class '))} classes generated")
        check_model_shapes(results, models, load(BUNDLE_PATH))

        bundle = load(BUNDLE_PATH)
        for name, model_name, example in examples():
            # A body that is a data type is that type's model (datamodel-codegen does not
            # alias it under the delivery's name).
            body_type = data_body_type(bundle["$defs"].get(model_name, {}))
            delivery_model = getattr(models, model_name, None) or (body_type and getattr(models, body_type, None))
            results.check(delivery_model is not None, f"a model {model_name} is generated (or, for a data body, {body_type})")
            if delivery_model is None:
                continue
            parsed = results.attempt(
                f"{model_name} parses the example of {name}",
                lambda model=delivery_model, example=example: model.model_validate(example),
            )
            if parsed is not None:
                round_trip = parsed.model_dump(mode="json", by_alias=True, exclude_unset=True)
                results.check(
                    envelope.fields_of(round_trip) == envelope.fields_of(example),
                    f"{model_name} keeps the fields of the example of {name}",
                    json.dumps(round_trip),
                )
            root = results.attempt(
                f"EmmaDelivery (the bundle's root model) parses the example of {name}",
                lambda example=example: models.EmmaDelivery.model_validate(example),
            )
            if root is not None:
                chosen = type(root.root).__name__
                # A body that is a union is one of its branches, as datamodel-codegen names them.
                picked = chosen == model_name or (
                    body_type is not None and (chosen.startswith(body_type) or chosen.startswith(model_name))
                )
                results.check(picked, f"EmmaDelivery picks {model_name} for {name}", f"picked {chosen}")

        if envelope.tag:
            first = examples()[0][2]
            for unknown_name in [UNKNOWN_NAME, first[envelope.tag] + "\n"]:
                unknown = copy.deepcopy(first)
                unknown[envelope.tag] = unknown_name
                root = results.attempt(
                    f"EmmaDelivery parses an unknown event {unknown_name!r}",
                    lambda unknown=unknown: models.EmmaDelivery.model_validate(unknown),
                )
                if root is not None:
                    chosen = type(root.root).__name__
                    results.check(chosen == "UnknownDelivery", f"an unknown event {unknown_name!r} parses as UnknownDelivery", f"picked {chosen}")
        # The per-event models enforce the schema: bad documents are rejected.
        bad = [
            (what, files[name]["title"], document)
            for name, what, document in generic_bad_documents(envelope, files)
            if what != "an array"
        ]
        if EXPORT == EMMA_EXPORT:
            bad += [
                ("negative ID", "MemberSignupDelivery", member_signup(member_id=-1)),
                ("ID above u64::MAX", "MemberSignupDelivery", member_signup(member_id=U64_MAX + 1)),
                ("wrong event_name", "MemberSignupDelivery", {**member_signup(), "event_name": "member_add"}),
                (
                    '"some" selection',
                    "MemberStatusUpdateDelivery",
                    {"event_name": "member_status_update", "data": {"member_ids": "some", "account_id": 1, "new_status": "a", "timestamp": "t"}},
                ),
            ]
        for what, model_name, document in bad:
            model = getattr(models, model_name, None)
            if model is None:
                continue
            try:
                model.model_validate(document)
                rejected = False
            except Exception:  # noqa: BLE001 - pydantic's ValidationError
                rejected = True
            results.check(rejected, f"{model_name} rejects a bad document: {what}", json.dumps(document))
            # The root model must not take a known event with bad data for an unknown event:
            # under a tagged layout, a document whose tag is still a known name is rejected.
            # (A header-layout root is an anyOf of bodies, which cannot know the event.)
            if envelope.tag and isinstance(document, dict) and document.get(envelope.tag) in files:
                outcome = root_verdict(models, document)
                results.check(
                    outcome == "ValidationError",
                    f"EmmaDelivery rejects a known event with bad data: {what}",
                    f"got {outcome} for {json.dumps(document)}",
                )
    return results.finish()


def root_verdict(models: Any, document: Any) -> str:
    """What the root model makes of `document`: the chosen model's name, or the error's type."""
    from pydantic import ValidationError

    try:
        parsed = models.EmmaDelivery.model_validate(document)
    except ValidationError:
        return "ValidationError"
    return type(parsed.root).__name__


def check_model_shapes(results: Results, models: Any, bundle: dict[str, Any]) -> None:
    """The generated module reads like hand-written models: IDs and other named scalars are
    plain `int`/`str` fields, the root union is the only RootModel, and no class is a numbered
    copy of another."""
    import inspect
    import typing

    from pydantic import BaseModel, RootModel

    # (pydantic also registers parametrized generics such as `RootModel[...]` in the module.)
    classes = {
        name: value
        for name, value in vars(models).items()
        if name.isidentifier() and inspect.isclass(value) and value.__module__ == models.__name__
    }
    # A union type of the schema is a RootModel too, and datamodel-codegen names its branches
    # after it (`LabelEvent1`, ...): neither is a duplicate of anything.
    # So is a delivery whose body is a union (`LabelChangedDelivery`, branches inlined as
    # `LabelChangedDelivery1`, ...).
    defs = bundle["$defs"]
    unions = {
        name
        for name, definition in defs.items()
        if is_union(definition) or ((body := data_body_type(definition)) is not None and is_union(defs.get(body, {})))
    }

    def of_a_union(name: str) -> bool:
        match = re.fullmatch(r"(.*\D)\d*", name)
        return match is not None and match.group(1) in unions

    root_models = sorted(name for name, value in classes.items() if issubclass(value, RootModel) and not of_a_union(name))
    results.check(root_models == ["EmmaDelivery"], "the only RootModel is the root EmmaDelivery (and the schema's unions)", f"RootModels: {root_models}")
    numbered = sorted(
        name
        for name in classes
        if (match := re.fullmatch(r"(.*\D)\d+", name)) and match.group(1) in classes and match.group(1) not in unions
    )
    results.check(not numbered, "no generated class is a numbered duplicate of another", f"duplicates: {numbered}")

    def plain(annotation: Any) -> Any:
        """`annotation` without `Annotated` metadata and without `None` from a union."""
        if typing.get_origin(annotation) is typing.Annotated:
            return plain(typing.get_args(annotation)[0])
        args = typing.get_args(annotation)
        if args and type(None) in args:
            rest = [plain(arg) for arg in args if arg is not type(None)]
            return rest[0] if len(rest) == 1 else rest
        return annotation

    # Every property of an object definition that refers to a named integer or string type
    # (an ID, a timestamp, an open enum) is a plain `int` or `str` field of the object's model.
    defs = bundle["$defs"]
    checked = 0
    for def_name, definition in defs.items():
        model = classes.get(def_name)
        if model is None or not issubclass(model, BaseModel) or issubclass(model, RootModel):
            continue
        fields = {field.alias or name: field for name, field in model.model_fields.items()}
        for key, prop in definition.get("properties", {}).items():
            refs = [item["$ref"] for item in prop.get("allOf", []) + prop.get("anyOf", []) if "$ref" in item]
            if not refs or key not in fields:
                continue
            target = defs[refs[0].removeprefix("#/$defs/")]
            expected = {"integer": int, "string": str}.get(target.get("type"))
            if expected is None or "enum" in target:
                continue
            annotation = plain(fields[key].annotation)
            checked += 1
            results.check(
                annotation is expected,
                f"{def_name}.{key} ({target.get('title')}) is a plain {expected.__name__}",
                f"annotation: {fields[key].annotation!r}",
            )
    results.check(checked > 0, f"fields of named int/str types found to check ({checked})")


def check_readme() -> int:
    """The README's section for other languages pins the generators' versions that run.sh
    installs, and shows the datamodel-codegen flags check_pydantic runs."""
    results = Results("readme")
    text = README.read_text(encoding="utf-8")
    start = text.find(README_SECTION)
    results.check(start >= 0, f"README.md has a section {README_SECTION!r}")
    end = text.find("\n## ", start + 1)
    section = text[start : end if end >= 0 else len(text)]
    pins = dict(
        line.split("==", 1) for line in REQUIREMENTS.read_text().splitlines() if "==" in line and not line.startswith("#")
    )
    generator = f"datamodel-code-generator=={pins['datamodel-code-generator']}"
    results.check(generator in section, f"the README pins {generator}")
    ts_version = load(TS_PACKAGE)["devDependencies"]["json-schema-to-typescript"]
    ts_pin = f"json-schema-to-typescript@{ts_version}"
    results.check(ts_pin in section, f"the README pins {ts_pin}")
    command = re.search(r"datamodel-codegen (?:\\\n|[^\n])*", section)
    shown = command.group(0).replace("\\\n", " ").split() if command else []
    for flag in DATAMODEL_FLAGS:
        results.check(flag in shown, f"the README's datamodel-codegen command has {flag}", " ".join(shown))
    return results.finish()


def main(argv: list[str]) -> int:
    global EXPORT, BUNDLE_PATH, OPENAPI_PATH, EVENTS_DIR
    commands = {"schema": check_schema, "openapi": check_openapi, "pydantic": check_pydantic, "readme": check_readme}
    if len(argv) not in (2, 3) or argv[1] not in commands:
        print(f"usage: {argv[0]} {{{'|'.join(commands)}}} [EXPORT_DIR]", file=sys.stderr)
        return 2
    if len(argv) == 3:
        EXPORT = Path(argv[2]).resolve()
        BUNDLE_PATH = bundle_of(EXPORT)
        OPENAPI_PATH = EXPORT / "openapi.json"
        EVENTS_DIR = EXPORT / "events"
    return commands[argv[1]]()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
