//! What a set of documents provides, and what of it a handwritten layer needs: the check
//! that lets a build stop with "this document lacks that operation" instead of a wall of
//! compiler errors in code the user did not write.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde_json::Value;

use crate::{load, naming, Document, GenError};

/// An operation as the generator names it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct OperationFacts {
    file: String,
    method: String,
    path: String,
}

/// A component schema's names: properties, `_t` mapping keys, enum values.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct SchemaFacts {
    name: String,
    file: String,
    properties: BTreeSet<String>,
    tags: BTreeMap<String, String>,
    values: BTreeSet<String>,
}

/// The operations and schemas of a document set, by the Rust names the generator gives
/// them (`PostJobDefinition`, `CreateDatapointEndpointInput`).
#[derive(Debug, Clone, Default)]
pub struct Inventory {
    operations: BTreeMap<String, OperationFacts>,
    schemas: BTreeMap<String, SchemaFacts>,
}

impl Inventory {
    /// Reads what `docs` provide (merged as the generator merges them).
    pub fn of(docs: Vec<Document>) -> Result<Inventory, GenError> {
        let merged = load::merge(docs)?;
        let mut inv = Inventory::default();
        for op in &merged.operations {
            inv.operations.insert(
                naming::pascal(&op.id),
                OperationFacts {
                    file: op.file.clone(),
                    method: op.method.to_ascii_uppercase(),
                    path: op.path.clone(),
                },
            );
        }
        for (name, entry) in &merged.schemas {
            let s = &entry.schema;
            let names = |v: Option<&Value>| -> BTreeSet<String> {
                v.and_then(Value::as_object)
                    .map(|m| m.keys().cloned().collect())
                    .unwrap_or_default()
            };
            let tags = s
                .pointer("/discriminator/mapping")
                .and_then(Value::as_object)
                .map(|m| {
                    m.iter()
                        .map(|(tag, target)| {
                            let target = target.as_str().unwrap_or("");
                            let member = target.rsplit('/').next().unwrap_or(target);
                            (tag.clone(), naming::pascal(member))
                        })
                        .collect()
                })
                .unwrap_or_default();
            let values = s
                .get("enum")
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(Value::as_str)
                        .map(str::to_owned)
                        .collect()
                })
                .unwrap_or_default();
            inv.schemas.insert(
                naming::pascal(name),
                SchemaFacts {
                    name: name.clone(),
                    file: entry.file.clone(),
                    properties: names(s.get("properties")),
                    tags,
                    values,
                },
            );
        }
        Ok(inv)
    }

    /// Whether an operation of this Rust name is there.
    pub fn has_operation(&self, rust_name: &str) -> bool {
        self.operations.contains_key(rust_name)
    }

    /// Whether a schema of this Rust name is there.
    pub fn has_schema(&self, rust_name: &str) -> bool {
        self.schemas.contains_key(rust_name)
    }
}

/// One thing the handwritten layer needs that the documents lack.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Missing {
    /// The document it belongs in (as in the reference documents).
    pub document: String,
    /// What is missing, in the documents' own terms.
    pub item: String,
}

impl fmt::Display for Missing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.document, self.item)
    }
}

