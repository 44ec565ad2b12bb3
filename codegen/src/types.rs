//! Models: typify generates structs and unions; we emit open string enums and patch the
//! output for forward compatibility and three-state (absent / null / value) fields.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;
use typify::{TypeSpace, TypeSpaceImpl, TypeSpaceSettings};

use crate::attrs::{is_option, is_tagged, serde_rename};
use crate::construct;
use crate::error::GenError;
use crate::load::Merged;
use crate::naming;
use crate::schema::{kind_of, Converter, Kind};
use crate::unions;

/// The model module and what the operation emitter needs to refer to it.
pub struct Models {
    /// The items of the `types` module.
    pub tokens: TokenStream,
    /// Rust type (path relative to the types module) of each schema name.
    pub names: BTreeMap<String, String>,
    /// Component schemas whose Rust name typify also gave a type of its own making (an
    /// inline object `template` of `Repo` is `RepoTemplate`, like a component of that
    /// name): the caller renames them and generates again.
    pub clashes: Vec<String>,
}

/// Generates the model module for all merged schemas.
pub fn generate(merged: &Merged) -> Result<Models, GenError> {
    let mut conv = Converter::new(&merged.schemas);
    let mut settings = TypeSpaceSettings::default();
    settings.with_derive("PartialEq".to_owned());
    let mut defs = Vec::new();
    let mut own_enums = Vec::new();
    let mut names = BTreeMap::new();
    let members = unions::pure_members(merged);
    for (name, entry) in &merged.schemas {
        let kind = kind_of(&entry.schema);
        if let Kind::Enum { .. } | Kind::IntEnum { .. } = kind {
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
            let description = entry.schema.get("description");
            own_enums.push(match &kind {
                Kind::Enum { values } => emit_enum(&rust, values, description),
                Kind::IntEnum { values } => emit_int_enum(&rust, values, description),
                _ => unreachable!("matched above"),
            });
            names.insert(name.clone(), rust);
        }
        let mut json = conv.component(name)?;
        if let Some(m) = members.get(name) {
            unions::strip_tag(&mut json, &m.property);
        }
        let schema: schemars::schema::Schema = serde_json::from_value(json).map_err(|e| {
            GenError::new(
                &entry.file,
                &entry.pointer,
                format!("schema is not valid JSON Schema after normalization: {e}"),
                "check the schema's keywords",
            )
        })?;
        defs.push((name.clone(), schema));
    }
    let tri_state = conv.tri_state.clone();
    let files: BTreeMap<String, (String, String)> = merged
        .schemas
        .iter()
        .map(|(k, v)| (k.clone(), (v.file.clone(), v.pointer.clone())))
        .collect();

    // typify may panic on constructs it does not support; turn that into a message that
    // names the documents instead of a backtrace.
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let result = run_typify(&settings, &defs, &names);
    let (stream, typify_names) = match result {
        Ok(v) => v,
        Err(msg) => {
            // Find the schema typify stumbles over, so the error names it and its file:
            // try each schema with only what it references, smallest such set first. The
            // first that fails is one whose references (smaller sets, tried before) pass.
            let direct: BTreeMap<&str, Vec<String>> = defs
                .iter()
                .map(|(n, s)| {
                    let mut refs = Vec::new();
                    collect_refs(&serde_json::to_value(s).unwrap_or(Value::Null), &mut refs);
                    (n.as_str(), refs)
                })
                .collect();
            let mut subsets: Vec<(&String, BTreeSet<String>)> =
                defs.iter().map(|(n, _)| (n, closure(n, &direct))).collect();
            subsets.sort_by_key(|(n, set)| (set.len(), (*n).clone()));
            let culprit = subsets.iter().find_map(|(name, set)| {
                let subset: Defs = defs
                    .iter()
                    .filter(|(n, _)| set.contains(n))
                    .cloned()
                    .collect();
                run_typify(&settings, &subset, &names)
                    .err()
                    .map(|m| ((*name).clone(), m))
            });
            std::panic::set_hook(hook);
            let (file, pointer, message) = match culprit {
                Some((name, m)) => {
                    let (file, pointer) = files.get(&name).cloned().unwrap_or_default();
                    let message =
                        format!("typify cannot generate schema `{name}`: {}", first_line(&m));
                    (file, pointer, message)
                }
                None => (
                    files
                        .values()
                        .next()
                        .map(|f| f.0.clone())
                        .unwrap_or_default(),
                    "/components/schemas".to_owned(),
                    format!(
                        "typify cannot generate the schemas together: {}",
                        first_line(&msg)
                    ),
                ),
            };
            return Err(GenError::new(
                file,
                pointer,
                message,
                "simplify that schema (or the construct the message names), or report it to the rapidata-rs maintainers",
            ));
        }
    };
    std::panic::set_hook(hook);
    names.extend(typify_names);

    let mut file: syn::File = syn::parse2(stream).map_err(|e| {
        GenError::new(
            "(generated)",
            "",
            format!("typify output does not parse: {e}"),
            "",
        )
    })?;
    let clashes = clashing_components(&file, &names, &merged.schemas)?;
    if !clashes.is_empty() {
        return Ok(Models {
            tokens: TokenStream::new(),
            names,
            clashes,
        });
    }
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
    // The Rust struct of the pure member with this tag in this (Rust-named) union.
    let member_struct = |union: &str, tag: &str| {
        let member = unions.get(by_rust.get(union)?)?.get(tag)?;
        members.contains_key(member).then_some(())?;
        names.get(member).cloned()
    };
    patch(&mut file, &tri_state, &by_rust, &unions);
    unions::newtype_variants(&mut file, member_struct);
    dedupe_fields(&mut file);
    skip_absent_boxes(&mut file);
    let added = construct::constructors(&file.items, |union, tag| {
        let member = unions.get(by_rust.get(union)?)?.get(tag)?;
        names.get(member).cloned()
    });
    file.items.extend(added);

    let items = &file.items;
    let tokens = quote! {
        #(#items)*
        #(#own_enums)*

        /// Serde helper for recursive optional fields (`Box<Option<T>>`).
        pub mod box_option {
            /// Whether the boxed option is `None`: such a field is left out, as any other
            /// optional field is.
            pub fn is_none<T>(v: &::std::boxed::Box<::std::option::Option<T>>) -> bool {
                v.is_none()
            }
        }

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
    Ok(Models {
        tokens,
        names,
        clashes: Vec::new(),
    })
}

/// The component schemas whose Rust type name is defined more than once in typify's
/// output together with our own enums. A clash between two types typify named itself
/// (no component involved) cannot be resolved by renaming a schema: an error.
fn clashing_components(
    file: &syn::File,
    names: &BTreeMap<String, String>,
    schemas: &BTreeMap<String, crate::load::SchemaEntry>,
) -> Result<Vec<String>, GenError> {
    let mut count: BTreeMap<String, usize> = BTreeMap::new();
    for item in &file.items {
        let ident = match item {
            syn::Item::Struct(s) => &s.ident,
            syn::Item::Enum(e) => &e.ident,
            syn::Item::Type(t) => &t.ident,
            _ => continue,
        };
        *count.entry(ident.to_string()).or_default() += 1;
    }
    for (name, entry) in schemas {
        if let Kind::Enum { .. } | Kind::IntEnum { .. } = kind_of(&entry.schema) {
            *count.entry(naming::pascal(name)).or_default() += 1;
        }
    }
    let mut clashes = Vec::new();
    for (ident, n) in count.into_iter().filter(|(_, n)| *n > 1) {
        let components: Vec<&String> = names
            .iter()
            .filter(|(_, rust)| **rust == ident)
            .map(|(schema, _)| schema)
            .collect();
        match components.first() {
            Some(c) => clashes.push((*c).clone()),
            None => {
                return Err(GenError::new(
                    schemas.values().next().map(|e| e.file.clone()).unwrap_or_default(),
                    "/components/schemas",
                    format!("typify names {n} types `{ident}`"),
                    "rename the schemas or properties that give inline types this name, or move one of them into `components/schemas`",
                ))
            }
        }
    }
    Ok(clashes)
}

type Defs = Vec<(String, schemars::schema::Schema)>;

/// The first line of a typify message (some end in a multi-line debug dump), cut to a
/// length that fits a build log line.
fn first_line(msg: &str) -> String {
    let line = msg
        .lines()
        .next()
        .unwrap_or("")
        .trim_end_matches(['{', ' ', '(']);
    match line.char_indices().nth(200) {
        Some((i, _)) => format!("{}…", &line[..i]),
        None => line.to_owned(),
    }
}

/// Runs typify over `defs` (with a panic turned into an error message); returns its output
/// and the Rust name of every schema that is not one of our own enums (`own`).
fn run_typify(
    settings: &TypeSpaceSettings,
    defs: &Defs,
    own: &BTreeMap<String, String>,
) -> Result<(TokenStream, BTreeMap<String, String>), String> {
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let mut space = TypeSpace::new(settings);
        space
            .add_ref_types(defs.clone())
            .map_err(|e| e.to_string())?;
        let mut typify_names = BTreeMap::new();
        for (name, _) in defs {
            if own.contains_key(name) {
                continue;
            }
            let r = schemars::schema::Schema::new_ref(format!("#/definitions/{name}"));
            let id = space.add_type(&r).map_err(|e| e.to_string())?;
            let ty = space.get_type(&id).map_err(|e| e.to_string())?;
            typify_names.insert(name.clone(), ty.ident().to_string().replace(' ', ""));
        }
        Ok::<_, String>((space.to_stream(), typify_names))
    }));
    match result {
        Ok(r) => r,
        Err(panic) => Err(panic
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
            .unwrap_or_else(|| "unknown panic".into())),
    }
}

