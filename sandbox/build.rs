//! Generates the sandbox's API models from the OpenAPI documents in the workspace's `spec/`
//! (or in the folder named by `RAPIDATA_SPEC_DIR`), with the same generator and the same
//! documents as the `rapidata` library, so the server parses requests with exactly the types
//! the client serializes them from.
//!
//! Two files land in `OUT_DIR`, both included by `src/api_types.rs`:
//!
//! * `types.rs`: the models from `rapidata_codegen` (its request-types module is not needed by
//!   a server and is not written), without their doc comments: the module is private, and
//!   rustdoc would run indented blocks in the upstream documents' prose as doctests.
//! * `strict.rs`: derived from `types.rs` here, plus `API_GENERATION` (the date part of the
//!   documents' `info.version`, e.g. `2026.10.25`). The generated models are lenient on purpose —
//!   a `_t` union keeps an unknown or malformed member as `Unknown(serde_json::Value)`, an
//!   open string enum keeps an unknown value as `Other(String)` — so that a client survives a
//!   newer API. A server must be strict instead, so for every model this file implements
//!   `crate::strict::Strict`, which walks a parsed request alongside its JSON, finds those
//!   catch-alls and reports them with their JSON path. It also reports absent required
//!   nullable fields (a model's `Option<T>` without `#[serde(default)]`, which serde fills
//!   with `None` when the field is missing). For every member of every union it declares a
//!   deserialize-only copy (module `strict_members`) whose parse error names the exact field
//!   that made the member fall back to `Unknown`. And it refuses JSON properties that a
//!   struct or union member does not declare (serde would ignore them), naming the model:
//!   `'blueprint' is not a property of SimpleWorkflow in API 2026.10.25`.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    println!("cargo:rerun-if-env-changed=RAPIDATA_SPEC_DIR");
    println!("cargo:rerun-if-changed=build.rs");
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    // Same folder as the root crate's build script: `spec/` of the workspace, or
    // RAPIDATA_SPEC_DIR, which must be absolute (as there: cargo runs build scripts in
    // the package folder, so a relative path would not mean what the user typed).
    let workspace = manifest.join("..");
    let dir = match std::env::var_os("RAPIDATA_SPEC_DIR") {
        Some(d) if !d.is_empty() => {
            let d = PathBuf::from(d);
            if d.is_relative() {
                eprintln!(
                    "error: RAPIDATA_SPEC_DIR must be an absolute path, got `{}`",
                    d.display()
                );
                std::process::exit(1);
            }
            d
        }
        _ => workspace.join("spec"),
    };
    // A folder as `rerun-if-changed` makes cargo rerun when any file in it changes.
    println!("cargo:rerun-if-changed={}", dir.display());

    let generated = match rapidata_codegen::generate_dir(&dir) {
        Ok(g) => g,
        Err(e) => {
            eprintln!(
                "error: cannot generate the sandbox's API models from {}",
                dir.display()
            );
            eprintln!("  {e}");
            std::process::exit(1);
        }
    };
    for w in &generated.warnings {
        println!("cargo:warning={w}");
    }
    let generation = generation(&dir);
    let derived = syn::parse_file(&generated.types).and_then(|mut file| {
        let strict = strictness(&file, &generation)?;
        strip_docs(&mut file.attrs, &mut file.items);
        Ok((prettyplease::unparse(&file), strict))
    });
    let (types, strict) = match derived {
        Ok(s) => s,
        Err(e) => {
            eprintln!(
                "error: cannot derive the sandbox's request checks from the models generated from {}",
                dir.display()
            );
            eprintln!("  {e}");
            std::process::exit(1);
        }
    };
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("set by cargo"));
    write_if_changed(&out.join("types.rs"), &types);
    write_if_changed(&out.join("strict.rs"), &strict);
}

/// The API generation the documents describe: the date part (`2026.08.21`) of the newest
/// `info.version` (`2026.08.21.1305-2bf435d`) among the folder's `*.json` documents.
fn generation(dir: &Path) -> String {
    let mut best = String::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return "unknown".into();
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.extension().and_then(|e| e.to_str()) != Some("json") {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let Ok(doc) = serde_json::from_str::<serde_json::Value>(&text) else {
            continue;
        };
        let Some(version) = doc.pointer("/info/version").and_then(|v| v.as_str()) else {
            continue;
        };
        let date: Vec<&str> = version.split('.').take(3).collect();
        let date = date.join(".");
        if date > best {
            best = date;
        }
    }
    if best.is_empty() {
        "unknown".into()
    } else {
        best
    }
}

