//! Typed [httpmock](https://docs.rs/httpmock) helpers: for every operation, a method on
//! `httpmock::MockServer` (trait `MockServerExt`) whose `When` already matches the
//! operation's method and path and offers its path parameters, scalar query parameters and
//! JSON body as typed setters, and whose `Then` answers with the operation's own output
//! type.
//!
//! The emitted module refers to the models as `super::types`, to the runtime as the
//! generator's runtime path (for `encode_path_segment`), and to `::httpmock` and
//! `::serde_json`; it uses nothing of a model but its name, so any shape of the models
//! (structs, enums, unions) works.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::naming;
use crate::ops::{OutputKind, Param, Signature};

/// Setter names the wrappers define themselves; a parameter of that name gets no setter
/// (it stays reachable through `into_inner`).
const RESERVED: [&str; 4] = ["body", "into_inner", "and", "new"];

/// Emits the mock module for the operations described by `sigs`.
pub fn generate(sigs: &[Signature], runtime: &TokenStream) -> TokenStream {
    let mut items = Vec::new();
    let mut trait_fns = Vec::new();
    let mut impl_fns = Vec::new();
    for sig in sigs {
        let (item, decl, body) = operation(sig);
        items.push(item);
        trait_fns.push(decl);
        impl_fns.push(body);
    }
    quote! {
        use #runtime as __rt;

        /// One method per operation on `httpmock::MockServer`: bring it into scope with
        /// `use …::MockServerExt;`. Each method is `MockServer::mock` with the
        /// operation's method and path already matched.
        pub trait MockServerExt {
            #(#trait_fns)*
        }

        impl MockServerExt for ::httpmock::MockServer {
            #(#impl_fns)*
        }

        /// The regular expression of a path template: literal parts escaped, each
        /// parameter one segment, except `fixed` (name, value), which must equal `value`
        /// percent-encoded as the client encodes it.
        fn __path_regex(template: &str, fixed: Option<(&str, &str)>) -> String {
            let mut re = String::from("^");
            let mut rest = template;
            while let Some(start) = rest.find('{') {
                __escape_into(&mut re, &rest[..start]);
                let end = start + rest[start..].find('}').unwrap_or(rest.len() - start);
                let name = &rest[(start + 1).min(end)..end];
                match fixed {
                    Some((n, v)) if n == name => {
                        __escape_into(&mut re, &__rt::encode_path_segment(v))
                    }
                    _ => re.push_str("[^/]+"),
                }
                rest = rest.get(end + 1..).unwrap_or("");
            }
            __escape_into(&mut re, rest);
            re.push('$');
            re
        }

        /// Appends `literal` with every character that means something in a regular
        /// expression escaped. Written out (a dozen lines) so that the generated code
        /// needs no `regex` dependency of its own besides httpmock.
        fn __escape_into(re: &mut String, literal: &str) {
            for c in literal.chars() {
                if "\\.+*?()|[]{}^$#&-~".contains(c) {
                    re.push('\\');
                }
                re.push(c);
            }
        }

        #(#items)*
    }
}

