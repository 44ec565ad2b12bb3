//! Models: typify generates structs and unions; we emit open string enums and patch the
//! output for forward compatibility and three-state (absent / null / value) fields.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;
use typify::{TypeSpace, TypeSpaceImpl, TypeSpaceSettings};

use crate::construct;
use crate::error::GenError;
use crate::load::Merged;
use crate::naming;
use crate::schema::{kind_of, Converter, Kind};

/// The model module and what the operation emitter needs to refer to it.
pub struct Models {
    /// The items of the `types` module.
    pub tokens: TokenStream,
    /// Rust type (path relative to the types module) of each schema name.
    pub names: BTreeMap<String, String>,
}

/// Generates the model module for all merged schemas.
pub fn generate(merged: &Merged) -> Result<Models, GenError> {
    let mut conv = Converter::new(&merged.schemas);
    let mut settings = TypeSpaceSettings::default();
    settings.with_derive("PartialEq".to_owned());
    let mut defs = Vec::new();
    let mut own_enums = Vec::new();
    let mut names = BTreeMap::new();
    for (name, entry) in &merged.schemas {
        if let Kind::Enum { values } = kind_of(&entry.schema) {
            let rust = naming::pascal(name);
            // typify looks replacements up by its own (sanitized) type name in some paths
            // and by the schema name in others: register both.
            for key in [name.as_str(), rust.as_str()] {
                settings.with_replacement(
                    key,
                    &rust,
                    [TypeSpaceImpl::Display, TypeSpaceImpl::FromStr].into_iter(),
                );
            }
            own_enums.push(emit_enum(&rust, &values, entry.schema.get("description")));
            names.insert(name.clone(), rust);
        }
        let json = conv.component(name)?;
        let schema: schemars::schema::Schema = serde_json::from_value(json).map_err(|e| {
            GenError::new(
                &entry.file,
                format!("/components/schemas/{name}"),
                format!("schema is not valid JSON Schema after normalization: {e}"),
                "check the schema's keywords",
            )
        })?;
        defs.push((name.clone(), schema));
    }
    let tri_state = conv.tri_state.clone();
    let files: BTreeMap<String, String> = merged
        .schemas
        .iter()
        .map(|(k, v)| (k.clone(), v.file.clone()))
        .collect();

    // typify may panic on constructs it does not support; turn that into a message that
    // names the documents instead of a backtrace.
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let mut space = TypeSpace::new(&settings);
        space
            .add_ref_types(defs.clone())
            .map_err(|e| e.to_string())?;
        let mut typify_names = BTreeMap::new();
        for (name, _) in &defs {
            if names.contains_key(name) {
                continue;
            }
            let r = schemars::schema::Schema::new_ref(format!("#/definitions/{name}"));
            let id = space.add_type(&r).map_err(|e| e.to_string())?;
            let ty = space.get_type(&id).map_err(|e| e.to_string())?;
            typify_names.insert(name.clone(), ty.ident().to_string().replace(' ', ""));
        }
        Ok::<_, String>((space.to_stream(), typify_names))
    }));
    std::panic::set_hook(hook);
    let (stream, typify_names) = match result {
        Ok(Ok(v)) => v,
        Ok(Err(msg)) => return Err(GenError::new(
            files.values().next().cloned().unwrap_or_default(),
            "/components/schemas",
            format!("typify rejected the schemas: {msg}"),
            "simplify the schema it names, or report the construct to the rapidata-rs maintainers",
        )),
        Err(panic) => {
            let msg = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                .unwrap_or_else(|| "unknown panic".into());
            return Err(GenError::new(
                files.values().next().cloned().unwrap_or_default(),
                "/components/schemas",
                format!("typify failed on the schemas: {msg}"),
                "simplify the schema construct it names, or report it to the rapidata-rs maintainers",
            ));
        }
    };
    names.extend(typify_names);

    let mut file: syn::File = syn::parse2(stream).map_err(|e| {
        GenError::new(
            "(generated)",
            "",
            format!("typify output does not parse: {e}"),
            "",
        )
    })?;
    // Map Rust struct names back to schema names for the three-state patch.
    let mut by_rust: BTreeMap<String, String> = BTreeMap::new();
    for (schema, rust) in &names {
        by_rust.insert(rust.clone(), schema.clone());
    }
    let unions: BTreeMap<String, BTreeMap<String, String>> = merged
        .schemas
        .iter()
        .filter_map(|(name, e)| match kind_of(&e.schema) {
            Kind::Union { variants, .. } => Some((name.clone(), variants.into_iter().collect())),
            _ => None,
        })
        .collect();
    patch(&mut file, &tri_state, &by_rust, &unions);

    let items = &file.items;
    let tokens = quote! {
        #(#items)*
        #(#own_enums)*

        /// Serde helpers for fields that distinguish "absent" from "null".
        pub mod double_option {
            use serde::{Deserialize, Deserializer, Serialize, Serializer};
            /// Writes `Some(None)` as `null` and `Some(Some(v))` as `v`.
            pub fn serialize<T: Serialize, S: Serializer>(
                v: &Option<Option<T>>,
                s: S,
            ) -> Result<S::Ok, S::Error> {
                match v {
                    Some(inner) => inner.serialize(s),
                    None => s.serialize_none(),
                }
            }
            /// Reads `null` as `Some(None)`; an absent field is `None` through `#[serde(default)]`.
            pub fn deserialize<'de, T: Deserialize<'de>, D: Deserializer<'de>>(
                d: D,
            ) -> Result<Option<Option<T>>, D::Error> {
                Option::<T>::deserialize(d).map(Some)
            }
        }
    };
    Ok(Models { tokens, names })
}