/// Leaves the file (and its mtime) alone when the content is the same.
fn write_if_changed(path: &Path, content: &str) {
    if std::fs::read_to_string(path).ok().as_deref() == Some(content) {
        return;
    }
    if let Err(e) = std::fs::write(path, content) {
        eprintln!("error: cannot write {}: {e}", path.display());
        std::process::exit(1);
    }
}

// ---------------------------------------------------------------------------------------------
// strict.rs
// ---------------------------------------------------------------------------------------------

/// A named field: Rust name, JSON name, type, and its `#[serde]` attributes.
struct Field {
    ident: syn::Ident,
    json: String,
    ty: syn::Type,
    serde_attrs: Vec<syn::Attribute>,
    /// Required but nullable: `Option<T>` without `#[serde(default)]`.
    required_nullable: bool,
}

enum Shape {
    Unit,
    Named(Vec<Field>),
    /// Tuple fields (a newtype struct or a tuple variant).
    Tuple(Vec<syn::Type>),
}

struct Variant {
    ident: syn::Ident,
    /// The wire name (the `_t` value of a union member).
    wire: String,
    shape: Shape,
    /// `#[serde(untagged)]`: the catch-all of a union.
    untagged: bool,
}

enum Model {
    /// A struct (named fields, a newtype, or a unit struct).
    Struct(Shape),
    /// An internally tagged union (`#[serde(tag = "...")]`).
    Union { tag: String, variants: Vec<Variant> },
    /// An open string enum: unit variants plus `Other(String)`.
    Open { known: Vec<syn::Ident> },
    /// Any other enum (a closed enum; strict by itself unless its variants hold fields).
    Enum(Vec<Variant>),
}

/// The `#[serde(...)]` keys of some attributes: `rename`/`tag` values and bare flags.
#[derive(Default)]
struct SerdeAttrs {
    rename: Option<String>,
    tag: Option<String>,
    untagged: bool,
    default: bool,
}

fn serde_attrs(attrs: &[syn::Attribute]) -> syn::Result<SerdeAttrs> {
    fn skip(meta: &syn::meta::ParseNestedMeta<'_>) -> syn::Result<()> {
        if meta.input.peek(syn::Token![=]) {
            let _: syn::Expr = meta.value()?.parse()?;
        } else if meta.input.peek(syn::token::Paren) {
            meta.parse_nested_meta(|m| skip(&m))?;
        }
        Ok(())
    }
    let mut out = SerdeAttrs::default();
    for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename") && meta.input.peek(syn::Token![=]) {
                let s: syn::LitStr = meta.value()?.parse()?;
                out.rename = Some(s.value());
            } else if meta.path.is_ident("tag") {
                let s: syn::LitStr = meta.value()?.parse()?;
                out.tag = Some(s.value());
            } else if meta.path.is_ident("untagged") {
                out.untagged = true;
            } else if meta.path.is_ident("default") {
                out.default = true;
                skip(&meta)?;
            } else {
                skip(&meta)?;
            }
            Ok(())
        })?;
    }
    Ok(out)
}

fn shape(fields: &syn::Fields) -> syn::Result<Shape> {
    Ok(match fields {
        syn::Fields::Unit => Shape::Unit,
        syn::Fields::Unnamed(f) => Shape::Tuple(f.unnamed.iter().map(|f| f.ty.clone()).collect()),
        syn::Fields::Named(f) => {
            let mut out = Vec::new();
            for f in &f.named {
                let ident = f.ident.clone().expect("named field");
                let attrs = serde_attrs(&f.attrs)?;
                let is_option = matches!(&f.ty, syn::Type::Path(p)
                    if p.path.segments.last().is_some_and(|s| s.ident == "Option"));
                let json = match attrs.rename {
                    Some(r) => r,
                    None => ident.to_string().trim_start_matches("r#").to_string(),
                };
                out.push(Field {
                    required_nullable: is_option && !attrs.default,
                    ident,
                    json,
                    ty: f.ty.clone(),
                    serde_attrs: f
                        .attrs
                        .iter()
                        .filter(|a| a.path().is_ident("serde"))
                        .cloned()
                        .collect(),
                });
            }
            Shape::Named(out)
        }
    })
}

