#!/usr/bin/env python3
"""Check rapidata-rs's OpenAPI documents (spec/*.openapi.json) against the Rapidata Python SDK.

Usage:
    python3 spec/check_spec.py --sdk DIR_OR_WHEEL [--upstream DIR] [SPEC_DIR]
    python3 spec/check_spec.py --fetch-sdk VERSION [--upstream DIR] [SPEC_DIR]

--sdk takes an unzipped `rapidata` wheel (a folder containing rapidata/api_client/models) or the
.whl file itself. --fetch-sdk runs `pip download --no-deps rapidata==VERSION` into a temporary
folder and uses that wheel. SPEC_DIR defaults to the folder of this script. Standard library only;
the SDK is read as text (ast + regexes, see sdk_models.py), never imported.

Checks, each reported on its own line:
  * structure (per file): allowed top-level keys, every $ref and discriminator mapping resolves in
    the same file, components.schemas is exactly the $ref closure of the operations, every
    operation has a summary and no operationId, every response and schema a description, no
    examples; info.version is the same in every file;
  * operations (per file): each path+method exists in the SDK's api modules, with the same path
    and query parameter names (and required flags, deepObject style), request body model,
    multipart file parts, response status codes and response models;
  * schemas (per file): every schema matches the SDK model class of the same name with the
    underscores removed: property (wire) names, required set, nullable set, property types,
    enum values (also inline ones), patterns, `_t` tags, oneOf members and discriminator mappings.
    Schemas the SDK has no class for must be plain aliases (array, map or binary string);
  * with --upstream DIR (folder of full upstream documents): no spec file is a byte copy of an
    upstream file, and no summary or description repeats upstream prose.
It prints `ok`/`FAIL` per check, then `N passed, N failed`; exit status 1 on any failure.
"""
import glob
import json
import os
import re
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True    # keep spec/ free of __pycache__
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sdk_models  # noqa: E402

PROSE = {'description', 'summary', 'example', 'examples'}
# Objects whose keys are names chosen by the API (property names, status codes, media types ...),
# so a key such as "description" there is data, not an OpenAPI keyword.
NAME_MAPS = {'properties', 'schemas', 'paths', 'responses', 'content', 'securitySchemes',
             'headers', 'encoding', 'links', 'callbacks', 'mapping'}
LITERALS = {'enum', 'default', 'example', 'examples', 'const'}
METHODS = ('get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace')
SCHEMA_REF = '#/components/schemas/'
BINARY = {'bytes', 'bytearray', 'str'}


def cls(name):
    return name.replace('_', '')


# ---------------------------------------------------------------------------------------------
# generic walkers

def prose(node, parent=None, found=None):
    """Collect (keyword, text) pairs of all prose keywords under node."""
    if found is None:
        found = []
    if isinstance(node, dict):
        names = parent in NAME_MAPS
        for k, v in node.items():
            if not names and k in PROSE:
                found.append((k, v))
            elif not names and k in LITERALS:
                continue
            else:
                prose(v, None if names else k, found)
    elif isinstance(node, list):
        for x in node:
            prose(x, None, found)
    return found


def refs(node, parent=None):
    """Yield every $ref target and discriminator mapping target under node."""
    if isinstance(node, dict):
        if parent in NAME_MAPS:
            for v in node.values():
                if parent == 'mapping' and isinstance(v, str):
                    yield v
                else:
                    yield from refs(v)
        else:
            for k, v in node.items():
                if k == '$ref' and isinstance(v, str):
                    yield v
                elif k not in LITERALS:
                    yield from refs(v, k)
    elif isinstance(node, list):
        for x in node:
            yield from refs(x)


def resolve(doc, ref):
    if not ref.startswith('#/'):
        return False
    node = doc
    for part in ref[2:].split('/'):
        part = part.replace('~1', '/').replace('~0', '~')
        if not isinstance(node, dict) or part not in node:
            return False
        node = node[part]
    return True


def norm(text):
    return re.sub(r'\s+', ' ', text).strip().rstrip('.').lower()