/// Emits an open string enum: known values as unit variants, anything else in `Other`.
fn emit_enum(rust: &str, values: &[String], description: Option<&Value>) -> TokenStream {
    let ident = format_ident!("{}", rust);
    let mut seen = BTreeSet::new();
    let mut variants = Vec::new();
    for v in values {
        let mut name = naming::pascal(v);
        if name == "Other" {
            name = "Other_".into();
        }
        while !seen.insert(name.clone()) {
            name.push('_');
        }
        variants.push((format_ident!("{}", name), v.clone()));
    }
    let doc = description
        .and_then(Value::as_str)
        .map(|d| d.to_owned())
        .unwrap_or_else(|| format!("The `{rust}` values of the API."));
    let decls = variants.iter().map(|(i, v)| {
        let d = format!("`{v}`");
        quote! { #[doc = #d] #i, }
    });
    let to_str = variants.iter().map(|(i, v)| quote! { #ident::#i => #v, });
    let from_str = variants.iter().map(|(i, v)| quote! { #v => #ident::#i, });
    quote! {
        #[doc = #doc]
        ///
        /// Values this version of the crate does not know decode into `Other`, so a response
        /// from a newer API still decodes.
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum #ident {
            #(#decls)*
            /// A value this version of the crate does not know.
            Other(String),
        }
        impl #ident {
            /// The value as sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #(#to_str)*
                    #ident::Other(s) => s.as_str(),
                }
            }
        }
        impl ::std::fmt::Display for #ident {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl ::std::str::FromStr for #ident {
            type Err = ::std::convert::Infallible;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Ok(match s {
                    #(#from_str)*
                    other => #ident::Other(other.to_owned()),
                })
            }
        }
        impl From<&str> for #ident {
            fn from(s: &str) -> Self {
                s.parse().unwrap_or_else(|e: ::std::convert::Infallible| match e {})
            }
        }
        impl ::serde::Serialize for #ident {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }
        impl<'de> ::serde::Deserialize<'de> for #ident {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <String as ::serde::Deserialize>::deserialize(d)?;
                Ok(s.as_str().into())
            }
        }
    }
}

