//! Reading documents and merging them into one schema namespace and one operation list.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::error::{pointer_token, GenError};
use crate::naming;

/// One OpenAPI document as read from disk.
#[derive(Debug, Clone)]
pub struct Document {
    /// File name, e.g. `audience.openapi.json`.
    pub file: String,
    /// The parsed JSON.
    pub value: Value,
}

impl Document {
    /// The service name: the file name up to its first dot.
    pub fn service(&self) -> &str {
        self.file.split('.').next().unwrap_or(&self.file)
    }
}

/// A component schema after merging.
#[derive(Debug, Clone)]
pub struct SchemaEntry {
    /// The file it came from (the first one, for shared schemas).
    pub file: String,
    /// Its JSON pointer in that file (`/components/schemas/<name as written there>`).
    pub pointer: String,
    /// The OpenAPI schema with `$ref`s rewritten to merged names.
    pub schema: Value,
}

/// An operation after merging.
#[derive(Debug, Clone)]
pub struct OperationEntry {
    /// The file it came from.
    pub file: String,
    /// Lower-case HTTP method.
    pub method: String,
    /// The path template.
    pub path: String,
    /// The operation id (given, or synthesized), snake case, unique.
    pub id: String,
    /// The operation object with `$ref`s rewritten, and path-level parameters merged in.
    pub op: Value,
}

/// All documents merged.
#[derive(Debug, Clone, Default)]
pub struct Merged {
    /// Schemas by merged name.
    pub schemas: BTreeMap<String, SchemaEntry>,
    /// Operations sorted by path, then method.
    pub operations: Vec<OperationEntry>,
    /// Operations left out because they cannot be read (a malformed path item or
    /// operation, an unsupported reference): (Rust name the operation would have, why).
    pub skipped: Vec<(String, GenError)>,
    /// Warnings for `cargo:warning`.
    pub warnings: Vec<String>,
}

/// The HTTP methods of an OpenAPI 3.0 path item that become request types.
const METHODS: [&str; 7] = ["get", "post", "put", "patch", "delete", "head", "options"];
const SCHEMA_REF: &str = "#/components/schemas/";
/// Component sections whose references are replaced by the component itself.
const INLINED_SECTIONS: [&str; 4] = ["parameters", "requestBodies", "responses", "headers"];
/// How deep references to components may chain (`a` → `b` → …) before they count as a cycle.
const MAX_REF_DEPTH: usize = 16;

