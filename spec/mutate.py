#!/usr/bin/env python3
"""Write three additively changed copies of rapidata-rs's OpenAPI documents.

Usage:
    python3 spec/mutate.py OUT_DIR [SPEC_DIR]
    python3 spec/mutate.py --self-test

OUT_DIR receives one folder per mutation, each holding every `*.json` document of SPEC_DIR
(default: the folder of this script) with one kind of change the API may make at any time
without breaking its clients:

  optional-property  every object schema in components.schemas (union members included) gets
                     one more property, not in `required`;
  union-member       every `_t` union (a oneOf with discriminator propertyName `_t`) gets one
                     more member: a new component schema `<Union>MutationProbe` with the tag
                     `MutationProbe`, listed in the oneOf and the mapping like the others;
  enum-value         every string enum (component schemas and inline ones, e.g. sort keys of
                     query parameters) gets one more value; the single-value `_t` tag enums of
                     union members are tags, not enums, and stay as they are.

Building the crate with RAPIDATA_SPEC_DIR set to each folder (`.ci/run` does) proves the
handwritten layer survives these changes. Every mutation is checked as it is made: the script
fails if a document set has nothing to mutate or a mutation left something out. --self-test
mutates this script's own spec/ in a temporary folder and checks, by counting, that every
object schema, union and string enum was changed. Standard library only.
"""
import copy
import glob
import json
import os
import sys
import tempfile

sys.dont_write_bytecode = True

PROBE_PROPERTY = "mutationProbe"
PROBE_TAG = "MutationProbe"
PROBE_VALUE = "MutationProbeValue"
TAG = "_t"
MUTATIONS = ("optional-property", "union-member", "enum-value")


def load(spec_dir):
    """{file name: parsed document} of every *.json in spec_dir."""
    paths = sorted(glob.glob(os.path.join(spec_dir, "*.json")))
    if not paths:
        raise SystemExit(f"error: no *.json documents in {spec_dir}")
    docs = {}
    for p in paths:
        with open(p, encoding="utf-8") as f:
            docs[os.path.basename(p)] = json.load(f)
    return docs


def schemas(doc):
    return doc.get("components", {}).get("schemas", {})


def is_object(schema):
    return isinstance(schema, dict) and "properties" in schema


def is_tag_union(schema):
    d = schema.get("discriminator") if isinstance(schema, dict) else None
    return isinstance(d, dict) and d.get("propertyName") == TAG and "oneOf" in schema