/// The `When`/`Then` wrappers of one operation, its trait method's declaration and its
/// implementation.
fn operation(sig: &Signature) -> (TokenStream, TokenStream, TokenStream) {
    let when = format_ident!("{}When", sig.name);
    let then = format_ident!("{}Then", sig.name);
    let method_name = format_ident!("{}", naming::snake(&sig.name));
    let template = &sig.path;
    let http_method = match sig.method.as_str() {
        "get" => quote!(GET),
        "post" => quote!(POST),
        "put" => quote!(PUT),
        "patch" => quote!(PATCH),
        "head" => quote!(HEAD),
        "options" => quote!(OPTIONS),
        _ => quote!(DELETE),
    };
    let upper = sig.method.to_ascii_uppercase();
    let op_doc = format!(
        "Mocks `{upper} {template}` (operation `{}`, request type `{}`).",
        sig.id, sig.name
    );
    let path_match = if sig.path_params.is_empty() {
        quote!(.path(#template))
    } else {
        quote!(.path_matches(__path_regex(#template, None).as_str()))
    };

    let setters = sig
        .path_params
        .iter()
        .filter(|p| !RESERVED.contains(&p.ident.to_string().as_str()))
        .map(|p| path_setter(p, template))
        .chain(
            sig.query_params
                .iter()
                .filter(|p| !RESERVED.contains(&p.ident.to_string().as_str()))
                .map(query_setter),
        );
    let body_setter = sig.body.as_ref().map(|ty| {
        quote! {
            /// Matches a JSON body equal to `value` serialized (absent optional fields
            /// must be absent in the request too).
            pub fn body(self, value: &#ty) -> Self {
                Self(self.0.json_body_obj(value))
            }

            /// Matches a JSON body equal to `value`, for a test that pins the exact wire
            /// form (an explicit `null`, a union's `_t` tag) rather than the model.
            pub fn json_value(self, value: ::serde_json::Value) -> Self {
                Self(self.0.json_body(value))
            }
        }
    });

    let status = sig.success;
    let output = &sig.output;
    let ok = match sig.output_kind {
        OutputKind::Json => {
            let doc = format!("Answers `{status}` with `value` as the JSON body.");
            quote! {
                #[doc = #doc]
                pub fn ok(self, value: &#output) -> Self {
                    Self(
                        self.0
                            .status(#status)
                            .header("content-type", "application/json")
                            .json_body_obj(value),
                    )
                }
            }
        }
        OutputKind::Bytes => {
            let media = &sig.accept;
            let doc = format!("Answers `{status}` with `bytes` as a `{media}` body.");
            quote! {
                #[doc = #doc]
                pub fn ok(self, bytes: impl AsRef<[u8]>) -> Self {
                    Self(self.0.status(#status).header("content-type", #media).body(bytes))
                }
            }
        }
        OutputKind::Empty => {
            let doc = format!("Answers `{status}` without a body.");
            quote! {
                #[doc = #doc]
                pub fn ok(self) -> Self {
                    Self(self.0.status(#status))
                }
            }
        }
    };
    let when_doc = format!("What a request to `{upper} {template}` must look like; method and path are already matched.");
    let then_doc = format!("The answer to `{upper} {template}`.");

    let item = quote! {
        #[doc = #when_doc]
        pub struct #when(::httpmock::When);

        impl #when {
            /// The plain `httpmock::When`, for matchers without a typed setter.
            pub fn into_inner(self) -> ::httpmock::When {
                self.0
            }

            /// Applies further plain `httpmock` matchers.
            pub fn and(self, f: impl FnOnce(::httpmock::When) -> ::httpmock::When) -> Self {
                Self(f(self.0))
            }

            #(#setters)*
            #body_setter
        }

        #[doc = #then_doc]
        pub struct #then(::httpmock::Then);

        impl #then {
            /// The plain `httpmock::Then`, for answers without a typed setter.
            pub fn into_inner(self) -> ::httpmock::Then {
                self.0
            }

            #ok

            /// Answers with status `code` (a body can be added with
            /// [`json_value`](Self::json_value)).
            pub fn status(self, code: u16) -> Self {
                Self(self.0.status(code))
            }

            /// Answers with any JSON, for answers the output type cannot express (an
            /// error body, or a deliberately malformed one); the status stays as set
            /// (httpmock's default is 200).
            pub fn json_value(self, value: ::serde_json::Value) -> Self {
                Self(self.0.header("content-type", "application/json").json_body(value))
            }

            /// Adds a response header.
            pub fn header(self, name: &str, value: &str) -> Self {
                Self(self.0.header(name, value))
            }
        }
    };
    let decl = quote! {
        #[doc = #op_doc]
        fn #method_name(&self, f: impl FnOnce(#when, #then)) -> ::httpmock::Mock<'_>;
    };
    let body = quote! {
        fn #method_name(&self, f: impl FnOnce(#when, #then)) -> ::httpmock::Mock<'_> {
            self.mock(|when, then| {
                let when = when.method(::httpmock::Method::#http_method)#path_match;
                f(#when(when), #then(then))
            })
        }
    };
    (item, decl, body)
}

/// `fn audience_id(self, value)`: the path segment must equal `value`.
fn path_setter(p: &Param, template: &str) -> TokenStream {
    let wire = &p.wire;
    setter(
        p,
        "path",
        quote! {
            let re = __path_regex(#template, Some((#wire, &value.to_string())));
            Self(self.0.path_matches(re.as_str()))
        },
    )
}

/// `fn page(self, value)`: the query parameter must equal `value`.
fn query_setter(p: &Param) -> TokenStream {
    let wire = &p.wire;
    setter(
        p,
        "query",
        quote!(Self(self.0.query_param(#wire, value.to_string()))),
    )
}

/// A setter named after parameter `p` whose `value` (of the parameter's type) `matcher`
/// turns into an httpmock matcher.
fn setter(p: &Param, place: &str, matcher: TokenStream) -> TokenStream {
    let ident = &p.ident;
    let ty = &p.ty;
    let doc = format!("Matches {place} parameter `{}` equal to `value`.", p.wire);
    quote! {
        #[doc = #doc]
        pub fn #ident(self, value: impl Into<#ty>) -> Self {
            let value: #ty = value.into();
            #matcher
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::{Builder, Document};
    use serde_json::json;

    fn mocks(paths: serde_json::Value) -> String {
        let doc = Document {
            file: "t.openapi.json".into(),
            value: json!({"openapi": "3.0.4", "paths": paths, "components": {"schemas": {
                "Thing": {"type": "object", "properties": {"id": {"type": "string"}}}
            }}}),
        };
        crate::generate::generate_requiring(vec![doc], crate::DEFAULT_RUNTIME, &[], true)
            .unwrap()
            .mocks
            .expect("asked for")
    }

    fn assert_has(out: &str, needles: &[&str]) {
        for n in needles {
            assert!(out.contains(n), "no `{n}` in:\n{out}");
        }
    }

    #[test]
    fn each_operation_gets_a_method_and_typed_wrappers() {
        let out = mocks(json!({"/thing/{thingId}": {"post": {
            "parameters": [
                {"name": "thingId", "in": "path", "required": true, "schema": {"type": "string"}},
                {"name": "page", "in": "query", "schema": {"type": "integer"}}
            ],
            "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}},
            "responses": {"201": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}}}
        }}}));
        assert_has(
            &out,
            &[
                "pub trait MockServerExt",
                "fn post_thing_by_thing_id(",
                "pub fn thing_id(self, value: impl Into<String>)",
                "pub fn page(self, value: impl Into<i64>)",
                "pub fn body(self, value: &super::types::Thing)",
                "pub fn ok(self, value: &super::types::Thing)",
                ".status(201u16)",
                "use ::rapidata::request as __rt;",
            ],
        );
    }

    #[test]
    fn empty_and_binary_answers_have_their_own_ok() {
        let out = mocks(json!({
            "/a": {"delete": {"responses": {"204": {"description": "gone"}}}},
            "/b": {"get": {"responses": {"200": {"description": "ok",
                "content": {"text/csv": {"schema": {"type": "string"}}}}}}}
        }));
        assert_has(
            &out,
            &[
                "pub fn ok(self) -> Self",
                "pub fn ok(self, bytes: impl AsRef<[u8]>)",
                "\"text/csv\"",
                ".path(\"/a\")",
            ],
        );
    }

    #[test]
    fn the_builder_emits_mocks_only_when_asked_and_one_file_holds_them() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../examples/own-bindings/openapi");
        let plain = Builder::new().input(&dir).generate().unwrap();
        assert!(plain.mocks.is_none());
        let with = Builder::new().input(&dir).mocks(true).generate().unwrap();
        let text = with.mocks.expect("asked for");
        assert!(text.contains("impl MockServerExt for ::httpmock::MockServer"));
    }
}