fn derives_deserialize(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| {
        a.path().is_ident("derive") && quote::quote!(#a).to_string().contains("Deserialize")
    })
}

/// Every identifier a type mentions (`Option<Vec<IReferee>>` → Option, Vec, IReferee, …).
fn mentions(ty: &syn::Type, out: &mut Vec<String>) {
    match ty {
        syn::Type::Path(p) => {
            for seg in &p.path.segments {
                out.push(seg.ident.to_string());
                if let syn::PathArguments::AngleBracketed(args) = &seg.arguments {
                    for arg in &args.args {
                        if let syn::GenericArgument::Type(t) = arg {
                            mentions(t, out);
                        }
                    }
                }
            }
        }
        syn::Type::Tuple(t) => t.elems.iter().for_each(|t| mentions(t, out)),
        syn::Type::Array(t) => mentions(&t.elem, out),
        syn::Type::Slice(t) => mentions(&t.elem, out),
        syn::Type::Paren(t) => mentions(&t.elem, out),
        syn::Type::Group(t) => mentions(&t.elem, out),
        syn::Type::Reference(t) => mentions(&t.elem, out),
        _ => {}
    }
}

/// Removes the doc comments of the items (and their fields, variants and members).
fn strip_docs(attrs: &mut Vec<syn::Attribute>, items: &mut [syn::Item]) {
    fn strip(attrs: &mut Vec<syn::Attribute>) {
        attrs.retain(|a| !a.path().is_ident("doc"));
    }
    fn fields(fields: &mut syn::Fields) {
        fields.iter_mut().for_each(|f| strip(&mut f.attrs));
    }
    strip(attrs);
    for item in items {
        match item {
            syn::Item::Struct(s) => {
                strip(&mut s.attrs);
                fields(&mut s.fields);
            }
            syn::Item::Enum(e) => {
                strip(&mut e.attrs);
                for v in &mut e.variants {
                    strip(&mut v.attrs);
                    fields(&mut v.fields);
                }
            }
            syn::Item::Impl(i) => {
                strip(&mut i.attrs);
                for member in &mut i.items {
                    match member {
                        syn::ImplItem::Fn(f) => strip(&mut f.attrs),
                        syn::ImplItem::Const(c) => strip(&mut c.attrs),
                        syn::ImplItem::Type(t) => strip(&mut t.attrs),
                        _ => {}
                    }
                }
            }
            syn::Item::Mod(m) => {
                if let Some((_, content)) = &mut m.content {
                    strip_docs(&mut m.attrs, content);
                } else {
                    strip(&mut m.attrs);
                }
            }
            syn::Item::Fn(f) => strip(&mut f.attrs),
            syn::Item::Type(t) => strip(&mut t.attrs),
            syn::Item::Const(c) => strip(&mut c.attrs),
            syn::Item::Static(c) => strip(&mut c.attrs),
            syn::Item::Trait(t) => strip(&mut t.attrs),
            syn::Item::Use(u) => strip(&mut u.attrs),
            _ => {}
        }
    }
}