def ref_name(node):
    r = node.get('$ref', '') if isinstance(node, dict) else ''
    return r[len(SCHEMA_REF):] if r.startswith(SCHEMA_REF) else None


# ---------------------------------------------------------------------------------------------
# spec-side shapes

def is_alias(schema):
    """A named schema the SDK generator inlines (array, map or plain string alias)."""
    return not any(k in schema for k in ('properties', 'oneOf', 'allOf')) and \
        (schema.get('type') in ('array', 'string') or
         (schema.get('type') == 'object' and 'additionalProperties' in schema)) and \
        'enum' not in schema


def json_shape(node, schemas):
    """Canonical shape of a spec schema, comparable with sdk_models.annotation_shape."""
    name = ref_name(node)
    if name is not None:
        target = schemas.get(name, {})
        if is_alias(target):
            return json_shape(target, schemas)
        return ('ref', cls(name))
    for key in ('allOf', 'oneOf'):
        if key in node and len(node[key]) == 1:
            return json_shape(node[key][0], schemas)
    t = node.get('type')
    if t is None and 'enum' in node:
        return ('string',)
    if t == 'string':
        fmt = node.get('format')
        if fmt in ('date-time', 'uuid'):
            return ('string', fmt)
        if fmt == 'binary':
            return ('binary',)
        return ('string',)
    if t in ('integer', 'number', 'boolean'):
        return (t,)
    if t == 'array':
        return ('array', json_shape(node.get('items', {}), schemas))
    if t == 'object':
        if 'additionalProperties' in node:
            return ('map', json_shape(node['additionalProperties'], schemas))
        return ('any',)
    return ('unknown', json.dumps(node)[:60])


def same_shape(spec, model, models):
    if spec == model or model == ('any',):
        return True
    if spec[0] == model[0] == 'ref':
        # openapi-generator inlines a oneOf with a single member as that member
        for a, b in ((spec[1], model[1]), (model[1], spec[1])):
            m = models.get(a)
            if m and m['kind'] == 'oneof' and m['members'] == [b]:
                return True
        return False
    if spec[0] == model[0] and spec[0] in ('array', 'map'):
        return same_shape(spec[1], model[1], models)
    return False


def is_nullable(node):
    return bool(node.get('nullable')) or any(isinstance(x, dict) and x.get('nullable')
                                             for x in node.get('allOf', []))


def inline_enum(node, schemas, depth=0):
    """String enum values reachable without crossing into a named non-alias schema."""
    if depth > 5 or not isinstance(node, dict):
        return None
    if 'enum' in node:
        return [v for v in node['enum'] if v is not None]
    name = ref_name(node)
    if name is not None:
        target = schemas.get(name, {})
        return inline_enum(target, schemas, depth + 1) if is_alias(target) else None
    for key in ('allOf', 'oneOf'):
        if key in node and len(node[key]) == 1:
            return inline_enum(node[key][0], schemas, depth + 1)
    if 'items' in node:
        return inline_enum(node['items'], schemas, depth + 1)
    return None


# ---------------------------------------------------------------------------------------------
# checks

def check_structure(doc):
    errors = []
    err = errors.append
    allowed_top = {'openapi', 'info', 'servers', 'paths', 'components', 'security'}
    if set(doc) - allowed_top:
        err(f'unexpected top-level keys {sorted(set(doc) - allowed_top)}')
    if not str(doc.get('openapi', '')).startswith('3.0'):
        err('openapi is not 3.0.x')
    info = doc.get('info', {})
    for key in ('title', 'description', 'version'):
        if not info.get(key):
            err(f'info.{key} missing')
    comps = doc.get('components', {})
    if set(comps) - {'schemas', 'securitySchemes'}:
        err('unexpected components sections')
    schemas = comps.get('schemas', {})
    n_ops = 0
    for path, item in doc.get('paths', {}).items():
        for key in item:
            if key not in METHODS and key != 'parameters':
                err(f'{path}: unexpected path item key {key}')
        for method in METHODS:
            if method not in item:
                continue
            n_ops += 1
            op = item[method]
            where = f'{method.upper()} {path}'
            if not op.get('summary'):
                err(f'{where}: no summary')
            if 'operationId' in op:
                err(f'{where}: has an operationId')
            for code, resp in op.get('responses', {}).items():
                if not resp.get('description'):
                    err(f'{where}: response {code} has no description')
    for ref in refs(doc):
        if not resolve(doc, ref):
            err(f'$ref {ref} does not resolve')
    # closure
    seen, todo = set(), [r for r in refs(doc.get('paths', {}))]
    while todo:
        name = ref_name({'$ref': todo.pop()})
        if name is None or name in seen or name not in schemas:
            continue
        seen.add(name)
        todo.extend(refs(schemas[name]))
    for name in sorted(set(schemas) - seen):
        err(f'schema {name} is not reachable from the operations')
    for name, schema in schemas.items():
        if not schema.get('description'):
            err(f'schema {name} has no description')
    for kind, _ in prose(doc):
        if kind in ('example', 'examples'):
            err(f'an {kind} value is present')
    return n_ops, errors


