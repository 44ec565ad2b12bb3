#!/usr/bin/env python3
"""Check rapidata-rs's OpenAPI subset (spec/*.openapi.json) against full upstream documents.

Usage:
    python3 spec/check_spec.py UPSTREAM_DIR [SPEC_DIR]

UPSTREAM_DIR holds the full per-service documents (<service>.openapi.json, as served at
https://api.<env>/<service>/openapi/v1.json). SPEC_DIR defaults to the folder of this script.
Only the Python standard library is needed.

For every spec file, with prose (description, summary, example, examples) removed from both sides,
it checks that:
  * openapi, servers, security, info.version and the security schemes equal upstream;
  * each operation (and path-level parameter list) equals the upstream one;
  * the component schemas are exactly the $ref closure of those operations, each equal to upstream;
  * every $ref (including discriminator mappings) resolves inside the same file;
  * the file is not a byte copy of any upstream file, and none of our prose repeats upstream prose;
  * every operation has a summary, every schema and response a description, and no examples remain.
Exit status 0 when everything holds, 1 otherwise.
"""
import json
import os
import re
import sys

PROSE = {'description', 'summary', 'example', 'examples'}
# Objects whose keys are names chosen by the API (property names, status codes, media types ...),
# so a key such as "description" there is data, not an OpenAPI keyword.
NAME_MAPS = {'properties', 'schemas', 'paths', 'responses', 'content', 'securitySchemes',
             'headers', 'encoding', 'links', 'callbacks', 'mapping'}
# Keywords whose values are literal data and are never walked.
LITERALS = {'enum', 'default', 'example', 'examples', 'const'}
METHODS = ('get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace')
SCHEMA_REF = '#/components/schemas/'


def strip(node, parent=None):
    """Copy of node without prose keywords (property names are left alone)."""
    if isinstance(node, dict):
        names = parent in NAME_MAPS
        out = {}
        for k, v in node.items():
            if not names and k in PROSE:
                continue
            if not names and k in LITERALS:
                out[k] = v
            else:
                out[k] = strip(v, None if names else k)
        return out
    if isinstance(node, list):
        return [strip(x) for x in node]
    return node


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


def closure(doc, roots):
    schemas = doc['components']['schemas']
    seen, todo = set(), [r for root in roots for r in refs(root)]
    while todo:
        ref = todo.pop()
        name = ref[len(SCHEMA_REF):] if ref.startswith(SCHEMA_REF) else None
        if name is None or name not in schemas:
            raise ValueError('upstream $ref does not resolve: ' + ref)
        if name not in seen:
            seen.add(name)
            todo.extend(refs(schemas[name]))
    return seen


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


def check_file(spec_path, upstream_path, upstream_prose, upstream_bytes):
    errors = []
    err = errors.append
    with open(spec_path, 'rb') as f:
        raw = f.read()
    ours = json.loads(raw)
    with open(upstream_path, encoding='utf-8') as f:
        up = json.load(f)

    if raw in upstream_bytes:
        err('byte-identical to an upstream file')
    for key in ('openapi', 'servers', 'security'):
        if strip(ours.get(key)) != strip(up.get(key)):
            err(f'top-level {key} differs from upstream')
    if ours.get('info', {}).get('version') != up['info']['version']:
        err('info.version differs from upstream')
    if not ours.get('info', {}).get('description'):
        err('info.description missing')
    if strip(ours['components'].get('securitySchemes')) != strip(up['components'].get('securitySchemes')):
        err('securitySchemes differ from upstream')
    allowed_top = {'openapi', 'info', 'servers', 'paths', 'components', 'security'}
    if set(ours) - allowed_top:
        err(f'unexpected top-level keys {sorted(set(ours) - allowed_top)}')
    if set(ours['components']) - {'schemas', 'securitySchemes'}:
        err('unexpected components sections')

    # (a) operations
    roots, n_ops = [], 0
    for path, item in ours['paths'].items():
        up_item = up['paths'].get(path)
        if up_item is None:
            err(f'path {path} not in upstream')
            continue
        for key in item:
            if key not in METHODS and key != 'parameters':
                err(f'{path}: unexpected path item key {key}')
        if strip(item.get('parameters')) != strip(up_item.get('parameters')):
            err(f'{path}: path-level parameters differ')
        if 'parameters' in up_item:
            roots.append(up_item['parameters'])
        for method in METHODS:
            if method not in item:
                continue
            n_ops += 1
            op = item[method]
            where = f'{method.upper()} {path}'
            if method not in up_item:
                err(f'{where}: not in upstream')
                continue
            roots.append(up_item[method])
            if strip(op) != strip(up_item[method]):
                err(f'{where}: structure differs from upstream')
            if not op.get('summary'):
                err(f'{where}: no summary')
            for code, resp in op.get('responses', {}).items():
                if not resp.get('description'):
                    err(f'{where}: response {code} has no description')

    # (c) schemas: exactly the closure, each structurally identical
    want = closure(up, roots)
    have = set(ours['components']['schemas'])
    for name in sorted(want - have):
        err(f'schema {name} missing')
    for name in sorted(have - want):
        err(f'schema {name} is not referenced by the selected operations')
    for name in sorted(have & want):
        mine = ours['components']['schemas'][name]
        if strip(mine) != strip(up['components']['schemas'][name]):
            err(f'schema {name} differs from upstream')
        if not mine.get('description'):
            err(f'schema {name} has no description')

    # (b) references
    for ref in refs(ours):
        if not resolve(ours, ref):
            err(f'$ref {ref} does not resolve')

    # prose must be ours
    for kind, text in prose(ours):
        if kind in ('example', 'examples'):
            err(f'an {kind} value is present')
        elif isinstance(text, str) and norm(text) in upstream_prose:
            err(f'{kind} repeats upstream text: {text!r}')

    return ours, n_ops, len(have), errors


def main(argv):
    if len(argv) < 2:
        print('\n'.join(__doc__.strip().splitlines()[2:7]))
        return 2
    upstream_dir = argv[1]
    spec_dir = argv[2] if len(argv) > 2 else os.path.dirname(os.path.abspath(__file__))

    upstream_prose, upstream_bytes = set(), set()
    for fn in sorted(os.listdir(upstream_dir)):
        if fn.endswith('.json'):
            with open(os.path.join(upstream_dir, fn), 'rb') as f:
                raw = f.read()
            upstream_bytes.add(raw)
            for _, text in prose(json.loads(raw)):
                if isinstance(text, str):
                    upstream_prose.add(norm(text))

    specs = sorted(fn for fn in os.listdir(spec_dir) if fn.endswith('.openapi.json'))
    if not specs:
        print(f'no *.openapi.json files in {spec_dir}')
        return 1
    failed = 0
    for fn in specs:
        upstream_path = os.path.join(upstream_dir, fn)
        if not os.path.exists(upstream_path):
            print(f'FAIL {fn}: no upstream document of that name in {upstream_dir}')
            failed += 1
            continue
        _, n_ops, n_schemas, errors = check_file(os.path.join(spec_dir, fn), upstream_path,
                                                 upstream_prose, upstream_bytes)
        if errors:
            failed += 1
            print(f'FAIL {fn}: {n_ops} operations, {n_schemas} schemas')
            for e in errors:
                print('   ', e)
        else:
            print(f'ok   {fn}: {n_ops} operations, {n_schemas} schemas')
    print(f'{len(specs) - failed} passed, {failed} failed')
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
