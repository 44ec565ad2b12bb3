//! OpenAPI 3.0 schemas → JSON Schema, the dialect typify reads.
//!
//! Everything here works on a copy in memory; input documents are never edited.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

use serde_json::{json, Map, Value};

use crate::error::GenError;

const SCHEMA_REF: &str = "#/components/schemas/";

/// What kind of Rust item a component schema becomes.
#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    /// A string enum, emitted by us with an `Other(String)` catch-all.
    Enum {
        /// The wire values, in spec order.
        values: Vec<String>,
    },
    /// An integer enum, emitted by us with an `Other(i64)` catch-all.
    IntEnum {
        /// The wire values, in spec order.
        values: Vec<i64>,
    },
    /// A `_t`-discriminated union; variants come from the mapping keys.
    Union {
        /// The discriminator property (`_t`).
        property: String,
        /// (tag, variant schema name) in mapping order.
        variants: Vec<(String, String)>,
    },
    /// Anything else: typify generates it.
    Plain,
}

/// Classifies a component schema.
pub fn kind_of(schema: &Value) -> Kind {
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        let strings: Vec<String> = values
            .iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect();
        if !strings.is_empty() && values.iter().all(|v| v.is_string() || v.is_null()) {
            return Kind::Enum { values: strings };
        }
        let ints: Vec<i64> = values.iter().filter_map(Value::as_i64).collect();
        let typed_integer = matches!(
            schema.get("type").and_then(Value::as_str),
            None | Some("integer")
        );
        if typed_integer && !ints.is_empty() && values.iter().all(|v| v.is_i64() || v.is_null()) {
            return Kind::IntEnum { values: ints };
        }
    }
    if let Some(d) = schema.get("discriminator") {
        let property = d
            .get("propertyName")
            .and_then(Value::as_str)
            .unwrap_or("_t")
            .to_owned();
        let mut variants = Vec::new();
        if let Some(m) = d.get("mapping").and_then(Value::as_object) {
            for (tag, r) in m {
                let name = r.as_str().unwrap_or("").trim_start_matches(SCHEMA_REF);
                variants.push((tag.clone(), name.to_owned()));
            }
        }
        return Kind::Union { property, variants };
    }
    Kind::Plain
}

/// A schema with `type: [T, "null"]` (JSON Schema style, which some 3.0 documents use)
/// rewritten as `type: T, nullable: true`; other schemas as they are. Several non-null
/// types are refused: a Rust field has one type.
pub fn normalize_type<'v>(
    schema: &'v Value,
    file: &str,
    ptr: &str,
) -> Result<Cow<'v, Value>, GenError> {
    let Some(types) = schema.get("type").and_then(Value::as_array) else {
        return Ok(Cow::Borrowed(schema));
    };
    let null = types.iter().any(|t| t == "null");
    let others: Vec<&Value> = types.iter().filter(|t| *t != "null").collect();
    let [only] = others.as_slice() else {
        return Err(GenError::new(
            file,
            format!("{ptr}/type"),
            format!(
                "a schema with {} types {types:?}",
                if others.is_empty() {
                    "no non-null"
                } else {
                    "several"
                }
            ),
            "give the schema one type (plus \"null\"), or use `oneOf` with one schema per type",
        ));
    };
    let mut out = schema.clone();
    out["type"] = (*only).clone();
    if null {
        out["nullable"] = Value::Bool(true);
    }
    Ok(Cow::Owned(out))
}

/// Whether a schema itself says `nullable: true` (or has `"null"` among its types): a
/// component marked so is generated as the non-null type, and every reference to it as
/// nullable.
pub fn declares_nullable(schema: &Value) -> bool {
    schema.get("nullable") == Some(&Value::Bool(true))
        || schema
            .get("type")
            .and_then(Value::as_array)
            .is_some_and(|t| t.iter().any(|t| t == "null"))
}