fn models(file: &syn::File) -> syn::Result<BTreeMap<String, Model>> {
    let mut models = BTreeMap::new();
    for item in &file.items {
        match item {
            syn::Item::Struct(s) => {
                models.insert(s.ident.to_string(), Model::Struct(shape(&s.fields)?));
            }
            syn::Item::Enum(e) => {
                let mut variants = Vec::new();
                for v in &e.variants {
                    let attrs = serde_attrs(&v.attrs)?;
                    variants.push(Variant {
                        ident: v.ident.clone(),
                        wire: attrs.rename.unwrap_or_else(|| v.ident.to_string()),
                        shape: shape(&v.fields)?,
                        untagged: attrs.untagged,
                    });
                }
                let is_other = |v: &Variant| {
                    v.ident == "Other" && matches!(&v.shape, Shape::Tuple(t) if t.len() == 1)
                };
                let model = if let Some(tag) = serde_attrs(&e.attrs)?.tag {
                    Model::Union { tag, variants }
                } else if !derives_deserialize(&e.attrs)
                    && variants.iter().any(is_other)
                    && variants
                        .iter()
                        .all(|v| is_other(v) || matches!(v.shape, Shape::Unit))
                {
                    Model::Open {
                        known: variants
                            .into_iter()
                            .filter(|v| !is_other(v))
                            .map(|v| v.ident)
                            .collect(),
                    }
                } else {
                    Model::Enum(variants)
                };
                models.insert(e.ident.to_string(), model);
            }
            _ => {}
        }
    }
    Ok(models)
}

/// The models that need checking: those that can hold an `Unknown` union member, an `Other`
/// enum value, a required nullable field or an object with properties of its own (whose
/// JSON may carry properties the model does not declare), directly or through their fields.
fn lenient(models: &BTreeMap<String, Model>) -> BTreeSet<String> {
    let object = |shape: &Shape| matches!(shape, Shape::Named(_));
    let mut set: BTreeSet<String> = models
        .iter()
        .filter(|(_, m)| match m {
            Model::Union { .. } | Model::Open { .. } => true,
            Model::Struct(s) => object(s),
            Model::Enum(vs) => vs.iter().any(|v| object(&v.shape)),
        })
        .map(|(n, _)| n.clone())
        .collect();
    let types_of = |shape: &Shape| -> Vec<syn::Type> {
        match shape {
            Shape::Unit => Vec::new(),
            Shape::Named(f) => f.iter().map(|f| f.ty.clone()).collect(),
            Shape::Tuple(t) => t.clone(),
        }
    };
    loop {
        let mut grew = false;
        for (name, model) in models {
            if set.contains(name) {
                continue;
            }
            let tys = match model {
                Model::Struct(s) => types_of(s),
                Model::Enum(vs) => vs.iter().flat_map(|v| types_of(&v.shape)).collect(),
                Model::Union { .. } | Model::Open { .. } => Vec::new(),
            };
            let mut names = Vec::new();
            tys.iter().for_each(|t| mentions(t, &mut names));
            if names.iter().any(|n| set.contains(n)) {
                set.insert(name.clone());
                grew = true;
            }
        }
        if !grew {
            return set;
        }
    }
}

fn is_lenient(ty: &syn::Type, lenient: &BTreeSet<String>) -> bool {
    let mut names = Vec::new();
    mentions(ty, &mut names);
    names.iter().any(|n| lenient.contains(n))
}

/// The checks of a shape's fields, bound as `f0, f1, …` (or `self.x`): no properties but the
/// declared ones (and the union's `tag`) when `owner` names the model, presence of the
/// required nullable ones, and `Strict::check` of the lenient ones.
fn field_checks(
    shape: &Shape,
    lenient: &BTreeSet<String>,
    on_self: bool,
    owner: Option<(&str, Option<&str>)>,
    out: &mut String,
) {
    match shape {
        Shape::Unit => {}
        Shape::Named(fields) => {
            if let Some((owner, tag)) = owner {
                let known: Vec<String> = tag
                    .into_iter()
                    .map(str::to_string)
                    .chain(fields.iter().map(|f| f.json.clone()))
                    .map(|name| format!("{name:?}"))
                    .collect();
                let _ = writeln!(
                    out,
                    "            crate::strict::known(json, path, {owner:?}, &[{}])?;",
                    known.join(", ")
                );
            }
            let required: Vec<String> = fields
                .iter()
                .filter(|f| f.required_nullable)
                .map(|f| format!("{:?}", f.json))
                .collect();
            if !required.is_empty() {
                let _ = writeln!(
                    out,
                    "            crate::strict::required(json, path, &[{}])?;",
                    required.join(", ")
                );
            }
            for (i, f) in fields.iter().enumerate() {
                if !is_lenient(&f.ty, lenient) {
                    continue;
                }
                let value = if on_self {
                    format!("&self.{}", f.ident)
                } else {
                    format!("f{i}")
                };
                let _ = writeln!(
                    out,
                    "            crate::strict::Strict::check({value}, crate::strict::member(json, {0:?}), &crate::strict::field(path, {0:?}))?;",
                    f.json
                );
            }
        }
        Shape::Tuple(tys) => {
            for (i, ty) in tys.iter().enumerate() {
                if !is_lenient(ty, lenient) {
                    continue;
                }
                let value = if on_self {
                    format!("&self.{i}")
                } else {
                    format!("f{i}")
                };
                let _ = writeln!(
                    out,
                    "            crate::strict::Strict::check({value}, json, path)?;"
                );
            }
        }
    }
}