/// Checks the version, merges schemas and collects operations.
pub fn merge(mut docs: Vec<Document>) -> Result<Merged, GenError> {
    docs.sort_by(|a, b| a.file.cmp(&b.file));
    for doc in &mut docs {
        clean_descriptions(&mut doc.value);
    }
    let mut merged = Merged::default();

    for doc in &docs {
        let version = doc
            .value
            .get("openapi")
            .and_then(Value::as_str)
            .unwrap_or("");
        if !version.starts_with("3.0.") {
            return Err(GenError::new(
                &doc.file,
                "/openapi",
                format!("unsupported OpenAPI version `{version}`"),
                "the generator reads OpenAPI 3.0.x documents, as the Rapidata API serves them",
            ));
        }
        for (ptr, what) in [
            ("/paths", "a map of path items"),
            ("/components", "an object"),
            ("/components/schemas", "a map of schemas"),
        ] {
            if doc.value.pointer(ptr).is_some_and(|v| !v.is_object()) {
                return Err(GenError::new(
                    &doc.file,
                    ptr,
                    format!("`{ptr}` is not {what}"),
                    "fix the document's structure (OpenAPI 3.0, section 4.7)",
                ));
            }
        }
    }

    // Name every (file, schema) pair. The first file (by name) keeps a schema's name;
    // a later file with different content gets `<Service><Name>` and a warning.
    let mut names: BTreeMap<(String, String), String> = BTreeMap::new();
    let mut first: BTreeMap<String, (String, Value)> = BTreeMap::new();
    for doc in &docs {
        let Some(schemas) = doc
            .value
            .pointer("/components/schemas")
            .and_then(Value::as_object)
        else {
            continue;
        };
        for (name, schema) in schemas {
            let final_name = match first.get(name) {
                None => {
                    first.insert(name.clone(), (doc.file.clone(), schema.clone()));
                    name.clone()
                }
                Some((_, s)) if s == schema => name.clone(),
                Some((other, _)) => {
                    let renamed = format!("{}{}", naming::pascal(doc.service()), name);
                    merged.warnings.push(format!(
                        "schema `{name}` differs between {other} and {}; the one from {} is generated as `{renamed}`",
                        doc.file, doc.file
                    ));
                    renamed
                }
            };
            names.insert((doc.file.clone(), name.clone()), final_name);
        }
    }
    rename_rust_collisions(&mut names, &mut merged.warnings);

    for doc in &docs {
        let file_names: BTreeMap<&str, &str> = names
            .iter()
            .filter(|((f, _), _)| f == &doc.file)
            .map(|((_, n), v)| (n.as_str(), v.as_str()))
            .collect();
        if let Some(schemas) = doc
            .value
            .pointer("/components/schemas")
            .and_then(Value::as_object)
        {
            for (name, schema) in schemas {
                let final_name = file_names[name.as_str()].to_owned();
                if merged.schemas.contains_key(&final_name) {
                    continue;
                }
                let ptr = format!("/components/schemas/{}", pointer_token(name));
                let schema = rewrite_refs(schema, &file_names, &doc.file, &ptr)?;
                merged.schemas.insert(
                    final_name,
                    SchemaEntry {
                        file: doc.file.clone(),
                        pointer: ptr,
                        schema,
                    },
                );
            }
        }
        let Some(paths) = doc.value.get("paths").and_then(Value::as_object) else {
            continue;
        };
        for (path, item) in paths {
            let item_ptr = format!("/paths/{}", pointer_token(path));
            let Some(item) = item.as_object() else {
                merged.warnings.push(format!(
                    "{} at `{item_ptr}`: the path item is not an object; its operations are skipped",
                    doc.file
                ));
                continue;
            };
            for (key, v) in item {
                if key == "$ref" {
                    merged.warnings.push(format!(
                        "{} at `{item_ptr}/$ref`: path item references are not supported; the operations of `{path}` are skipped (write them out in the document)",
                        doc.file
                    ));
                } else if key == "trace" && v.is_object() {
                    merged.warnings.push(format!(
                        "{} at `{item_ptr}/trace`: TRACE operations are not supported; skipped",
                        doc.file
                    ));
                }
            }
            if item.contains_key("$ref") {
                continue;
            }
            for method in METHODS {
                let Some(op) = item.get(method) else { continue };
                let ptr = format!("{item_ptr}/{method}");
                let given = op.get("operationId").and_then(Value::as_str);
                let mut id = match given {
                    Some(g) => naming::snake(g),
                    None => naming::synthesize_operation_id(method, path),
                };
                if naming::shadows_prelude(&naming::pascal(&id)) {
                    let renamed = format!("{id}_request");
                    merged.warnings.push(format!(
                        "{} at `{ptr}`: a request type `{}` would shadow Rust's `{}`; generated as `{}`",
                        doc.file,
                        naming::pascal(&id),
                        naming::pascal(&id),
                        naming::pascal(&renamed)
                    ));
                    id = renamed;
                }
                match read_operation(doc, item, op, &file_names, &ptr, &item_ptr) {
                    Ok(op) => merged.operations.push(OperationEntry {
                        file: doc.file.clone(),
                        method: method.to_owned(),
                        path: path.clone(),
                        id,
                        op,
                    }),
                    Err(e) => merged.skipped.push((naming::pascal(&id), e)),
                }
            }
        }
    }

    // Deterministic order, then deterministic collision resolution: the first (by path,
    // method, file) keeps the id, later ones get `_2`, `_3`, …
    merged
        .operations
        .sort_by(|a, b| (&a.path, &a.method, &a.file).cmp(&(&b.path, &b.method, &b.file)));
    let mut used: BTreeSet<String> = BTreeSet::new();
    for op in &mut merged.operations {
        if !used.insert(op.id.clone()) {
            let mut n = 2;
            while used.contains(&format!("{}_{n}", op.id)) {
                n += 1;
            }
            let new_id = format!("{}_{n}", op.id);
            merged.warnings.push(format!(
                "operation id `{}` ({} {} in {}) is already taken; generated as `{new_id}`",
                op.id,
                op.method.to_ascii_uppercase(),
                op.path,
                op.file
            ));
            used.insert(new_id.clone());
            op.id = new_id;
        }
    }
    Ok(merged)
}

