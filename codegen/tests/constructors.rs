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

/// On the crate's own documents: every member of every `_t` union can be built from its
/// member struct (whose constructor sets the tag), and every struct has a constructor.
#[test]
fn every_union_member_of_the_spec_converts_from_its_struct() {
    let spec = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec");
    let out = rapidata_codegen::generate_dir(&spec).expect("spec/ generates");
    let file = syn::parse_file(&out.types).expect("parses");
    let mut froms: std::collections::BTreeMap<String, usize> = Default::default();
    for item in &file.items {
        if let syn::Item::Impl(imp) = item {
            let is_from = imp
                .trait_
                .as_ref()
                .is_some_and(|(_, p, _)| p.segments.last().is_some_and(|s| s.ident == "From"));
            if let (true, syn::Type::Path(p)) = (is_from, &*imp.self_ty) {
                *froms.entry(quote::quote!(#p).to_string()).or_default() += 1;
            }
        }
    }
    let mut unions = 0;
    for item in &file.items {
        match item {
            syn::Item::Enum(e) if is_tagged_union(e) => {
                unions += 1;
                // Every member but the catch-all `Unknown(Value)`.
                let members = e
                    .variants
                    .iter()
                    .filter(|v| !matches!(v.fields, syn::Fields::Unnamed(_)))
                    .count();
                assert!(members > 0, "{} has no members", e.ident);
                assert_eq!(
                    froms.get(&e.ident.to_string()).copied().unwrap_or(0),
                    members,
                    "every member of {} converts from its struct",
                    e.ident
                );
            }
            syn::Item::Struct(s) if matches!(s.fields, syn::Fields::Named(_)) => {
                constructor(&file, &s.ident.to_string());
            }
            _ => {}
        }
    }
    assert!(unions >= 10, "spec/ has its unions: {unions}");
    // A member struct's constructor does not take the `_t` tag.
    let new = constructor(&file, "IAudienceFilterCountryAudienceFilter");
    assert_eq!(
        params(new),
        ["countries:::std::vec::Vec<::std::string::String>"]
    );
}