def check_operations(doc, ops):
    errors = []
    err = errors.append
    schemas = doc.get('components', {}).get('schemas', {})
    for path, item in doc.get('paths', {}).items():
        shared = item.get('parameters', [])
        for method in METHODS:
            if method not in item:
                continue
            op = item[method]
            where = f'{method.upper()} {path}'
            sdk = ops.get((method.upper(), path))
            if sdk is None:
                err(f'{where}: not in the SDK api modules')
                continue
            params = shared + op.get('parameters', [])
            path_names = {p['name'] for p in params if p.get('in') == 'path'}
            if path_names != set(sdk['path_params']):
                err(f'{where}: path parameters {sorted(path_names)} != SDK {sorted(sdk["path_params"])}')
            query = {p['name']: p for p in params if p.get('in') == 'query'}
            sq = sdk['query_params']
            for name in sorted(set(query) - set(sq)):
                err(f'{where}: query parameter {name} not in the SDK')
            for name in sorted(set(sq) - set(query)):
                err(f'{where}: SDK query parameter {name} missing')
            for name in sorted(set(query) & set(sq)):
                p, s = query[name], sq[name]
                if bool(p.get('required')) != s['required']:
                    err(f'{where}: query parameter {name} required={bool(p.get("required"))}, SDK {s["required"]}')
                if (p.get('style') == 'deepObject') != s['deep_object']:
                    err(f'{where}: query parameter {name} deepObject style differs from the SDK')
                shape = sdk_models.annotation_shape(s['type'])
                if shape[0] == 'ref' and not s['deep_object'] and \
                        json_shape(p.get('schema', {}), schemas) != shape:
                    err(f'{where}: query parameter {name} schema differs from SDK type {s["type"]}')
            # request body
            body = op.get('requestBody', {}).get('content', {})
            want_body = sdk_models.annotation_shape(sdk['body']) if sdk['body'] else None
            json_body = body.get('application/json', {}).get('schema')
            if want_body is not None:
                if json_body is None or json_shape(json_body, schemas) != want_body:
                    err(f'{where}: request body differs from SDK {sdk["body"]}')
            elif json_body is not None:
                err(f'{where}: request body not in the SDK')
            form = body.get('multipart/form-data', {}).get('schema', {})
            parts = set(form.get('properties', {}))
            if parts != set(sdk['files']) | set(sdk['form']):
                err(f'{where}: multipart parts {sorted(parts)} != SDK {sorted(set(sdk["files"]) | set(sdk["form"]))}')
            # responses
            responses = op.get('responses', {})
            if set(responses) != set(sdk['responses']):
                err(f'{where}: response codes {sorted(responses)} != SDK {sorted(sdk["responses"])}')
            for code in sorted(set(responses) & set(sdk['responses'])):
                model = sdk['responses'][code]
                content = responses[code].get('content', {})
                if model is None:
                    if content:
                        err(f'{where}: response {code} has a body, the SDK expects none')
                elif model in BINARY:
                    if not any(json_shape(c.get('schema', {}), schemas) == ('binary',) for c in content.values()):
                        err(f'{where}: response {code} is not a binary body')
                else:
                    schema = content.get('application/json', {}).get('schema')
                    if schema is None or json_shape(schema, schemas) != sdk_models.annotation_shape(model):
                        err(f'{where}: response {code} body differs from SDK {model}')
    return errors