/// Schema names that differ in the document but not as Rust type names (`foo_bar` and
/// `FooBar` are both `FooBar`): the first in name order keeps its name, each later one gets
/// the smallest free numeric suffix (`foo_bar2` → `FooBar2`), with a warning. A name that
/// would shadow a Rust prelude name (`Default`, `String`) gets the suffix too: typify's
/// output calls some of them unqualified.
fn rename_rust_collisions(
    names: &mut BTreeMap<(String, String), String>,
    warnings: &mut Vec<String>,
) {
    let finals: BTreeSet<String> = names.values().cloned().collect();
    let mut taken: BTreeSet<String> = BTreeSet::new();
    let mut renamed: BTreeMap<String, String> = BTreeMap::new();
    for name in &finals {
        let rust = naming::pascal(name);
        let prelude = naming::shadows_prelude(&rust);
        if !prelude && taken.insert(rust.clone()) {
            continue;
        }
        let mut n = 2;
        let new = loop {
            let candidate = format!("{name}{n}");
            let candidate_rust = naming::pascal(&candidate);
            if !finals.contains(&candidate)
                && !taken.contains(&candidate_rust)
                && !naming::shadows_prelude(&candidate_rust)
            {
                break candidate;
            }
            n += 1;
        };
        taken.insert(naming::pascal(&new));
        let why = if prelude {
            format!("would shadow Rust's `{rust}`")
        } else {
            format!("has the same Rust name as another schema (`{rust}`)")
        };
        warnings.push(format!(
            "schema `{name}` {why}; generated as `{}`",
            naming::pascal(&new)
        ));
        renamed.insert(name.clone(), new);
    }
    for v in names.values_mut() {
        if let Some(new) = renamed.get(v) {
            *v = new.clone();
        }
    }
}

/// Renames merged schema `old` (to the first free `<old>N`, N ≥ 2) and every reference to
/// it, with a warning: its Rust name is taken by a type typify made of an inline schema.
pub fn rename_schema(merged: &mut Merged, old: &str) {
    let Some(entry) = merged.schemas.remove(old) else {
        return;
    };
    let taken: BTreeSet<String> = merged.schemas.keys().map(|k| naming::pascal(k)).collect();
    let mut n = 2;
    let new = loop {
        let candidate = format!("{old}{n}");
        let rust = naming::pascal(&candidate);
        if !merged.schemas.contains_key(&candidate)
            && !taken.contains(&rust)
            && !naming::shadows_prelude(&rust)
        {
            break candidate;
        }
        n += 1;
    };
    merged.warnings.push(format!(
        "schema `{old}` ({} at `{}`) has the Rust name of a type made of an inline schema (`{}`); generated as `{}`",
        entry.file,
        entry.pointer,
        naming::pascal(old),
        naming::pascal(&new)
    ));
    merged.schemas.insert(new.clone(), entry);
    let from = format!("{SCHEMA_REF}{old}");
    let to = Value::String(format!("{SCHEMA_REF}{new}"));
    for e in merged.schemas.values_mut() {
        retarget(&mut e.schema, &from, &to);
    }
    for op in &mut merged.operations {
        retarget(&mut op.op, &from, &to);
    }
}