/// Whether a schema is marked `nullable` (also inside a single-element `allOf`/`oneOf`).
pub fn is_nullable(schema: &Value) -> bool {
    if declares_nullable(schema) {
        return true;
    }
    if let Some(e) = schema.get("enum").and_then(Value::as_array) {
        if e.iter().any(Value::is_null) {
            return true;
        }
    }
    for key in ["allOf", "oneOf", "anyOf"] {
        if let Some(items) = schema.get(key).and_then(Value::as_array) {
            if items.len() == 1 && is_nullable(&items[0]) {
                return true;
            }
        }
    }
    false
}

/// Converts schemas for one document set.
pub struct Converter<'a> {
    /// All merged component schemas (to inline union variants).
    pub schemas: &'a BTreeMap<String, crate::load::SchemaEntry>,
    /// Fields (schema name, property) that are nullable and optional: three states.
    pub tri_state: BTreeSet<(String, String)>,
}

impl<'a> Converter<'a> {
    /// A converter over merged schemas.
    pub fn new(schemas: &'a BTreeMap<String, crate::load::SchemaEntry>) -> Self {
        Converter {
            schemas,
            tri_state: BTreeSet::new(),
        }
    }

    /// Converts one component schema (by merged name) to JSON Schema.
    pub fn component(&mut self, name: &str) -> Result<Value, GenError> {
        let entry = &self.schemas[name];
        let ptr = entry.pointer.clone();
        let normalized = normalize_type(&entry.schema, &entry.file, &ptr)?;
        // A nullable component is generated as its non-null type; references to it are
        // made nullable instead (see `convert`), so typify never has to name both.
        let mut schema = normalized.into_owned();
        if let Some(o) = schema.as_object_mut() {
            o.remove("nullable");
        }
        let schema = &schema;
        match kind_of(schema) {
            Kind::Union { property, variants } => {
                let mut one_of = Vec::new();
                for (tag, variant) in &variants {
                    let v = self.schemas.get(variant).ok_or_else(|| {
                        GenError::new(
                            &entry.file,
                            format!("{ptr}/discriminator/mapping"),
                            format!("discriminator maps `{tag}` to unknown schema `{variant}`"),
                            "every mapping value must name a schema of the document",
                        )
                    })?;
                    let mut conv = self.object(&v.schema, variant, &v.file, &v.pointer)?;
                    let obj = conv.as_object_mut().expect("object schema");
                    obj.insert("type".into(), json!("object"));
                    let props = obj
                        .entry("properties")
                        .or_insert_with(|| json!({}))
                        .as_object_mut()
                        .expect("properties map");
                    props.insert(property.clone(), json!({"type": "string", "enum": [tag]}));
                    let req = obj
                        .entry("required")
                        .or_insert_with(|| json!([]))
                        .as_array_mut()
                        .expect("required list");
                    if !req.iter().any(|r| r == &json!(property)) {
                        req.push(json!(property));
                    }
                    one_of.push(conv);
                }
                if one_of.is_empty() {
                    return Err(GenError::new(
                        &entry.file,
                        format!("{ptr}/discriminator"),
                        "a discriminated union without a `mapping`",
                        "list every variant in `discriminator.mapping`",
                    ));
                }
                let mut out = json!({ "oneOf": one_of });
                copy_description(schema, &mut out);
                Ok(out)
            }
            Kind::Enum { values } => Ok(json!({"type": "string", "enum": values})),
            Kind::IntEnum { .. } => Ok(json!({"type": "integer", "format": "int64"})),
            Kind::Plain => {
                if schema.get("properties").is_some()
                    || schema.get("type") == Some(&json!("object"))
                        && schema.get("allOf").is_none()
                        && schema.get("oneOf").is_none()
                {
                    self.object(schema, name, &entry.file, &ptr)
                } else {
                    self.convert(schema, &entry.file, &ptr)
                }
            }
        }
    }