/// `name` and every definition it references, directly or not (`direct`: each
/// definition's own references).
fn closure(name: &str, direct: &BTreeMap<&str, Vec<String>>) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut todo = vec![name.to_owned()];
    while let Some(n) = todo.pop() {
        let Some(refs) = direct.get(n.as_str()) else {
            continue;
        };
        if seen.insert(n) {
            todo.extend(refs.iter().cloned());
        }
    }
    seen
}

fn collect_refs(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                match (k.as_str(), x) {
                    ("$ref", Value::String(r)) => {
                        out.push(r.trim_start_matches("#/definitions/").to_owned())
                    }
                    _ => collect_refs(x, out),
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|x| collect_refs(x, out)),
        _ => {}
    }
}

/// The doc text of one of our enums and its variant declarations, each documented with
/// its wire value.
fn enum_head<V: std::fmt::Display>(
    rust: &str,
    description: Option<&Value>,
    variants: &[(syn::Ident, V)],
) -> (String, Vec<TokenStream>) {
    let doc = description
        .and_then(Value::as_str)
        .map(|d| d.to_owned())
        .unwrap_or_else(|| format!("The `{rust}` values of the API."));
    let decls = variants
        .iter()
        .map(|(i, v)| {
            let d = format!("`{v}`");
            quote! { #[doc = #d] #i, }
        })
        .collect();
    (doc, decls)
}

/// Emits an open integer enum: known values as unit variants (`V512`, `Neg1`), anything
/// else in `Other`; on the wire a JSON number.
fn emit_int_enum(rust: &str, values: &[i64], description: Option<&Value>) -> TokenStream {
    let ident = format_ident!("{}", rust);
    let mut seen = BTreeSet::new();
    let variants: Vec<(syn::Ident, i64)> = values
        .iter()
        .filter(|v| seen.insert(**v))
        .map(|&v| {
            let name = if v < 0 {
                format!("Neg{}", v.unsigned_abs())
            } else {
                format!("V{v}")
            };
            (format_ident!("{}", name), v)
        })
        .collect();
    let (doc, decls) = enum_head(rust, description, &variants);
    let to_int = variants.iter().map(|(i, v)| quote! { #ident::#i => #v, });
    let from_int = variants.iter().map(|(i, v)| quote! { #v => #ident::#i, });
    quote! {
        #[doc = #doc]
        ///
        /// Values this version of the crate does not know decode into `Other`, so a response
        /// from a newer API still decodes.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum #ident {
            #(#decls)*
            /// A value this version of the crate does not know.
            Other(i64),
        }
        impl #ident {
            /// The value as sent on the wire.
            pub fn value(&self) -> i64 {
                match self {
                    #(#to_int)*
                    #ident::Other(v) => *v,
                }
            }
        }
        impl ::std::convert::From<i64> for #ident {
            fn from(v: i64) -> Self {
                match v {
                    #(#from_int)*
                    other => #ident::Other(other),
                }
            }
        }
        impl ::std::fmt::Display for #ident {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                ::std::fmt::Display::fmt(&self.value(), f)
            }
        }
        impl ::std::str::FromStr for #ident {
            type Err = ::std::num::ParseIntError;
            fn from_str(s: &str) -> ::std::result::Result<Self, Self::Err> {
                s.parse::<i64>().map(<Self as ::std::convert::From<i64>>::from)
            }
        }
        impl ::serde::Serialize for #ident {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> ::std::result::Result<S::Ok, S::Error> {
                s.serialize_i64(self.value())
            }
        }
        impl<'de> ::serde::Deserialize<'de> for #ident {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> ::std::result::Result<Self, D::Error> {
                <i64 as ::serde::Deserialize>::deserialize(d).map(<Self as ::std::convert::From<i64>>::from)
            }
        }
    }
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
    let (doc, decls) = enum_head(rust, description, &variants);
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
            Other(::std::string::String),
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
            fn from_str(s: &str) -> ::std::result::Result<Self, Self::Err> {
                ::std::result::Result::Ok(match s {
                    #(#from_str)*
                    other => #ident::Other(::std::borrow::ToOwned::to_owned(other)),
                })
            }
        }
        impl ::std::convert::From<&str> for #ident {
            fn from(s: &str) -> Self {
                match s.parse::<Self>() {
                    ::std::result::Result::Ok(v) => v,
                    ::std::result::Result::Err(e) => match e {},
                }
            }
        }
        impl ::serde::Serialize for #ident {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> ::std::result::Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }
        impl<'de> ::serde::Deserialize<'de> for #ident {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> ::std::result::Result<Self, D::Error> {
                let s = <::std::string::String as ::serde::Deserialize>::deserialize(d)?;
                ::std::result::Result::Ok(::std::convert::From::from(s.as_str()))
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
}