/// Post-processes typify's output.
///
/// * `_t`-tagged enums get an `Unknown(serde_json::Value)` variant (serde's variant-level
///   `untagged`), so a response with a tag this crate does not know still decodes and keeps
///   the raw value.
/// * optional nullable fields become `Option<Option<T>>` (absent / null / value).
/// * every struct with named fields gets a constructor, and every `_t` union a
///   `From` of each member's struct (see [`construct`]).
fn patch(
    file: &mut syn::File,
    tri_state: &BTreeSet<(String, String)>,
    by_rust: &BTreeMap<String, String>,
    unions: &BTreeMap<String, BTreeMap<String, String>>,
) {
    for item in &mut file.items {
        match item {
            syn::Item::Enum(e) if is_tagged(&e.attrs) => {
                let variants = by_rust
                    .get(&e.ident.to_string())
                    .and_then(|s| unions.get(s));
                for v in &mut e.variants {
                    let tag = serde_rename(&v.attrs).unwrap_or_else(|| v.ident.to_string());
                    if let (Some(schema), syn::Fields::Named(fields)) =
                        (variants.and_then(|m| m.get(&tag)), &mut v.fields)
                    {
                        patch_fields(fields, schema, tri_state);
                    }
                }
                let v: syn::Variant = syn::parse_quote! {
                    /// A variant this version of the crate does not know, kept as raw JSON.
                    #[serde(untagged)]
                    Unknown(::serde_json::Value)
                };
                e.variants.push(v);
                strip_derives(&mut e.attrs, &["Copy", "Eq", "Hash", "Ord", "PartialOrd"]);
            }
            syn::Item::Struct(s) => {
                if let (Some(schema), syn::Fields::Named(fields)) =
                    (by_rust.get(&s.ident.to_string()), &mut s.fields)
                {
                    patch_fields(fields, schema, tri_state);
                }
            }
            _ => {}
        }
    }
    let added = construct::constructors(&file.items, |union, tag| {
        let member = unions.get(by_rust.get(union)?)?.get(tag)?;
        by_rust
            .iter()
            .find_map(|(rust, schema)| (schema == member).then(|| rust.clone()))
    });
    file.items.extend(added);
}

/// Turns the optional nullable fields of `schema` into `Option<Option<T>>`.
fn patch_fields(
    fields: &mut syn::FieldsNamed,
    schema: &str,
    tri_state: &BTreeSet<(String, String)>,
) {
    for f in &mut fields.named {
        let json_name =
            serde_rename(&f.attrs).unwrap_or_else(|| f.ident.as_ref().expect("named").to_string());
        if !tri_state.contains(&(schema.to_owned(), json_name.clone())) || !is_option(&f.ty) {
            continue;
        }
        let ty = &f.ty;
        f.ty = syn::parse_quote!(::std::option::Option<#ty>);
        f.attrs.retain(|a| !a.path().is_ident("serde"));
        f.attrs.push(syn::parse_quote! {
            #[serde(
                rename = #json_name,
                default,
                skip_serializing_if = "::std::option::Option::is_none",
                with = "double_option"
            )]
        });
        f.attrs.push(syn::parse_quote! {
            /// `None` leaves the field out, `Some(None)` sends `null`.
        });
    }
}

pub(crate) fn is_tagged(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| {
        a.path().is_ident("serde") && {
            let s = a.meta.to_token_stream_string();
            s.contains("tag") && s.contains("\"_t\"")
        }
    })
}

trait MetaString {
    fn to_token_stream_string(&self) -> String;
}

impl MetaString for syn::Meta {
    fn to_token_stream_string(&self) -> String {
        quote!(#self).to_string()
    }
}

pub(crate) fn serde_rename(attrs: &[syn::Attribute]) -> Option<String> {
    for a in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        let mut found = None;
        let _ = a.parse_nested_meta(|m| {
            if m.path.is_ident("rename") {
                let lit: syn::LitStr = m.value()?.parse()?;
                found = Some(lit.value());
            } else if m.input.peek(syn::Token![=]) {
                let _: syn::Expr = m.value()?.parse()?;
            }
            Ok(())
        });
        if found.is_some() {
            return found;
        }
    }
    None
}

pub(crate) fn is_option(ty: &syn::Type) -> bool {
    if let syn::Type::Path(p) = ty {
        return p.path.segments.last().is_some_and(|s| s.ident == "Option");
    }
    false
}

fn strip_derives(attrs: &mut [syn::Attribute], remove: &[&str]) {
    for a in attrs.iter_mut().filter(|a| a.path().is_ident("derive")) {
        let Ok(paths) = a.parse_args_with(
            syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated,
        ) else {
            continue;
        };
        let kept: Vec<&syn::Path> = paths
            .iter()
            .filter(|p| {
                let last = p
                    .segments
                    .last()
                    .map(|s| s.ident.to_string())
                    .unwrap_or_default();
                !remove.contains(&last.as_str())
            })
            .collect();
        *a = syn::parse_quote!(#[derive(#(#kept),*)]);
    }
}
