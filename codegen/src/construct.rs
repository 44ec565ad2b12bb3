//! Constructors of the generated models, so handwritten code never spells a model out in
//! full and a property the API adds later never breaks it.
//!
//! * Every struct with named fields gets `T::new(required fields)`: the required fields in
//!   alphabetical order of their Rust names, every optional field `None`. Code builds
//!   models as `T { optional: Some(x), ..T::new(a, b) }`.
//! * A union member's struct (`IAudienceFilterCountryAudienceFilter`) has no `_t` field
//!   (the union writes the tag, see [`crate::unions`]), so its constructor takes only the
//!   member's real fields, and every `_t` union gets `From<member struct>`:
//!   `IAudienceFilter::from(IAudienceFilterCountryAudienceFilter { .., ..::new(countries) })`
//!   is `IAudienceFilter::CountryFilter(..)`. A member that keeps its `_t` field (one the
//!   documents also use outside its union) has a constructor that sets the tag, and its
//!   `From` moves the fields into the union's struct variant.

use std::collections::BTreeMap;

use quote::quote;

use crate::attrs::{is_option, is_tagged, serde_rename};

/// The constructor impls and `From` impls for the items typify generated (already patched).
///
/// `member_struct(union, tag)` names the struct of the union member with that tag.
pub fn constructors(
    items: &[syn::Item],
    member_struct: impl Fn(&str, &str) -> Option<String>,
) -> Vec<syn::Item> {
    // Single-value string enums: the `_t` tag types of union members.
    let tags: BTreeMap<String, &syn::Ident> = items
        .iter()
        .filter_map(|i| match i {
            syn::Item::Enum(e) if e.variants.len() == 1 => {
                let v = &e.variants[0];
                matches!(v.fields, syn::Fields::Unit).then(|| (e.ident.to_string(), &v.ident))
            }
            _ => None,
        })
        .collect();
    let structs: BTreeMap<String, &syn::FieldsNamed> = items
        .iter()
        .filter_map(|i| match i {
            syn::Item::Struct(s) => match &s.fields {
                syn::Fields::Named(f) => Some((s.ident.to_string(), f)),
                _ => None,
            },
            _ => None,
        })
        .collect();
    let mut out = Vec::new();
    for item in items {
        match item {
            syn::Item::Struct(s) => {
                if let syn::Fields::Named(fields) = &s.fields {
                    out.push(constructor(&s.ident, fields, &tags));
                }
            }
            syn::Item::Enum(e) if is_tagged(&e.attrs) => {
                for v in &e.variants {
                    let tag = serde_rename(&v.attrs).unwrap_or_else(|| v.ident.to_string());
                    let Some(name) = member_struct(&e.ident.to_string(), &tag) else {
                        continue;
                    };
                    let fields = match &v.fields {
                        syn::Fields::Named(f) => f.clone(),
                        // A member without properties: its struct holds only the tag.
                        syn::Fields::Unit => syn::parse_quote!({}),
                        syn::Fields::Unnamed(u) => {
                            out.extend(member_into_newtype(e, v, u, &name));
                            continue;
                        }
                    };
                    if let Some(member) = structs.get(&name) {
                        if let Some(from) = member_into_variant(e, v, &fields, &name, member) {
                            out.push(from);
                        }
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// `impl T { pub fn new(required fields) -> Self }` for a struct with named fields.
///
/// The parameters are the required fields (neither `Option` nor defaulted by serde) in
/// alphabetical order of their Rust names; every optional field starts as `None` (an
/// optional array or map typify made a plain collection starts empty, a field with a
/// schema default starts at that default). A `_t` field whose type has a single value
/// (the tag of a union member) is set to it rather than taken.
fn constructor(
    ident: &syn::Ident,
    fields: &syn::FieldsNamed,
    tags: &BTreeMap<String, &syn::Ident>,
) -> syn::Item {
    let mut required: Vec<(&syn::Ident, &syn::Type)> = Vec::new();
    let mut set: Vec<(&syn::Ident, syn::Expr)> = Vec::new();
    for f in &fields.named {
        let name = f.ident.as_ref().expect("named field");
        if let Some(tag) = tag_value(f, tags) {
            set.push((name, tag));
        } else if let Some(start) = optional_start(f) {
            set.push((name, start));
        } else {
            required.push((name, &f.ty));
        }
    }
    required.sort_by_key(|(name, _)| unraw(name));
    let params = required.iter().map(|(n, t)| quote!(#n: #t));
    let inits = required.iter().map(|(n, _)| quote!(#n));
    let starts = set.iter().map(|(n, e)| quote!(#n: #e));
    let doc = if required.is_empty() {
        format!("A `{ident}` with every optional field `None` (it has no required fields).")
    } else {
        let names: Vec<String> = required
            .iter()
            .map(|(n, _)| format!("`{}`", unraw(n)))
            .collect();
        format!(
            "A `{ident}` from its required fields ({}, in alphabetical order of the field \
             names), with every optional field `None`.",
            names.join(", ")
        )
    };
    syn::parse_quote! {
        impl #ident {
            #[doc = #doc]
            ///
            /// Set optional fields with struct update syntax,
            /// `T { field: Some(x), ..T::new(..) }`: a property the API adds later is then
            /// one more `None` here and never breaks the caller.
            #[allow(clippy::too_many_arguments, clippy::new_without_default)]
            pub fn new(#(#params),*) -> Self {
                Self {
                    #(#inits,)*
                    #(#starts,)*
                }
            }
        }
    }
}

/// The only value of a `_t` field whose type has a single value.
fn tag_value(f: &syn::Field, tags: &BTreeMap<String, &syn::Ident>) -> Option<syn::Expr> {
    if serde_rename(&f.attrs).as_deref() != Some("_t") {
        return None;
    }
    let syn::Type::Path(p) = &f.ty else {
        return None;
    };
    let ty = p.path.get_ident()?;
    let value = tags.get(&ty.to_string())?;
    Some(syn::parse_quote!(#ty::#value))
}

/// The value an optional field starts at in [`constructor`], or `None` for a required
/// field: `Option`s start as `None`; fields serde defaults when absent (typify's optional
/// arrays and maps, and schema defaults) start at serde's default.
fn optional_start(f: &syn::Field) -> Option<syn::Expr> {
    if is_option(&f.ty) {
        return Some(syn::parse_quote!(::std::option::Option::None));
    }
    let mut start = None;
    for a in f.attrs.iter().filter(|a| a.path().is_ident("serde")) {
        let _ = a.parse_nested_meta(|m| {
            if m.path.is_ident("default") {
                start = Some(if m.input.peek(syn::Token![=]) {
                    let lit: syn::LitStr = m.value()?.parse()?;
                    let path: syn::Path = lit.parse()?;
                    syn::parse_quote!(#path())
                } else {
                    syn::parse_quote!(::std::default::Default::default())
                });
            } else if m.input.peek(syn::Token![=]) {
                let _: syn::Expr = m.value()?.parse()?;
            }
            Ok(())
        });
    }
    start
}

/// `impl From<Member> for Union` moving the member struct's fields into the variant, when
/// the struct has exactly the variant's fields plus its `_t` tag, with the same types or
/// with the variant boxing what the struct holds directly (typify boxes recursive members).
fn member_into_variant(
    union: &syn::ItemEnum,
    variant: &syn::Variant,
    fields: &syn::FieldsNamed,
    member: &str,
    member_fields: &syn::FieldsNamed,
) -> Option<syn::Item> {
    let theirs: BTreeMap<String, &syn::Type> = member_fields
        .named
        .iter()
        .filter(|f| serde_rename(&f.attrs).as_deref() != Some("_t"))
        .filter_map(|f| Some((f.ident.as_ref()?.to_string(), &f.ty)))
        .collect();
    if theirs.len() != fields.named.len() {
        return None;
    }
    let mut moves = Vec::new();
    for f in &fields.named {
        let name = f.ident.as_ref()?;
        let from = theirs.get(&name.to_string())?;
        let same = |a: &syn::Type, b: &syn::Type| quote!(#a).to_string() == quote!(#b).to_string();
        if same(&f.ty, from) {
            moves.push(quote!(#name: m.#name));
        } else if boxed(&f.ty).is_some_and(|inner| same(inner, from)) {
            moves.push(quote!(#name: ::std::boxed::Box::new(m.#name)));
        } else {
            return None;
        }
    }
    let (u, vi) = (&union.ident, &variant.ident);
    let m: syn::Ident = syn::parse_str(member).ok()?;
    let doc = format!("The `{vi}` variant from its member struct (the tag is implied).");
    let body = if matches!(variant.fields, syn::Fields::Unit) {
        quote!(#u::#vi)
    } else {
        quote!(#u::#vi { #(#moves,)* })
    };
    let arg = if moves.is_empty() {
        quote!(_)
    } else {
        quote!(m)
    };
    Some(syn::parse_quote! {
        impl ::std::convert::From<#m> for #u {
            #[doc = #doc]
            fn from(#arg: #m) -> Self {
                #body
            }
        }
    })
}

/// `impl From<Member> for Union` wrapping the member struct in its newtype variant (the
/// shape of [`crate::unions`]), when the variant holds exactly that struct.
fn member_into_newtype(
    union: &syn::ItemEnum,
    variant: &syn::Variant,
    fields: &syn::FieldsUnnamed,
    member: &str,
) -> Option<syn::Item> {
    let [only] = fields.unnamed.iter().collect::<Vec<_>>()[..] else {
        return None;
    };
    let syn::Type::Path(p) = &only.ty else {
        return None;
    };
    if !p.path.is_ident(member) {
        return None;
    }
    let (u, vi, m) = (&union.ident, &variant.ident, &p.path);
    let doc = format!("`{u}::{vi}`: the union value of this member (the union writes its tag).");
    Some(syn::parse_quote! {
        impl ::std::convert::From<#m> for #u {
            #[doc = #doc]
            fn from(m: #m) -> Self {
                #u::#vi(m)
            }
        }
    })
}

/// `T` of a `Box<T>` (spelled `Box` or `::std::boxed::Box`).
fn boxed(ty: &syn::Type) -> Option<&syn::Type> {
    let syn::Type::Path(p) = ty else {
        return None;
    };
    let last = p.path.segments.last()?;
    if last.ident != "Box" {
        return None;
    }
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    match args.args.first()? {
        syn::GenericArgument::Type(t) if args.args.len() == 1 => Some(t),
        _ => None,
    }
}

/// A field name without its raw-identifier prefix (`r#type` → `type`).
fn unraw(ident: &syn::Ident) -> String {
    let s = ident.to_string();
    s.strip_prefix("r#").map(str::to_owned).unwrap_or(s)
}
