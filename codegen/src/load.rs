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
    /// Warnings for `cargo:warning`.
    pub warnings: Vec<String>,
}

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];
const SCHEMA_REF: &str = "#/components/schemas/";

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
            let shared_params = item.get("parameters").cloned();
            for method in METHODS {
                let Some(op) = item.get(method) else { continue };
                let ptr = format!("{item_ptr}/{method}");
                let mut op = rewrite_refs(op, &file_names, &doc.file, &ptr)?;
                if let Some(Value::Array(shared)) = &shared_params {
                    let shared = rewrite_refs(
                        &Value::Array(shared.clone()),
                        &file_names,
                        &doc.file,
                        &item_ptr,
                    )?;
                    let own = op
                        .as_object_mut()
                        .expect("operation is an object")
                        .entry("parameters")
                        .or_insert_with(|| Value::Array(vec![]));
                    if let (Value::Array(own), Value::Array(shared)) = (own, shared) {
                        for p in shared {
                            let dup = own.iter().any(|o| {
                                o.get("name") == p.get("name") && o.get("in") == p.get("in")
                            });
                            if !dup {
                                own.push(p);
                            }
                        }
                    }
                }
                let given = op.get("operationId").and_then(Value::as_str);
                let id = match given {
                    Some(g) => naming::snake(g),
                    None => naming::synthesize_operation_id(method, path),
                };
                merged.operations.push(OperationEntry {
                    file: doc.file.clone(),
                    method: method.to_owned(),
                    path: path.clone(),
                    id,
                    op,
                });
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
                if k == "$ref" {
                    let r = x.as_str().unwrap_or("");
                    let target = r.strip_prefix(SCHEMA_REF).ok_or_else(|| {
                        GenError::new(
                            file,
                            &child,
                            format!("unsupported reference `{r}`"),
                            "only references to `#/components/schemas/…` inside the same document are supported",
                        )
                    })?;
                    let name = names.get(target).ok_or_else(|| {
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
