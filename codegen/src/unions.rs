//! The shape of `_t` unions: an internally tagged enum of newtype variants, one per member,
//! each over the member's own struct.
//!
//! ```text
//! #[serde(tag = "_t")]
//! pub enum IAsset {
//!     #[serde(rename = "FileAsset")] FileAsset(IAssetFileAsset),
//!     …
//!     #[serde(untagged)] Unknown(serde_json::Value),
//! }
//! pub struct IAssetFileAsset { pub file_name: String, … } // no `_t` field
//! ```
//!
//! typify, given a union whose members are inlined, writes struct variants; given the
//! member components themselves, it writes a struct per member with a `_t` field of a
//! one-value enum type. We hand typify the member components without their tag (so it never
//! writes those tag enums), then move each variant's fields into its member's struct and
//! make the variant a newtype over it. The fields, their attributes and their order are the
//! variant's, so the wire format is the one serde gives the struct variant: the tag first,
//! then the fields; on decoding, the tag anywhere in the object.
//!
//! A member component used anywhere but in its union's mapping (another schema's property,
//! a request or response body, a second union) keeps its `_t` field, since there it is sent
//! as an object of its own, and its union keeps the struct variant; see [`pure_members`].

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::attrs::{is_tagged, serde_rename};
use crate::load::Merged;
use crate::schema::{kind_of, Kind};

const SCHEMA_REF: &str = "#/components/schemas/";

/// Where a member component belongs: its union, its tag there and the tag property.
#[derive(Debug, Clone, PartialEq)]
pub struct Membership {
    /// The union's schema name.
    pub union: String,
    /// The member's tag value.
    pub tag: String,
    /// The tag property (`_t`).
    pub property: String,
}

/// The member components that get the newtype shape: those named by exactly one mapping
/// entry of one union and referenced nowhere else (no other schema, no operation; a
/// union's own `oneOf` lists its members and does not count).
pub fn pure_members(merged: &Merged) -> BTreeMap<String, Membership> {
    let mut seen: BTreeMap<String, Vec<Membership>> = BTreeMap::new();
    for (union, entry) in &merged.schemas {
        if let Kind::Union { property, variants } = kind_of(&entry.schema) {
            for (tag, member) in variants {
                seen.entry(member).or_default().push(Membership {
                    union: union.clone(),
                    tag,
                    property: property.clone(),
                });
            }
        }
    }
    let mut elsewhere = BTreeSet::new();
    for entry in merged.schemas.values() {
        references(&entry.schema, &mut elsewhere);
    }
    for op in &merged.operations {
        references(&op.op, &mut elsewhere);
    }
    seen.into_iter()
        .filter(|(member, _)| merged.schemas.contains_key(member) && !elsewhere.contains(member))
        .filter_map(|(member, mut m)| (m.len() == 1).then(|| (member, m.remove(0))))
        .collect()
}