def check_schema(name, schema, schemas, models):
    errors = []
    err = lambda msg: errors.append(f'{name}: {msg}')  # noqa: E731
    model = models.get(cls(name))
    if model is None:
        if not is_alias(schema):
            err(f'no SDK model class {cls(name)}')
        return errors
    kind = model['kind']
    if kind == 'enum':
        if schema.get('type') == 'array':      # a flags list: items carry the values
            have = inline_enum(schema, schemas)
        else:
            have = [v for v in schema.get('enum', []) if v is not None] if 'enum' in schema else None
        if have != model['values']:
            err(f'enum values {have} != SDK {model["values"]}')
        return errors
    if kind == 'oneof':
        members = [ref_name(x) for x in schema.get('oneOf', [])]
        if sorted(cls(m or '?') for m in members) != sorted(model['members']):
            err(f'oneOf {sorted(members)} != SDK {sorted(model["members"])}')
        disc = schema.get('discriminator', {})
        if disc.get('propertyName') != '_t':
            err('discriminator propertyName is not _t')
        mapping = disc.get('mapping', {})
        want = {}
        for member in model['members']:
            tag = (models.get(member, {}).get('fields', {}).get('_t') or {}).get('enum')
            if not tag or len(tag) != 1:
                err(f'SDK member {member} has no single _t tag')
                continue
            want[tag[0]] = member
        have = {k: cls(v[len(SCHEMA_REF):]) for k, v in mapping.items()}
        if have != want:
            err(f'discriminator mapping {have} != SDK tags {want}')
        if sorted(set(have.values())) != sorted(cls(m or '?') for m in members):
            err('mapping targets and oneOf members differ')
        return errors
    # object
    props = schema.get('properties', {})
    fields = model['fields']
    for wire in sorted(set(props) - set(fields)):
        err(f'property {wire} not in the SDK model')
    for wire in sorted(set(fields) - set(props)):
        err(f'SDK property {wire} missing')
    req = set(schema.get('required', []))
    want_req = {w for w, f in fields.items() if f['required']}
    if req != want_req:
        err(f'required {sorted(req)} != SDK {sorted(want_req)}')
    for wire in sorted(set(props) & set(fields)):
        p, f = props[wire], fields[wire]
        if is_nullable(p) != f['nullable']:
            err(f'{wire}: nullable={is_nullable(p)}, SDK {f["nullable"]}')
        shape = json_shape(p, schemas)
        want = sdk_models.annotation_shape(f['type'])
        if not same_shape(shape, want, models):
            err(f'{wire}: type {shape} != SDK {f["type"]} {want}')
        if f['enum'] is not None:
            have = inline_enum(p, schemas)
            if have is None and want[0] == 'ref':
                pass                                  # enum held by a named schema
            elif have != f['enum']:
                err(f'{wire}: enum {have} != SDK {f["enum"]}')
        elif 'enum' in p:
            err(f'{wire}: inline enum {p["enum"]} but the SDK validates none')
        if f.get('pattern') and p.get('pattern') != f['pattern']:
            err(f'{wire}: pattern {p.get("pattern")!r} != SDK {f["pattern"]!r}')
    if '_t' in fields and '_t' in props:
        if props['_t'].get('enum') != fields['_t']['enum']:
            err(f'_t tag {props["_t"].get("enum")} != SDK {fields["_t"]["enum"]}')
    return errors


def fetch_sdk(version, into):
    cmd = [sys.executable, '-m', 'pip', 'download', '--no-deps', '--only-binary=:all:',
           f'rapidata=={version}', '-d', into]
    try:
        res = subprocess.run(cmd, capture_output=True, text=True)
    except OSError as e:
        sys.exit(f'error: could not run pip to download rapidata=={version}: {e}')
    wheels = glob.glob(os.path.join(into, f'rapidata-{version}-*.whl'))
    if res.returncode != 0 or not wheels:
        sys.stderr.write(res.stdout + res.stderr)
        sys.exit(f'error: `{" ".join(cmd)}` failed (exit {res.returncode}); '
                 f'cannot check spec/ without the rapidata {version} wheel')
    return wheels[0]