/// Fields typify gives the same Rust name (properties `a-b` and `a_b` are both `a_b`):
/// the first keeps it, each later one gets `_2`, `_3`, … and a serde rename to its
/// property, in the struct and in the struct expressions of its `impl` blocks (typify's
/// `Default`), so the output compiles and every property keeps its wire name.
fn dedupe_fields(file: &mut syn::File) {
    use syn::visit_mut::VisitMut;

    // (struct, field name, occurrence) → new name
    let mut renames: BTreeMap<(String, String, usize), syn::Ident> = BTreeMap::new();
    for item in &mut file.items {
        let syn::Item::Struct(st) = item else {
            continue;
        };
        let syn::Fields::Named(fields) = &mut st.fields else {
            continue;
        };
        let mut used: BTreeSet<String> = fields
            .named
            .iter()
            .filter_map(|f| f.ident.as_ref().map(ToString::to_string))
            .collect();
        let mut seen: BTreeMap<String, usize> = BTreeMap::new();
        for f in &mut fields.named {
            let Some(ident) = f.ident.clone() else {
                continue;
            };
            let name = ident.to_string();
            let n = seen.entry(name.clone()).or_insert(0);
            *n += 1;
            if *n == 1 {
                continue;
            }
            let mut k = *n;
            let new = loop {
                let candidate = format!("{name}_{k}");
                if used.insert(candidate.clone()) {
                    break candidate;
                }
                k += 1;
            };
            if serde_rename(&f.attrs).is_none() {
                f.attrs.push(syn::parse_quote!(#[serde(rename = #name)]));
            }
            let new = format_ident!("{}", new);
            f.ident = Some(new.clone());
            renames.insert((st.ident.to_string(), name, *n), new);
        }
    }
    if renames.is_empty() {
        return;
    }

    struct Rename<'a> {
        ty: String,
        renames: &'a BTreeMap<(String, String, usize), syn::Ident>,
    }
    impl VisitMut for Rename<'_> {
        fn visit_expr_struct_mut(&mut self, e: &mut syn::ExprStruct) {
            let target = e.path.segments.last().map(|s| s.ident.to_string());
            if target.as_deref() == Some("Self") || target.as_deref() == Some(self.ty.as_str()) {
                let mut seen: BTreeMap<String, usize> = BTreeMap::new();
                for fv in &mut e.fields {
                    if let syn::Member::Named(ident) = &mut fv.member {
                        let name = ident.to_string();
                        let n = seen.entry(name.clone()).or_insert(0);
                        *n += 1;
                        if let Some(new) = self.renames.get(&(self.ty.clone(), name, *n)) {
                            if fv.colon_token.is_none() {
                                // shorthand `Self { a_b }` → `Self { a_b_2: a_b }`
                                fv.colon_token = Some(Default::default());
                            }
                            *ident = new.clone();
                        }
                    }
                }
            }
            syn::visit_mut::visit_expr_struct_mut(self, e);
        }
    }
    for item in &mut file.items {
        let syn::Item::Impl(imp) = item else { continue };
        let syn::Type::Path(p) = &*imp.self_ty else {
            continue;
        };
        let Some(ty) = p.path.segments.last().map(|s| s.ident.to_string()) else {
            continue;
        };
        if renames.keys().any(|(s, _, _)| *s == ty) {
            Rename {
                ty,
                renames: &renames,
            }
            .visit_item_impl_mut(imp);
        }
    }
}

/// typify writes recursive optional fields as `Box<Option<T>>` that serialize an absent
/// value as `null`; they get the `skip_serializing_if` every other optional field has, so
/// a request never sends `null` for a property the schema does not make nullable.
fn skip_absent_boxes(file: &mut syn::File) {
    for item in &mut file.items {
        let syn::Item::Struct(st) = item else {
            continue;
        };
        let syn::Fields::Named(fields) = &mut st.fields else {
            continue;
        };
        for f in &mut fields.named {
            let ty = &f.ty;
            let text = quote!(#ty).to_string().replace(' ', "");
            let has_skip = f.attrs.iter().any(|a| {
                a.path().is_ident("serde") && quote!(#a).to_string().contains("skip_serializing_if")
            });
            if text.starts_with("::std::boxed::Box<::std::option::Option<") && !has_skip {
                f.attrs
                    .push(syn::parse_quote!(#[serde(skip_serializing_if = "box_option::is_none")]));
            }
        }
    }
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