/// Every component named by a `$ref` in `v`, except in a union's `oneOf` and mapping.
fn references(v: &Value, out: &mut BTreeSet<String>) {
    match v {
        Value::Object(m) => {
            let union = m.contains_key("discriminator");
            for (k, x) in m {
                match (k.as_str(), x) {
                    ("$ref", Value::String(r)) => {
                        if let Some(name) = r.strip_prefix(SCHEMA_REF) {
                            out.insert(name.to_owned());
                        }
                    }
                    ("discriminator", _) => {}
                    ("oneOf", _) if union => {}
                    _ => references(x, out),
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|x| references(x, out)),
        _ => {}
    }
}

/// Removes the tag property from a member component's converted JSON Schema, before typify
/// sees it: the union writes and reads the tag.
pub fn strip_tag(schema: &mut Value, property: &str) {
    let Some(o) = schema.as_object_mut() else {
        return;
    };
    if let Some(Value::Object(props)) = o.get_mut("properties") {
        props.remove(property);
    }
    if let Some(Value::Array(req)) = o.get_mut("required") {
        req.retain(|r| r != property);
    }
}

/// Turns the struct (or unit) variant of every pure member into a newtype variant over
/// the member's struct, which receives the variant's fields. `member_struct(union, tag)`
/// names the Rust struct of that union's member with that tag, for pure members only.
pub fn newtype_variants(
    file: &mut syn::File,
    member_struct: impl Fn(&str, &str) -> Option<String>,
) {
    // Only members typify wrote an item for (always, for a component) are converted.
    let written: BTreeSet<String> = file
        .items
        .iter()
        .filter_map(|i| match i {
            syn::Item::Struct(s) => Some(s.ident.to_string()),
            syn::Item::Type(t) => Some(t.ident.to_string()),
            _ => None,
        })
        .collect();
    let mut moved: BTreeMap<String, Moved> = BTreeMap::new();
    for item in &mut file.items {
        let syn::Item::Enum(e) = item else { continue };
        if !is_tagged(&e.attrs) {
            continue;
        }
        let union = e.ident.to_string();
        // The union's derives suit its variants' fields (typify made them for them).
        let derives: Vec<syn::Attribute> = e
            .attrs
            .iter()
            .filter(|a| a.path().is_ident("derive"))
            .cloned()
            .collect();
        for v in &mut e.variants {
            let tag = serde_rename(&v.attrs).unwrap_or_else(|| v.ident.to_string());
            let Some(name) = member_struct(&union, &tag).filter(|n| written.contains(n)) else {
                continue;
            };
            let mut fields: syn::FieldsNamed = match &v.fields {
                syn::Fields::Named(f) => f.clone(),
                syn::Fields::Unit => syn::parse_quote!({}),
                syn::Fields::Unnamed(_) => continue,
            };
            for f in &mut fields.named {
                f.vis = syn::parse_quote!(pub);
            }
            let ty: syn::Ident = match syn::parse_str(&name) {
                Ok(t) => t,
                Err(_) => continue,
            };
            v.fields = syn::Fields::Unnamed(syn::parse_quote!((#ty)));
            if !v.attrs.iter().any(|a| a.path().is_ident("doc")) {
                let doc = format!("The `{tag}` member, a [`{name}`].");
                v.attrs.insert(0, syn::parse_quote!(#[doc = #doc]));
            }
            moved.insert(
                name,
                Moved {
                    fields,
                    derives: derives.clone(),
                    union: e.ident.clone(),
                    tag,
                    variant: v.ident.clone(),
                },
            );
        }
    }
    let mut replaced = BTreeSet::new();
    for item in &mut file.items {
        let (ident, attrs) = match item {
            syn::Item::Struct(s) => (s.ident.clone(), &s.attrs),
            // typify may write a member without properties as something other than a
            // struct with named fields; it becomes one.
            syn::Item::Type(t) => (t.ident.clone(), &t.attrs),
            _ => continue,
        };
        let Some(Moved {
            fields,
            derives,
            union,
            tag,
            variant,
        }) = moved.remove(&ident.to_string())
        else {
            continue;
        };
        let docs: Vec<syn::Attribute> = attrs
            .iter()
            .filter(|a| a.path().is_ident("doc"))
            .cloned()
            .collect();
        let note = format!(
            " The `{tag}` member of [`{union}`]: `{union}::from(x)` or \
             `{union}::{variant}(x)` makes the union value, which writes the `_t` tag."
        );
        *item = syn::parse_quote! {
            #(#docs)*
            ///
            #[doc = #note]
            #(#derives)*
            pub struct #ident #fields
        };
        replaced.insert(ident.to_string());
    }
    // typify's impls for what it wrote in their place (a member without properties is a
    // map to typify, with `Deref` and `From` impls); nothing else refers to a pure member.
    file.items.retain(|i| match i {
        syn::Item::Impl(imp) => !mentions(imp, &replaced),
        _ => true,
    });
}

/// A variant's fields on their way into the member's struct.
struct Moved {
    fields: syn::FieldsNamed,
    /// The union's `#[derive(..)]`s.
    derives: Vec<syn::Attribute>,
    union: syn::Ident,
    tag: String,
    variant: syn::Ident,
}

/// Whether an impl's self type or trait names one of `idents`.
fn mentions(imp: &syn::ItemImpl, idents: &BTreeSet<String>) -> bool {
    use quote::ToTokens;
    let mut tokens = imp.self_ty.to_token_stream();
    if let Some((_, path, _)) = &imp.trait_ {
        tokens.extend(path.to_token_stream());
    }
    fn walk(t: proc_macro2::TokenStream, idents: &BTreeSet<String>) -> bool {
        t.into_iter().any(|tt| match tt {
            proc_macro2::TokenTree::Ident(i) => idents.contains(&i.to_string()),
            proc_macro2::TokenTree::Group(g) => walk(g.stream(), idents),
            _ => false,
        })
    }
    walk(tokens, idents)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn merged(schemas: Value, body: Option<&str>) -> Merged {
        let mut paths = json!({});
        if let Some(schema) = body {
            paths = json!({"/x": {"post": {
                "operationId": "PostX",
                "requestBody": {"content": {"application/json": {"schema":
                    {"$ref": format!("#/components/schemas/{schema}")}}}},
                "responses": {"204": {"description": "ok"}}
            }}});
        }
        let doc = crate::Document {
            file: "t.openapi.json".into(),
            value: json!({"openapi": "3.0.1", "paths": paths, "components": {"schemas": schemas}}),
        };
        crate::load::merge(vec![doc]).expect("merges")
    }

    fn union(members: &[(&str, &str)]) -> Value {
        let mapping: serde_json::Map<String, Value> = members
            .iter()
            .map(|(tag, m)| {
                (
                    (*tag).to_owned(),
                    json!(format!("#/components/schemas/{m}")),
                )
            })
            .collect();
        let one_of: Vec<Value> = members
            .iter()
            .map(|(_, m)| json!({"$ref": format!("#/components/schemas/{m}")}))
            .collect();
        json!({"oneOf": one_of, "discriminator": {"propertyName": "_t", "mapping": mapping}})
    }

    fn member(tag: &str) -> Value {
        json!({"type": "object", "required": ["_t"], "properties": {
            "_t": {"type": "string", "enum": [tag]}, "n": {"type": "integer"}}})
    }

    #[test]
    fn members_used_only_in_their_union_are_pure() {
        let m = merged(
            json!({"IU": union(&[("A", "IUA"), ("B", "IUB")]), "IUA": member("A"), "IUB": member("B")}),
            None,
        );
        let pure = pure_members(&m);
        assert_eq!(pure.keys().collect::<Vec<_>>(), ["IUA", "IUB"]);
        assert_eq!(
            pure["IUA"],
            Membership {
                union: "IU".into(),
                tag: "A".into(),
                property: "_t".into()
            }
        );
    }

    #[test]
    fn members_used_elsewhere_keep_their_tag_field() {
        // IUA: a property of another schema; IUB: a request body; IUC: in two unions.
        let m = merged(
            json!({
                "IU": union(&[("A", "IUA"), ("B", "IUB"), ("C", "IUC"), ("D", "IUD")]),
                "IV": union(&[("C", "IUC")]),
                "Holder": {"type": "object", "properties": {"a": {"$ref": "#/components/schemas/IUA"}}},
                "IUA": member("A"), "IUB": member("B"), "IUC": member("C"), "IUD": member("D")
            }),
            Some("IUB"),
        );
        assert_eq!(pure_members(&m).keys().collect::<Vec<_>>(), ["IUD"]);
    }

    #[test]
    fn the_tag_is_stripped_from_properties_and_required() {
        let mut s = json!({"type": "object", "required": ["_t", "n"],
            "properties": {"_t": {"type": "string", "enum": ["A"]}, "n": {"type": "integer"}}});
        strip_tag(&mut s, "_t");
        assert_eq!(
            s,
            json!({"type": "object", "required": ["n"], "properties": {"n": {"type": "integer"}}})
        );
    }
}
