//! Reading what typify wrote: serde attributes and field types of generated items, shared
//! by the passes that rework its output (`types`, `construct`, `unions`).

use quote::quote;

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