def parse_args(argv):
    opts = {'sdk': None, 'fetch': None, 'upstream': None, 'spec': None}
    it = iter(argv)
    for a in it:
        if a in ('--sdk', '--fetch-sdk', '--upstream'):
            val = next(it, None)
            if val is None:
                return None
            opts[{'--sdk': 'sdk', '--fetch-sdk': 'fetch', '--upstream': 'upstream'}[a]] = val
        elif a.startswith('-'):
            return None
        elif opts['spec'] is None:
            opts['spec'] = a
        else:
            return None
    if (opts['sdk'] is None) == (opts['fetch'] is None):
        return None
    return opts


def main(argv):
    opts = parse_args(argv[1:])
    if opts is None:
        print('\n'.join(__doc__.strip().splitlines()[2:5]))
        return 2
    spec_dir = opts['spec'] or os.path.dirname(os.path.abspath(__file__))
    with tempfile.TemporaryDirectory() as tmp:
        sdk_path = fetch_sdk(opts['fetch'], tmp) if opts['fetch'] else opts['sdk']
        try:
            source = sdk_models.Source(sdk_path)
        except FileNotFoundError as e:
            print(f'error: {e}')
            return 1
        models = sdk_models.load_models(source)
        ops = sdk_models.load_operations(source)
        sdk_version = source.version()
    print(f'SDK {sdk_version or "(version unknown)"} from {sdk_path}: {len(models)} model classes, '
          f'{len(ops)} operations')

    upstream_prose, upstream_bytes = set(), set()
    if opts['upstream']:
        for fn in sorted(os.listdir(opts['upstream'])):
            if fn.endswith('.json'):
                with open(os.path.join(opts['upstream'], fn), 'rb') as f:
                    raw = f.read()
                upstream_bytes.add(raw)
                for _, text in prose(json.loads(raw)):
                    if isinstance(text, str):
                        upstream_prose.add(norm(text))

    specs = sorted(fn for fn in os.listdir(spec_dir) if fn.endswith('.openapi.json'))
    if not specs:
        print(f'no *.openapi.json files in {spec_dir}')
        return 1
    passed = failed = 0

    def report(label, errors):
        nonlocal passed, failed
        if errors:
            failed += 1
            print(f'FAIL {label}')
            for e in errors:
                print('    ', e)
        else:
            passed += 1
            print(f'ok   {label}')

    versions = {}
    for fn in specs:
        path = os.path.join(spec_dir, fn)
        with open(path, 'rb') as f:
            raw = f.read()
        try:
            doc = json.loads(raw)
        except ValueError as e:
            report(f'{fn}: valid JSON', [str(e)])
            continue
        versions[fn] = doc.get('info', {}).get('version')
        n_ops, errors = check_structure(doc)
        schemas = doc.get('components', {}).get('schemas', {})
        report(f'{fn}: structure ({n_ops} operations, {len(schemas)} schemas)', errors)
        report(f'{fn}: operations match the SDK api modules', check_operations(doc, ops))
        errors = []
        for name in sorted(schemas):
            errors += check_schema(name, schemas[name], schemas, models)
        report(f'{fn}: schemas match the SDK models', errors)
        if opts['upstream']:
            errors = []
            if raw in upstream_bytes:
                errors.append('byte-identical to an upstream file')
            for kind, text in prose(doc):
                if kind in ('summary', 'description') and isinstance(text, str) and norm(text) in upstream_prose:
                    errors.append(f'{kind} repeats upstream text: {text!r}')
            report(f'{fn}: prose is our own (against {opts["upstream"]})', errors)
    distinct = sorted(set(map(str, versions.values())))
    report(f'info.version identical in all files ({", ".join(distinct)})',
           [] if len(distinct) == 1 else [f'{fn}: {v}' for fn, v in sorted(versions.items())])
    print(f'{passed} passed, {failed} failed')
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