/// What of `operations` and `schemas` (Rust names) `docs` lack, measured against
/// `reference` (the documents the handwritten layer was written for): every named
/// operation; every named schema with every property, `_t` tag and enum value it has in
/// `reference`; and every member schema a `_t` tag of a named schema points to, with its
/// properties. Names that `reference` itself lacks are reported too (the list is wrong).
pub fn missing(
    docs: &Inventory,
    reference: &Inventory,
    operations: &[&str],
    schemas: &[&str],
) -> Vec<Missing> {
    let mut out = Vec::new();
    for &name in operations {
        let Some(want) = reference.operations.get(name) else {
            out.push(Missing {
                document: "(reference)".into(),
                item: format!("operation `{name}` is required but not in the reference documents"),
            });
            continue;
        };
        if !docs.operations.contains_key(name) {
            out.push(Missing {
                document: want.file.clone(),
                item: format!(
                    "operation {} {} (`{name}`) is missing",
                    want.method, want.path
                ),
            });
        }
    }
    let mut wanted: Vec<String> = schemas.iter().map(|s| (*s).to_owned()).collect();
    let mut seen = BTreeSet::new();
    while let Some(name) = wanted.pop() {
        if !seen.insert(name.clone()) {
            continue;
        }
        let Some(want) = reference.schemas.get(&name) else {
            out.push(Missing {
                document: "(reference)".into(),
                item: format!("schema `{name}` is required but not in the reference documents"),
            });
            continue;
        };
        let Some(have) = docs.schemas.get(&name) else {
            out.push(Missing {
                document: want.file.clone(),
                item: format!("schema {} is missing", want.name),
            });
            continue;
        };
        for p in want.properties.difference(&have.properties) {
            out.push(Missing {
                document: want.file.clone(),
                item: format!("schema {} has no property `{p}`", want.name),
            });
        }
        for (tag, member) in &want.tags {
            if !have.tags.contains_key(tag) {
                out.push(Missing {
                    document: want.file.clone(),
                    item: format!("union {} has no member tagged `{tag}`", want.name),
                });
            }
            wanted.push(member.clone());
        }
        for v in want.values.difference(&have.values) {
            out.push(Missing {
                document: want.file.clone(),
                item: format!("enum {} has no value `{v}`", want.name),
            });
        }
    }
    out.sort_by(|a, b| (&a.document, &a.item).cmp(&(&b.document, &b.item)));
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc(value: Value) -> Inventory {
        Inventory::of(vec![Document {
            file: "order.openapi.json".into(),
            value,
        }])
        .unwrap()
    }

    fn spec(with_op: bool, with_prop: bool, tags: &[&str], values: &[&str]) -> Value {
        let mut props = json!({"name": {"type": "string"}});
        if with_prop {
            props["datasetId"] = json!({"type": "string"});
        }
        let mapping: serde_json::Map<String, Value> = tags
            .iter()
            .map(|t| {
                (
                    t.to_string(),
                    json!(format!("#/components/schemas/Member{t}")),
                )
            })
            .collect();
        let mut schemas = json!({
            "CreateThing_Input": {"type": "object", "properties": props},
            "IUnion": {"type": "object", "oneOf": [], "discriminator": {"propertyName": "_t", "mapping": mapping}},
            "State": {"type": "string", "enum": values},
        });
        for t in tags {
            schemas[format!("Member{t}")] = json!({"type": "object", "properties": {
                "_t": {"type": "string", "enum": [t]}, "x": {"type": "string"}}});
        }
        let mut paths = json!({});
        if with_op {
            paths["/thing"] = json!({"post": {"responses": {"200": {"description": "ok"}}}});
        }
        json!({"openapi": "3.0.4", "info": {"title": "t", "version": "1"}, "paths": paths,
               "components": {"schemas": schemas}})
    }

    #[test]
    fn the_reference_itself_is_complete() {
        let r = doc(spec(true, true, &["A", "B"], &["Running", "Blocked"]));
        let m = missing(
            &r,
            &r,
            &["PostThing"],
            &["CreateThingInput", "IUnion", "State"],
        );
        assert_eq!(m, vec![]);
    }

    #[test]
    fn every_kind_of_gap_is_named_in_the_documents_terms() {
        let r = doc(spec(true, true, &["A", "B"], &["Running", "Blocked"]));
        let d = doc(spec(false, false, &["A"], &["Running"]));
        let m: Vec<String> = missing(
            &d,
            &r,
            &["PostThing"],
            &["CreateThingInput", "IUnion", "State"],
        )
        .iter()
        .map(ToString::to_string)
        .collect();
        assert!(
            m.contains(
                &"order.openapi.json: operation POST /thing (`PostThing`) is missing".to_owned()
            ),
            "{m:?}"
        );
        assert!(
            m.contains(
                &"order.openapi.json: schema CreateThing_Input has no property `datasetId`"
                    .to_owned()
            ),
            "{m:?}"
        );
        assert!(
            m.contains(&"order.openapi.json: union IUnion has no member tagged `B`".to_owned()),
            "{m:?}"
        );
        assert!(
            m.contains(&"order.openapi.json: schema MemberB is missing".to_owned()),
            "{m:?}"
        );
        assert!(
            m.contains(&"order.openapi.json: enum State has no value `Blocked`".to_owned()),
            "{m:?}"
        );
        assert_eq!(m.len(), 5, "{m:?}");
    }

    #[test]
    fn additions_are_never_missing() {
        let r = doc(spec(true, false, &["A"], &["Running"]));
        let d = doc(spec(true, true, &["A", "B"], &["Running", "Blocked"]));
        assert_eq!(
            missing(
                &d,
                &r,
                &["PostThing"],
                &["CreateThingInput", "IUnion", "State"]
            ),
            vec![]
        );
    }

    #[test]
    fn a_wrong_name_in_the_list_is_reported() {
        let r = doc(spec(true, true, &[], &[]));
        let m = missing(&r, &r, &["PostThings"], &["Nope"]);
        assert_eq!(m.len(), 2, "{m:?}");
    }
}
