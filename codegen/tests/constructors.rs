//! Every generated object struct gets `new(required fields)`, the required fields in
//! alphabetical order of their Rust names and every optional field `None` (or empty, for
//! the optional arrays typify makes plain `Vec`s).

use rapidata_codegen::{generate_documents, Document};
use serde_json::json;

fn generated_types() -> syn::File {
    let doc = Document {
        file: "widgets.openapi.json".into(),
        value: json!({
            "openapi": "3.0.1",
            "paths": {},
            "components": {"schemas": {
                "Widget": {
                    "type": "object",
                    "required": ["zeta", "alphaCount", "type"],
                    "properties": {
                        "zeta": {"type": "string"},
                        "alphaCount": {"type": "integer", "format": "int32"},
                        "type": {"type": "boolean"},
                        "beta": {"type": "string", "nullable": true},
                        "gamma": {"type": "array", "items": {"type": "string"}}
                    }
                },
                "AllOptional": {
                    "type": "object",
                    "properties": {"note": {"type": "string"}}
                }
            }}
        }),
    };
    let out = generate_documents(vec![doc]).expect("generates");
    syn::parse_file(&out.types).expect("generated types parse")
}

/// The `new` function of the inherent impl of `ty`.
fn constructor<'a>(file: &'a syn::File, ty: &str) -> &'a syn::ImplItemFn {
    file.items
        .iter()
        .filter_map(|i| match i {
            syn::Item::Impl(imp) if imp.trait_.is_none() => Some(imp),
            _ => None,
        })
        .filter(|imp| matches!(&*imp.self_ty, syn::Type::Path(p) if p.path.is_ident(ty)))
        .flat_map(|imp| &imp.items)
        .find_map(|it| match it {
            syn::ImplItem::Fn(f) if f.sig.ident == "new" => Some(f),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no inherent `{ty}::new`"))
}

fn params(f: &syn::ImplItemFn) -> Vec<String> {
    f.sig
        .inputs
        .iter()
        .map(|a| match a {
            syn::FnArg::Typed(t) => quote::quote!(#t).to_string().replace(' ', ""),
            syn::FnArg::Receiver(_) => panic!("a constructor takes no self"),
        })
        .collect()
}

/// `field: value` pairs of the `Self { .. }` the constructor returns.
fn initialized(f: &syn::ImplItemFn) -> Vec<(String, String)> {
    let Some(syn::Stmt::Expr(syn::Expr::Struct(s), None)) = f.block.stmts.last() else {
        panic!("the constructor does not end in a struct expression");
    };
    assert!(s.rest.is_none(), "the constructor spells every field");
    s.fields
        .iter()
        .map(|fv| {
            let m = &fv.member;
            let e = &fv.expr;
            (
                quote::quote!(#m).to_string(),
                quote::quote!(#e).to_string().replace(' ', ""),
            )
        })
        .collect()
}

#[test]
fn required_fields_are_parameters_in_alphabetical_order() {
    let file = generated_types();
    let new = constructor(&file, "Widget");
    assert_eq!(
        params(new),
        [
            "alpha_count:i32",
            "type_:bool",
            "zeta:::std::string::String"
        ]
    );
    assert!(matches!(new.vis, syn::Visibility::Public(_)));
    let doc: String = new
        .attrs
        .iter()
        .filter(|a| a.path().is_ident("doc"))
        .map(|a| quote::quote!(#a).to_string())
        .collect();
    assert!(
        doc.contains("alphabetical"),
        "rustdoc explains the order: {doc}"
    );
}

#[test]
fn optional_fields_start_as_none_and_required_ones_take_the_arguments() {
    let file = generated_types();
    let fields = initialized(constructor(&file, "Widget"));
    let none = "::std::option::Option::None".to_owned();
    for (field, value) in [
        ("alpha_count", "alpha_count".to_owned()),
        ("type_", "type_".to_owned()),
        ("zeta", "zeta".to_owned()),
        ("beta", none),
        // typify makes an optional array a plain `Vec` (absent = empty).
        ("gamma", "::std::default::Default::default()".to_owned()),
    ] {
        assert!(
            fields.contains(&(field.to_owned(), value.clone())),
            "{field}: {value} missing in {fields:?}"
        );
    }
    assert_eq!(fields.len(), 5, "{fields:?}");
}

#[test]
fn a_struct_without_required_fields_gets_an_argumentless_constructor() {
    let file = generated_types();
    let new = constructor(&file, "AllOptional");
    assert!(params(new).is_empty());
    assert_eq!(
        initialized(new),
        [("note".to_owned(), "::std::option::Option::None".to_owned())]
    );
}

fn is_tagged_union(e: &syn::ItemEnum) -> bool {
    e.attrs
        .iter()
        .any(|a| a.path().is_ident("serde") && quote::quote!(#a).to_string().contains("\"_t\""))
}

/// On the crate's own documents: every member of every `_t` union is a newtype variant over
/// its member struct, which has no `_t` field and converts into the union with `From`;
/// no one-value tag enum is left; every struct has a constructor.
#[test]
fn every_union_member_of_the_spec_is_a_newtype_over_its_struct() {
    let spec = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec");
    let out = rapidata_codegen::generate_dir(&spec).expect("spec/ generates");
    let file = syn::parse_file(&out.types).expect("parses");
    let mut froms: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    let mut structs: std::collections::BTreeMap<String, &syn::ItemStruct> = Default::default();
    for item in &file.items {
        match item {
            syn::Item::Impl(imp) => {
                let from = imp.trait_.as_ref().and_then(|(_, p, _)| {
                    let last = p.segments.last()?;
                    let syn::PathArguments::AngleBracketed(a) = &last.arguments else {
                        return None;
                    };
                    (last.ident == "From").then(|| quote::quote!(#a).to_string())
                });
                if let (Some(from), syn::Type::Path(p)) = (from, &*imp.self_ty) {
                    froms
                        .entry(quote::quote!(#p).to_string())
                        .or_default()
                        .push(from.trim_matches(['<', '>', ' ']).to_owned());
                }
            }
            syn::Item::Struct(s) => {
                structs.insert(s.ident.to_string(), s);
            }
            // A one-value unit enum is the type of a `_t` tag field: none is left.
            syn::Item::Enum(e) => assert!(
                !(e.variants.len() == 1 && matches!(e.variants[0].fields, syn::Fields::Unit)),
                "tag enum {} is still generated",
                e.ident
            ),
            _ => {}
        }
    }
    let mut unions = 0;
    let mut members = 0;
    for item in &file.items {
        match item {
            syn::Item::Enum(e) if is_tagged_union(e) => {
                unions += 1;
                let union = e.ident.to_string();
                let untagged = |v: &syn::Variant| {
                    v.attrs
                        .iter()
                        .any(|a| quote::quote!(#a).to_string().contains("untagged"))
                };
                let (fallback, tagged): (Vec<_>, Vec<_>) =
                    e.variants.iter().partition(|v| untagged(v));
                assert_eq!(fallback.len(), 1, "{union} keeps one catch-all");
                assert!(!tagged.is_empty(), "{union} has no members");
                for v in tagged {
                    members += 1;
                    let syn::Fields::Unnamed(f) = &v.fields else {
                        panic!("{union}::{} is not a newtype variant", v.ident);
                    };
                    let ty = &f.unnamed[0].ty;
                    let member = quote::quote!(#ty).to_string();
                    let s = structs.get(&member).unwrap_or_else(|| {
                        panic!("{union}::{} holds {member}, not a struct", v.ident)
                    });
                    assert!(
                        s.fields
                            .iter()
                            .all(|f| f.ident.as_ref().is_some_and(|i| i != "t")),
                        "{member} has no `_t` field"
                    );
                    assert!(
                        froms.get(&union).is_some_and(|f| f.contains(&member)),
                        "{union}: From<{member}>"
                    );
                    constructor(&file, &member);
                }
            }
            syn::Item::Struct(s) if matches!(s.fields, syn::Fields::Named(_)) => {
                constructor(&file, &s.ident.to_string());
            }
            _ => {}
        }
    }
    assert!(unions >= 10, "spec/ has its unions: {unions}");
    assert!(members >= 50, "spec/ has its union members: {members}");
    // A member struct's constructor takes the member's fields only.
    let new = constructor(&file, "IAudienceFilterCountryAudienceFilter");
    assert_eq!(
        params(new),
        ["countries:::std::vec::Vec<::std::string::String>"]
    );
}