def string_enums(value, path=()):
    """(path, schema) of every string enum in a document, except `_t` tag properties."""
    if isinstance(value, dict):
        values = value.get("enum")
        if (
            isinstance(values, list)
            and any(isinstance(v, str) for v in values)
            and all(isinstance(v, str) or v is None for v in values)
            and not (len(path) >= 2 and path[-2] == "properties" and path[-1] == TAG)
        ):
            yield path, value
        for k, v in value.items():
            yield from string_enums(v, path + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from string_enums(v, path + (str(i),))


def add_optional_property(docs):
    """An extra optional string property on every component object schema; returns the count."""
    n = 0
    for file, doc in docs.items():
        for name, s in schemas(doc).items():
            if not is_object(s):
                continue
            if PROBE_PROPERTY in s["properties"]:
                raise SystemExit(f"error: {file}: {name} already has `{PROBE_PROPERTY}`")
            s["properties"][PROBE_PROPERTY] = {
                "description": "Added by spec/mutate.py: a property this crate does not know.",
                "type": "string",
                "nullable": True,
            }
            n += 1
    return n


def add_union_member(docs):
    """A new member with a new tag in every `_t` union; returns the count."""
    n = 0
    for file, doc in docs.items():
        comps = schemas(doc)
        for name in [k for k, s in comps.items() if is_tag_union(s)]:
            union = comps[name]
            member = f"{name}{PROBE_TAG}"
            mapping = union["discriminator"].setdefault("mapping", {})
            if member in comps or PROBE_TAG in mapping:
                raise SystemExit(f"error: {file}: {name} already has a `{PROBE_TAG}` member")
            ref = f"#/components/schemas/{member}"
            comps[member] = {
                "description": "Added by spec/mutate.py: a union member this crate does not know.",
                "required": ["probe", TAG],
                "properties": {
                    TAG: {
                        "description": f"Type tag of this variant; always `{PROBE_TAG}`.",
                        "enum": [PROBE_TAG],
                        "type": "string",
                    },
                    "probe": {"description": "Some value.", "type": "string"},
                },
            }
            union["oneOf"].append({"$ref": ref})
            mapping[PROBE_TAG] = ref
            n += 1
    return n


def add_enum_value(docs):
    """An extra value on every string enum; returns the count."""
    n = 0
    for file, doc in docs.items():
        for path, s in list(string_enums(doc)):
            if PROBE_VALUE in s["enum"]:
                raise SystemExit(f"error: {file}: /{'/'.join(path)} already has `{PROBE_VALUE}`")
            # Before a trailing null (nullable enums list it last), so it stays the last.
            at = len(s["enum"]) - (1 if s["enum"] and s["enum"][-1] is None else 0)
            s["enum"].insert(at, PROBE_VALUE)
            n += 1
    return n


APPLY = {
    "optional-property": add_optional_property,
    "union-member": add_union_member,
    "enum-value": add_enum_value,
}


def count(docs):
    """How many object schemas, `_t` unions and string enums the documents hold."""
    return {
        "optional-property": sum(
            is_object(s) for d in docs.values() for s in schemas(d).values()
        ),
        "union-member": sum(
            is_tag_union(s) for d in docs.values() for s in schemas(d).values()
        ),
        "enum-value": sum(len(list(string_enums(d))) for d in docs.values()),
    }


def write(docs, folder):
    os.makedirs(folder, exist_ok=True)
    for old in glob.glob(os.path.join(folder, "*.json")):
        os.remove(old)
    for file, doc in docs.items():
        with open(os.path.join(folder, file), "w", encoding="utf-8") as f:
            json.dump(doc, f, indent=2, ensure_ascii=False)
            f.write("\n")


def mutate(spec_dir, out_dir):
    """Writes the three copies; returns {mutation: number of places changed}."""
    original = load(spec_dir)
    expected = count(original)
    changed = {}
    for m in MUTATIONS:
        docs = copy.deepcopy(original)
        n = APPLY[m](docs)
        if n == 0:
            raise SystemExit(f"error: {m}: nothing to mutate in {spec_dir}")
        if n != expected[m]:
            raise SystemExit(f"error: {m}: changed {n} places, the documents have {expected[m]}")
        write(docs, os.path.join(out_dir, m))
        changed[m] = n
    return changed


def verify(spec_dir, out_dir):
    """Re-reads the written copies and checks each change is everywhere; returns failures."""
    original = load(spec_dir)
    before = count(original)
    failures = []
    for m in MUTATIONS:
        docs = load(os.path.join(out_dir, m))
        if set(docs) != set(original):
            failures.append(f"{m}: files {sorted(docs)} != {sorted(original)}")
        for file, doc in docs.items():
            comps = schemas(doc)
            old = schemas(original[file])
            if m == "optional-property":
                for name, s in old.items():
                    if not is_object(s):
                        continue
                    new = comps[name]
                    if PROBE_PROPERTY not in new["properties"]:
                        failures.append(f"{m}: {file}: {name} has no `{PROBE_PROPERTY}`")
                    if PROBE_PROPERTY in new.get("required", []):
                        failures.append(f"{m}: {file}: {name} requires `{PROBE_PROPERTY}`")
                    if len(new["properties"]) != len(s["properties"]) + 1:
                        failures.append(f"{m}: {file}: {name} changed more than one property")
            elif m == "union-member":
                for name, s in old.items():
                    if not is_tag_union(s):
                        continue
                    new = comps[name]
                    ref = f"#/components/schemas/{name}{PROBE_TAG}"
                    if new["discriminator"]["mapping"].get(PROBE_TAG) != ref:
                        failures.append(f"{m}: {file}: {name}'s mapping lacks `{PROBE_TAG}`")
                    if {"$ref": ref} not in new["oneOf"] or len(new["oneOf"]) != len(s["oneOf"]) + 1:
                        failures.append(f"{m}: {file}: {name}'s oneOf lacks the new member")
                    member = comps.get(f"{name}{PROBE_TAG}", {})
                    if member.get("properties", {}).get(TAG, {}).get("enum") != [PROBE_TAG]:
                        failures.append(f"{m}: {file}: {name}'s new member has no `_t` tag")
            else:
                olds = dict(string_enums(original[file]))
                news = dict(string_enums(doc))
                for path, s in olds.items():
                    got = news.get(path, {}).get("enum", [])
                    if PROBE_VALUE not in got or len(got) != len(s["enum"]) + 1:
                        failures.append(f"{m}: {file}: /{'/'.join(path)} lacks `{PROBE_VALUE}`")
        # Nothing else changed in number: same object schemas (plus the new members in
        # union-member), same unions, same enums.
        after = count(docs)
        want = dict(before)
        if m == "union-member":
            want["optional-property"] += before["union-member"]
        if after != want:
            failures.append(f"{m}: counts {after} != {want}")
    return failures


def self_test():
    here = os.path.dirname(os.path.abspath(__file__))
    before = count(load(here))
    with tempfile.TemporaryDirectory() as out:
        changed = mutate(here, out)
        failures = verify(here, out)
        # The check must be able to fail: an unmutated copy is refused.
        write(load(here), os.path.join(out, "enum-value"))
        caught = verify(here, out)
    for m in MUTATIONS:
        print(f"{m}: {changed[m]} of {before[m]} changed")
    if not any("enum-value" in f for f in caught):
        failures.append("verify() accepted an unmutated enum-value copy")
    for f in failures:
        print(f"FAIL {f}")
    if failures or any(v == 0 for v in before.values()):
        print("self-test failed")
        return 1
    print("self-test ok")
    return 0


def main(argv):
    if argv == ["--self-test"]:
        return self_test()
    if len(argv) not in (1, 2) or argv[0].startswith("-"):
        print(__doc__.strip().split("\n\n")[1], file=sys.stderr)
        return 2
    spec_dir = argv[1] if len(argv) == 2 else os.path.dirname(os.path.abspath(__file__))
    out_dir = os.path.abspath(argv[0])
    changed = mutate(spec_dir, out_dir)
    failures = verify(spec_dir, out_dir)
    for f in failures:
        print(f"FAIL {f}", file=sys.stderr)
    if failures:
        return 1
    for m in MUTATIONS:
        print(f"{os.path.join(out_dir, m)}: {changed[m]} places")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