/// A match pattern for a variant that binds its lenient fields as `f0, f1, …` (and the
/// value of a union's catch-all as `f0`).
/// (Required nullable fields are checked on the JSON, so they need no binding.)
fn pattern(v: &Variant, lenient: &BTreeSet<String>, union: bool) -> String {
    match &v.shape {
        Shape::Tuple(tys) if union && v.untagged && tys.len() == 1 => {
            format!("Self::{}(f0)", v.ident)
        }
        Shape::Unit => format!("Self::{}", v.ident),
        Shape::Named(fields) => {
            let binds: Vec<String> = fields
                .iter()
                .enumerate()
                .filter(|(_, f)| is_lenient(&f.ty, lenient))
                .map(|(i, f)| format!("{}: f{i}, ", f.ident))
                .collect();
            format!("Self::{} {{ {}.. }}", v.ident, binds.concat())
        }
        Shape::Tuple(tys) => {
            let binds: Vec<String> = tys
                .iter()
                .enumerate()
                .map(|(i, t)| {
                    if is_lenient(t, lenient) {
                        format!("f{i}")
                    } else {
                        "_".to_string()
                    }
                })
                .collect();
            format!("Self::{}({})", v.ident, binds.join(", "))
        }
    }
}

/// The fields of a union member: a struct variant's own, or those of the struct a newtype
/// variant holds (the generator's shape for `_t` unions: `Tag(MemberStruct)`).
fn member_fields<'m>(v: &'m Variant, models: &'m BTreeMap<String, Model>) -> Option<&'m [Field]> {
    match &v.shape {
        Shape::Named(fields) => Some(fields),
        Shape::Tuple(tys) if !v.untagged && tys.len() == 1 => match &tys[0] {
            syn::Type::Path(p) => match models.get(&p.path.get_ident()?.to_string())? {
                Model::Struct(Shape::Named(fields)) => Some(fields),
                _ => None,
            },
            _ => None,
        },
        _ => None,
    }
}

/// The structs that newtype variants of unions hold: struct name → (the member's tag
/// value, the tag property). Their JSON is the member's object, tag included, so their
/// check names the member by its tag and lets the tag property through.
fn member_structs(models: &BTreeMap<String, Model>) -> BTreeMap<String, (String, String)> {
    let mut out = BTreeMap::new();
    for model in models.values() {
        let Model::Union { tag, variants } = model else {
            continue;
        };
        for v in variants.iter().filter(|v| !v.untagged) {
            if let Shape::Tuple(tys) = &v.shape {
                if let [syn::Type::Path(p)] = tys.as_slice() {
                    if let Some(ident) = p.path.get_ident() {
                        out.insert(ident.to_string(), (v.wire.clone(), tag.clone()));
                    }
                }
            }
        }
    }
    out
}