    /// Converts an object schema, recording three-state fields under `owner`.
    fn object(
        &mut self,
        schema: &Value,
        owner: &str,
        file: &str,
        ptr: &str,
    ) -> Result<Value, GenError> {
        let required: BTreeSet<&str> = schema
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        if let Some(props) = schema.get("properties").and_then(Value::as_object) {
            for (p, s) in props {
                if !required.contains(p.as_str()) && self.is_nullable_here(s) {
                    self.tri_state.insert((owner.to_owned(), p.clone()));
                }
            }
        }
        self.convert(schema, file, ptr)
    }

    /// Whether the component a reference names declares itself nullable.
    fn is_nullable_ref(&self, r: &str) -> bool {
        let name = r.trim_start_matches(SCHEMA_REF);
        self.schemas
            .get(name)
            .is_some_and(|s| declares_nullable(&s.schema))
    }

    /// [`is_nullable`], also counting references to nullable components.
    fn is_nullable_here(&self, s: &Value) -> bool {
        is_nullable(s)
            || s.get("$ref")
                .and_then(Value::as_str)
                .is_some_and(|r| self.is_nullable_ref(r))
    }

    /// Converts any schema value.
    pub fn convert(&mut self, v: &Value, file: &str, ptr: &str) -> Result<Value, GenError> {
        let v = &*normalize_type(v, file, ptr)?;
        let Some(obj) = v.as_object() else {
            return Ok(v.clone());
        };
        let nullable = obj.get("nullable") == Some(&Value::Bool(true));

        if let Some(r) = obj.get("$ref").and_then(Value::as_str) {
            let name = r.trim_start_matches(SCHEMA_REF);
            let out = json!({ "$ref": format!("#/definitions/{name}") });
            let nullable = nullable || self.is_nullable_ref(r);
            return Ok(if nullable { make_nullable(out) } else { out });
        }

        // `{"allOf":[X], "description": …}` and `{"type":"object","oneOf":[X],"nullable":true}`:
        // wrappers that only attach a description or nullability to X.
        for key in ["allOf", "oneOf", "anyOf"] {
            if let Some(items) = obj.get(key).and_then(Value::as_array) {
                if items.len() == 1
                    && obj.get("properties").is_none()
                    && obj.get("discriminator").is_none()
                {
                    let inner_nullable = is_nullable(&items[0]);
                    let mut inner = self.convert(&items[0], file, &format!("{ptr}/{key}/0"))?;
                    if inner.get("$ref").is_none() {
                        copy_description(v, &mut inner);
                    }
                    return Ok(if nullable && !inner_nullable {
                        make_nullable(inner)
                    } else {
                        inner
                    });
                }
            }
        }

        if obj.get("discriminator").is_some() {
            return Err(GenError::new(
                file,
                ptr,
                "an inline discriminated union",
                "move the union into `components/schemas` so it gets a name",
            ));
        }

        let mut out = Map::new();
        if let Some(d) = obj.get("description") {
            out.insert("description".into(), d.clone());
        }

        let mut ty = obj.get("type").and_then(Value::as_str);
        let values = obj.get("enum").and_then(Value::as_array);
        let non_null: Vec<&Value> = values
            .map(|v| v.iter().filter(|x| !x.is_null()).collect())
            .unwrap_or_default();
        let string_enum = !non_null.is_empty() && non_null.iter().all(|x| x.is_string());
        if values.is_some() && !string_enum && !non_null.is_empty() {
            // An enum of numbers or booleans: the field gets the values' type (open: the
            // API may add values), never `String`, so a `512` decodes.
            let inferred = if non_null.iter().all(|x| x.is_i64() || x.is_u64()) {
                "integer"
            } else if non_null.iter().all(|x| x.is_number()) {
                "number"
            } else if non_null.iter().all(|x| x.is_boolean()) {
                "boolean"
            } else {
                return Err(GenError::new(
                    file,
                    format!("{ptr}/enum"),
                    "an enum mixing values of different JSON types",
                    "give every enum value the same type, or split the schema with `oneOf`",
                ));
            };
            let fits = match (ty, inferred) {
                (None, _) => true,
                (Some(t), i) => t == i || (t == "number" && i == "integer"),
            };
            if !fits {
                return Err(GenError::new(
                    file,
                    format!("{ptr}/enum"),
                    format!(
                        "the enum's values are {inferred}s but the schema's type is `{}`",
                        ty.unwrap_or_default()
                    ),
                    "make the `type` match the values",
                ));
            }
            ty = Some(ty.unwrap_or(inferred));
        } else if let Some(values) = values {
            // Inline enums stay open strings: the API adds values between versions.
            let has_null = values.iter().any(Value::is_null);
            let strings: Vec<Value> = values.iter().filter(|v| !v.is_null()).cloned().collect();
            out.insert("type".into(), json!("string"));
            if strings.len() == 1 {
                // single-valued: a constant such as a `_t` tag
                out.insert("enum".into(), Value::Array(strings));
            }
            let out = Value::Object(out);
            return Ok(if nullable || has_null {
                make_nullable(out)
            } else {
                out
            });
        }

        for key in ["allOf", "oneOf", "anyOf"] {
            if let Some(items) = obj.get(key).and_then(Value::as_array) {
                let conv = items
                    .iter()
                    .enumerate()
                    .map(|(i, x)| self.convert(x, file, &format!("{ptr}/{key}/{i}")))
                    .collect::<Result<Vec<_>, _>>()?;
                out.insert(key.into(), Value::Array(conv));
            }
        }

        let has_null_value = values.is_some_and(|v| v.iter().any(Value::is_null));
        let nullable = nullable || has_null_value;
        match ty {
            Some("string") => {
                out.insert("type".into(), json!("string"));
            }
            Some("integer") => {
                out.insert("type".into(), json!("integer"));
                let f = obj.get("format").and_then(Value::as_str).unwrap_or("int64");
                let f = match f {
                    "int8" | "int16" | "int32" | "int64" | "uint8" | "uint16" | "uint32"
                    | "uint64" => f,
                    _ => "int64",
                };
                out.insert("format".into(), json!(f));
            }
            Some("number") => {
                out.insert("type".into(), json!("number"));
                let f = obj
                    .get("format")
                    .and_then(Value::as_str)
                    .unwrap_or("double");
                out.insert(
                    "format".into(),
                    json!(if f == "float" { "float" } else { "double" }),
                );
            }
            Some("boolean") => {
                out.insert("type".into(), json!("boolean"));
            }
            Some("array") => {
                out.insert("type".into(), json!("array"));
                let items = obj.get("items").cloned().unwrap_or(json!({}));
                out.insert(
                    "items".into(),
                    self.convert(&items, file, &format!("{ptr}/items"))?,
                );
            }
            Some("object") | None => {
                if ty.is_some() || obj.contains_key("properties") {
                    out.insert("type".into(), json!("object"));
                }
                if let Some(props) = obj.get("properties").and_then(Value::as_object) {
                    let mut conv = Map::new();
                    for (p, s) in props {
                        let child = format!("{ptr}/properties/{}", crate::error::pointer_token(p));
                        conv.insert(p.clone(), self.convert(s, file, &child)?);
                    }
                    out.insert("properties".into(), Value::Object(conv));
                }
                if let Some(req) = obj.get("required") {
                    out.insert("required".into(), req.clone());
                }
                match obj.get("additionalProperties") {
                    Some(Value::Bool(b)) => {
                        out.insert("additionalProperties".into(), json!(b));
                    }
                    Some(s @ Value::Object(_)) => {
                        let c = self.convert(s, file, &format!("{ptr}/additionalProperties"))?;
                        out.insert("additionalProperties".into(), c);
                    }
                    _ => {}
                }
            }
            Some(other) => {
                return Err(GenError::new(
                    file,
                    format!("{ptr}/type"),
                    format!("unknown schema type `{other}`"),
                    "use one of string, integer, number, boolean, array, object",
                ))
            }
        }
        let out = Value::Object(out);
        Ok(if nullable { make_nullable(out) } else { out })
    }
}