/// Points every reference (and discriminator mapping) equal to `from` at `to`, with the
/// same reading of keywords as [`rewrite_refs`].
fn retarget(v: &mut Value, from: &str, to: &Value) {
    match v {
        Value::Object(map) => {
            for (k, x) in map.iter_mut() {
                if is_data_keyword(k) {
                    continue;
                }
                if is_name_map(k) {
                    if let Value::Object(m) = x {
                        m.values_mut().for_each(|s| retarget(s, from, to));
                        continue;
                    }
                }
                if k == "$ref" && x.as_str() == Some(from) {
                    *x = to.clone();
                } else if k == "mapping" {
                    if let Value::Object(m) = x {
                        for r in m.values_mut() {
                            if r.as_str() == Some(from) {
                                *r = to.clone();
                            }
                        }
                    }
                } else {
                    retarget(x, from, to);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|x| retarget(x, from, to)),
        _ => {}
    }
}

/// One operation with its component references inlined, its schema references rewritten
/// and the path item's shared parameters merged in.
fn read_operation(
    doc: &Document,
    item: &serde_json::Map<String, Value>,
    op: &Value,
    names: &BTreeMap<&str, &str>,
    ptr: &str,
    item_ptr: &str,
) -> Result<Value, GenError> {
    if !op.is_object() {
        return Err(GenError::new(
            &doc.file,
            ptr,
            "the operation is not an object",
            "write the operation as an OpenAPI Operation Object",
        ));
    }
    let op = inline_components(op, &doc.value, &doc.file, ptr, 0)?;
    let mut op = rewrite_refs(&op, names, &doc.file, ptr)?;
    let Some(shared) = item.get("parameters") else {
        return Ok(op);
    };
    let shared_ptr = format!("{item_ptr}/parameters");
    let shared = inline_components(shared, &doc.value, &doc.file, &shared_ptr, 0)?;
    let Value::Array(shared) = rewrite_refs(&shared, names, &doc.file, &shared_ptr)? else {
        return Err(GenError::new(
            &doc.file,
            shared_ptr,
            "the path item's `parameters` is not a list",
            "write the shared parameters as a list of Parameter Objects",
        ));
    };
    let obj = op.as_object_mut().expect("checked above: an object");
    let own = obj
        .entry("parameters")
        .or_insert_with(|| Value::Array(vec![]));
    let Value::Array(own) = own else {
        return Err(GenError::new(
            &doc.file,
            format!("{ptr}/parameters"),
            "the operation's `parameters` is not a list",
            "write the parameters as a list of Parameter Objects",
        ));
    };
    for p in shared {
        let dup = own
            .iter()
            .any(|o| o.get("name") == p.get("name") && o.get("in") == p.get("in"));
        if !dup {
            own.push(p);
        }
    }
    Ok(op)
}

/// Keywords whose values are data (examples, defaults, enum values, extensions), never
/// schemas: a `$ref` inside them is text, not a reference.
fn is_data_keyword(key: &str) -> bool {
    matches!(key, "example" | "examples" | "default" | "enum" | "const") || key.starts_with("x-")
}

/// Keywords whose values map names (properties, media types, status codes) to objects:
/// the keys are names, so a property called `$ref` or `example` is not a keyword.
fn is_name_map(key: &str) -> bool {
    matches!(
        key,
        "properties" | "patternProperties" | "definitions" | "content" | "responses" | "encoding"
    )
}

/// Replaces references to `#/components/{parameters,requestBodies,responses,headers}/…`
/// with the component they name (recursively), so that the rest of the generator only
/// sees inline objects; schema references are left for [`rewrite_refs`].
fn inline_components(
    v: &Value,
    root: &Value,
    file: &str,
    ptr: &str,
    depth: usize,
) -> Result<Value, GenError> {
    Ok(match v {
        Value::Object(map) => {
            if let Some(r) = map.get("$ref").and_then(Value::as_str) {
                let section = r
                    .strip_prefix("#/components/")
                    .and_then(|rest| rest.split('/').next());
                if section.is_some_and(|s| INLINED_SECTIONS.contains(&s)) {
                    let at = format!("{ptr}/$ref");
                    if depth >= MAX_REF_DEPTH {
                        return Err(GenError::new(
                            file,
                            at,
                            format!("the reference `{r}` is part of a cycle (or a chain of more than {MAX_REF_DEPTH})"),
                            "make the component hold the object instead of another reference",
                        ));
                    }
                    let target = root.pointer(&r[1..]).ok_or_else(|| {
                        GenError::new(
                            file,
                            &at,
                            format!("dangling reference `{r}`: the document has no such component"),
                            "add the component or fix the reference",
                        )
                    })?;
                    return inline_components(target, root, file, &r[1..], depth + 1);
                }
            }
            let mut out = serde_json::Map::new();
            for (k, x) in map {
                let child = format!("{ptr}/{}", pointer_token(k));
                let value = if is_data_keyword(k) {
                    x.clone()
                } else if is_name_map(k) && x.is_object() {
                    let mut m = serde_json::Map::new();
                    for (name, s) in x.as_object().expect("checked") {
                        let at = format!("{child}/{}", pointer_token(name));
                        m.insert(name.clone(), inline_components(s, root, file, &at, depth)?);
                    }
                    Value::Object(m)
                } else {
                    inline_components(x, root, file, &child, depth)?
                };
                out.insert(k.clone(), value);
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(
            items
                .iter()
                .enumerate()
                .map(|(i, x)| inline_components(x, root, file, &format!("{ptr}/{i}"), depth))
                .collect::<Result<_, _>>()?,
        ),
        other => other.clone(),
    })
}

/// Cleans every `description`/`summary` text (not properties of those names) for rustdoc.
fn clean_descriptions(v: &mut Value) {
    match v {
        Value::Object(map) => {
            for (k, x) in map.iter_mut() {
                match x {
                    Value::String(s) if k == "description" || k == "summary" => {
                        *s = naming::clean_doc(s);
                    }
                    _ => clean_descriptions(x),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(clean_descriptions),
        _ => {}
    }
}

/// `Foo~1Bar` → `Foo/Bar` (RFC 6901).
fn unescape_pointer_token(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

/// Rewrites `#/components/schemas/X` to the merged name of X; other refs are errors.
fn rewrite_refs(
    v: &Value,
    names: &BTreeMap<&str, &str>,
    file: &str,
    ptr: &str,
) -> Result<Value, GenError> {
    Ok(match v {
        Value::Object(map) => {
            let mut out = serde_json::Map::new();
            for (k, x) in map {
                let child = format!("{ptr}/{}", pointer_token(k));
                if is_data_keyword(k) {
                    out.insert(k.clone(), x.clone());
                } else if is_name_map(k) && x.is_object() {
                    let mut m = serde_json::Map::new();
                    for (name, s) in x.as_object().expect("checked") {
                        let at = format!("{child}/{}", pointer_token(name));
                        m.insert(name.clone(), rewrite_refs(s, names, file, &at)?);
                    }
                    out.insert(k.clone(), Value::Object(m));
                } else if k == "$ref" && x.is_string() {
                    let r = x.as_str().unwrap_or("");
                    let target = r.strip_prefix(SCHEMA_REF).ok_or_else(|| {
                        GenError::new(
                            file,
                            &child,
                            format!("unsupported reference `{r}`"),
                            "only references to `#/components/schemas/…` inside the same document are supported",
                        )
                    })?;
                    let target = unescape_pointer_token(target);
                    let name = names.get(target.as_str()).ok_or_else(|| {
                        GenError::new(
                            file,
                            &child,
                            format!(
                                "dangling reference `{r}`: no schema `{target}` in this document"
                            ),
                            "add the schema to `components/schemas` or fix the reference",
                        )
                    })?;
                    out.insert(k.clone(), Value::String(format!("{SCHEMA_REF}{name}")));
                } else if k == "mapping" && x.is_object() {
                    // Discriminator mappings hold references as plain strings.
                    let mut m = serde_json::Map::new();
                    for (tag, r) in x.as_object().expect("checked") {
                        let r = r.as_str().unwrap_or("");
                        let target = r.strip_prefix(SCHEMA_REF).unwrap_or(r);
                        let name = names.get(target).ok_or_else(|| {
                            GenError::new(
                                file,
                                format!("{child}/{}", pointer_token(tag)),
                                format!("dangling discriminator mapping `{r}`"),
                                "point the mapping at a schema of this document",
                            )
                        })?;
                        m.insert(tag.clone(), Value::String(format!("{SCHEMA_REF}{name}")));
                    }
                    out.insert(k.clone(), Value::Object(m));
                } else {
                    out.insert(k.clone(), rewrite_refs(x, names, file, &child)?);
                }
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(
            items
                .iter()
                .enumerate()
                .map(|(i, x)| rewrite_refs(x, names, file, &format!("{ptr}/{i}")))
                .collect::<Result<_, _>>()?,
        ),
        other => other.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc(file: &str, v: Value) -> Document {
        Document {
            file: file.into(),
            value: v,
        }
    }

    #[test]
    fn identical_schemas_merge_and_different_ones_split() {
        let a = doc(
            "a.openapi.json",
            json!({"openapi":"3.0.4","paths":{},"components":{"schemas":{
                "Same":{"type":"string"},"Clash":{"type":"string"},
                "UsesClash":{"type":"object","properties":{"c":{"$ref":"#/components/schemas/Clash"}}}}}}),
        );
        let b = doc(
            "b.openapi.json",
            json!({"openapi":"3.0.1","paths":{},"components":{"schemas":{
                "Same":{"type":"string"},"Clash":{"type":"integer"},
                "Other":{"type":"object","properties":{"c":{"$ref":"#/components/schemas/Clash"}}}}}}),
        );
        let m = merge(vec![b, a]).unwrap();
        assert!(m.schemas.contains_key("Same"));
        assert_eq!(m.schemas["Clash"].schema, json!({"type":"string"}));
        assert_eq!(m.schemas["BClash"].schema, json!({"type":"integer"}));
        assert_eq!(
            m.schemas["Other"].schema.pointer("/properties/c/$ref"),
            Some(&json!("#/components/schemas/BClash"))
        );
        assert_eq!(
            m.schemas["UsesClash"].schema.pointer("/properties/c/$ref"),
            Some(&json!("#/components/schemas/Clash"))
        );
        assert_eq!(m.warnings.len(), 1);
        assert!(
            m.warnings[0].contains("a.openapi.json") && m.warnings[0].contains("b.openapi.json")
        );
    }

    #[test]
    fn ids_are_synthesized_and_collisions_resolved() {
        let d = doc(
            "x.openapi.json",
            json!({"openapi":"3.0.4","paths":{
                "/a-b":{"get":{"responses":{}}},
                "/a_b":{"get":{"responses":{}}},
                "/named":{"post":{"operationId":"DoThing","responses":{}}}}}),
        );
        let m = merge(vec![d]).unwrap();
        let ids: Vec<_> = m.operations.iter().map(|o| o.id.as_str()).collect();
        assert_eq!(ids, ["get_a_b", "get_a_b_2", "do_thing"]);
        assert_eq!(m.warnings.len(), 1);
    }

    #[test]
    fn versions_other_than_3_0_are_refused() {
        let d = doc("x.json", json!({"openapi":"3.1.0","paths":{}}));
        let e = merge(vec![d]).unwrap_err();
        assert_eq!(e.pointer, "/openapi");
        assert!(e.to_string().contains("3.1.0"));
    }

    #[test]
    fn dangling_refs_name_the_pointer() {
        let d = doc(
            "x.json",
            json!({"openapi":"3.0.0","paths":{},"components":{"schemas":{
                "A":{"type":"object","properties":{"b":{"$ref":"#/components/schemas/Missing"}}}}}}),
        );
        let e = merge(vec![d]).unwrap_err();
        assert_eq!(e.pointer, "/components/schemas/A/properties/b/$ref");
        assert!(e.message.contains("Missing"));
    }
}