fn strictness(types: &syn::File, generation: &str) -> syn::Result<String> {
    let models = models(types)?;
    let lenient = lenient(&models);
    let member_structs = member_structs(&models);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "/// The API generation of the documents the models come from (their `info.version` date).\npub(crate) const API_GENERATION: &str = {generation:?};"
    );
    let mut members = String::new();
    for (name, model) in &models {
        let _ = writeln!(out, "impl crate::strict::Strict for {name} {{");
        if !lenient.contains(name) {
            out.push_str(
                "    fn check(&self, _json: &::serde_json::Value, _path: &str) -> ::std::result::Result<(), crate::wire::FieldError> {\n        Ok(())\n    }\n}\n",
            );
            continue;
        }
        out.push_str(
            "    fn check(&self, json: &::serde_json::Value, path: &str) -> ::std::result::Result<(), crate::wire::FieldError> {\n        let _ = json;\n",
        );
        match model {
            Model::Struct(shape) => {
                let owner = match member_structs.get(name) {
                    Some((wire, tag)) => (wire.as_str(), Some(tag.as_str())),
                    None => (name.as_str(), None),
                };
                field_checks(shape, &lenient, true, Some(owner), &mut out)
            }
            Model::Open { known } => {
                let known: Vec<String> = known
                    .iter()
                    .map(|k| format!("Self::{k}.as_str()"))
                    .collect();
                let _ = writeln!(
                    out,
                    "        if let Self::Other(value) = self {{\n            return Err(crate::strict::unknown_value(path, {name:?}, value, &[{}]));\n        }}",
                    known.join(", ")
                );
            }
            Model::Enum(variants) | Model::Union { variants, .. } => {
                let tag = match model {
                    Model::Union { tag, .. } => Some(tag.as_str()),
                    _ => None,
                };
                let tags: Vec<&Variant> = variants.iter().filter(|v| !v.untagged).collect();
                out.push_str("        match self {\n");
                for v in variants {
                    let _ = writeln!(
                        out,
                        "            {} => {{",
                        pattern(v, &lenient, tag.is_some())
                    );
                    match (tag, v.untagged, &v.shape) {
                        (Some(tag), true, Shape::Tuple(t)) if t.len() == 1 => {
                            // The catch-all: name the member it should have been.
                            let mut arms = String::new();
                            for m in &tags {
                                if let Some(fields) = member_fields(m, &models) {
                                    let member = format!("{name}_{}", m.ident);
                                    // Undeclared properties first: an old client's shape
                                    // (a renamed field) is named by what it sent, not by
                                    // the new field it lacks.
                                    let known: Vec<String> = std::iter::once(tag.to_string())
                                        .chain(fields.iter().map(|f| f.json.clone()))
                                        .map(|name| format!("{name:?}"))
                                        .collect();
                                    let _ = writeln!(
                                        arms,
                                        "                    {0:?} => {{ crate::strict::known(value, path, {0:?}, &[{1}])?; crate::strict::reparse::<strict_members::{member}>(value, path) }}",
                                        m.wire,
                                        known.join(", ")
                                    );
                                    let _ = writeln!(
                                        members,
                                        "    #[derive(::serde::Deserialize)]\n    pub(crate) struct {member} {{"
                                    );
                                    for f in fields {
                                        for a in &f.serde_attrs {
                                            let _ =
                                                writeln!(members, "        {}", quote::quote!(#a));
                                        }
                                        let ty = &f.ty;
                                        let _ = writeln!(
                                            members,
                                            "        {}: {},",
                                            f.ident,
                                            quote::quote!(#ty)
                                        );
                                    }
                                    members.push_str("    }\n");
                                }
                            }
                            let wires: Vec<String> =
                                tags.iter().map(|m| format!("{:?}", m.wire)).collect();
                            let _ = writeln!(
                                out,
                                "                return crate::strict::unknown_member(f0, path, {name:?}, {tag:?}, &[{}], |member, value, path| match member {{\n{arms}                    _ => Ok(()),\n                }});",
                                wires.join(", ")
                            );
                        }
                        // A union member's JSON is the object itself, with the tag; a
                        // variant of another enum is nested and not checked for extras.
                        _ => field_checks(
                            &v.shape,
                            &lenient,
                            false,
                            tag.map(|t| (v.wire.as_str(), Some(t))),
                            &mut out,
                        ),
                    }
                    out.push_str("            }\n");
                }
                out.push_str("        }\n");
            }
        }
        out.push_str("        Ok(())\n    }\n}\n");
    }
    out.push_str("\n/// Deserialize-only copies of the union members, to name the field a member failed on.\n");
    out.push_str(
        "#[allow(non_camel_case_types)]\npub(crate) mod strict_members {\n    use super::*;\n",
    );
    out.push_str(&members);
    out.push_str("}\n");
    // Parsing it back checks the generated code; unparsing makes it readable.
    Ok(prettyplease::unparse(&syn::parse_file(&out)?))
}