fn copy_description(from: &Value, to: &mut Value) {
    if let (Some(d), Some(o)) = (from.get("description"), to.as_object_mut()) {
        o.entry("description").or_insert_with(|| d.clone());
    }
}

/// Adds `null` to a schema's accepted values.
fn make_nullable(s: Value) -> Value {
    if let Some(t) = s.get("type").and_then(Value::as_str).map(str::to_owned) {
        if t != "object" && s.get("enum").is_none() {
            let mut s = s;
            s["type"] = json!([t, "null"]);
            return s;
        }
    }
    json!({ "anyOf": [s, {"type": "null"}] })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::SchemaEntry;

    fn entries(v: Value) -> BTreeMap<String, SchemaEntry> {
        v.as_object()
            .unwrap()
            .iter()
            .map(|(k, s)| {
                (
                    k.clone(),
                    SchemaEntry {
                        file: "t.json".into(),
                        pointer: format!("/components/schemas/{k}"),
                        schema: s.clone(),
                    },
                )
            })
            .collect()
    }

    #[test]
    fn unions_use_mapping_keys_as_tags() {
        let s = entries(json!({
            "U": {"type":"object","required":["_t"],"oneOf":[{"$ref":"#/components/schemas/ULongName"}],
                  "discriminator":{"propertyName":"_t","mapping":{"Short":"#/components/schemas/ULongName"}}},
            "ULongName": {"required":["_t"],"properties":{"_t":{"enum":["ULongName"],"type":"string"},"x":{"type":"string"}}}
        }));
        let mut c = Converter::new(&s);
        let out = c.component("U").unwrap();
        assert_eq!(
            out.pointer("/oneOf/0/properties/_t"),
            Some(&json!({"type":"string","enum":["Short"]}))
        );
        assert_eq!(out.pointer("/oneOf/0/type"), Some(&json!("object")));
    }

    #[test]
    fn wrappers_and_nullability_are_flattened() {
        let s = entries(json!({
            "A": {"type":"object","properties":{
                "w": {"allOf":[{"$ref":"#/components/schemas/B"}],"description":"d"},
                "n": {"type":"object","oneOf":[{"$ref":"#/components/schemas/B"}],"nullable":true},
                "s": {"type":"string","format":"date-time","nullable":true},
                "i": {"type":"integer"},
                "u": {"type":"integer","format":"uint32"}
            },"required":["w"]},
            "B": {"enum":["X","Y",null]}
        }));
        let mut c = Converter::new(&s);
        let out = c.component("A").unwrap();
        assert_eq!(
            out.pointer("/properties/w"),
            Some(&json!({"$ref":"#/definitions/B"}))
        );
        assert_eq!(
            out.pointer("/properties/n"),
            Some(&json!({"anyOf":[{"$ref":"#/definitions/B"},{"type":"null"}]}))
        );
        assert_eq!(
            out.pointer("/properties/s"),
            Some(&json!({"type":["string","null"]}))
        );
        assert_eq!(out.pointer("/properties/i/format"), Some(&json!("int64")));
        assert_eq!(out.pointer("/properties/u/format"), Some(&json!("uint32")));
        assert!(c.tri_state.contains(&("A".into(), "n".into())));
        assert!(c.tri_state.contains(&("A".into(), "s".into())));
        assert!(!c.tri_state.contains(&("A".into(), "w".into())));
        assert_eq!(
            kind_of(&s["B"].schema),
            Kind::Enum {
                values: vec!["X".into(), "Y".into()]
            }
        );
    }

    #[test]
    fn unknown_types_are_reported_with_their_pointer() {
        let s = entries(json!({"A": {"type":"object","properties":{"x":{"type":"date"}}}}));
        let e = Converter::new(&s).component("A").unwrap_err();
        assert_eq!(e.pointer, "/components/schemas/A/properties/x/type");
    }
}
