//! Shapes progenitor's output into the call surface users touch, generically for every
//! operation and type of every spec (nothing here names an operation):
//!
//! - every operation builder's `send` returns `crate::Result<ResponseValue<T>>`, so `?` carries
//!   [`rocket_apis::Error`] into `anyhow` or `Box<dyn Error>`; progenitor's own `send` stays as a
//!   private `send_unmapped`;
//! - a missing or invalid parameter or body field fails before anything is sent, with a message
//!   naming the operation and the spec's name of what is missing;
//! - each operation's rustdoc shows the method and path, the spec's summary and description,
//!   the parameters by their spec names, the body and success types as links, the error type
//!   and, for lists, `.stream()`; a compile-time check proves those lists implement `Paginate`;
//! - struct fields document their wire names; type builders start catch-all maps empty, text
//!   setters take `&str` (and lists of `&str`), missing required fields name the wire field;
//! - the vendor-documented open bodies get a named map instead of `extra`;
//! - requests carry no undocumented `api-version` header, and unset optional query parameters
//!   cost nothing.

use std::collections::BTreeMap;

use quote::{format_ident, quote};
use syn::visit_mut::VisitMut;

use crate::spec_model::Operation;

/// What one struct of `types` looks like: its fields' wire names and its flattened map.
#[derive(Default)]
struct Shape {
    wire: BTreeMap<String, String>,
    flatten: Option<String>,
}

pub fn reshape(file: &mut syn::File, ops: &[Operation], api_name: &str, open: &[(&str, &str)]) -> Result<(), String> {
    let by_snake: BTreeMap<&str, &Operation> = ops.iter().map(|op| (op.snake.as_str(), op)).collect();
    let mut builders: BTreeMap<String, &Operation> = BTreeMap::new();
    let mut shapes = BTreeMap::new();
    for item in &mut file.items {
        match item {
            syn::Item::Mod(m) if m.ident == "types" => {
                if let Some((_, items)) = &mut m.content {
                    rename_open_maps(items, open);
                    shapes = document_types(items, open);
                }
            }
            syn::Item::Struct(s) if s.ident == "Client" => {
                let doc = format!(
                    "The generated {api_name} client: every operation of the spec is a method here.\n\n\
                     Build the API module's `Client` (`rocket_apis::<api>::Client`) instead: it carries the \
                     credentials, base URL rules, retries and hooks, and dereferences to this one. Not to be \
                     confused with a `types::Client`, which is a resource of the API.\n\n{}",
                    doc_text(&s.attrs).trim()
                );
                set_doc(&mut s.attrs, &doc);
            }
            syn::Item::Impl(imp) if is_self_ty(imp, "Client") && imp.trait_.is_none() => {
                for it in &mut imp.items {
                    let syn::ImplItem::Fn(f) = it else { continue };
                    let name = f.sig.ident.to_string();
                    let Some(op) = by_snake.get(name.as_str()) else {
                        continue;
                    };
                    let Some(builder) = returned_builder(&f.sig) else {
                        continue;
                    };
                    set_doc(&mut f.attrs, &operation_doc(op, api_name));
                    builders.insert(builder, op);
                }
            }
            _ => {}
        }
    }
    if builders.len() != ops.len() {
        let missing: Vec<&str> = ops
            .iter()
            .filter(|op| !builders.values().any(|b| b.id == op.id))
            .map(|op| op.id.as_str())
            .collect();
        return Err(format!(
            "build/surface.rs: no generated client method found for {missing:?}; progenitor's naming changed?"
        ));
    }
    // Type builders live in `types::builder`; a type whose builder starts complete (every
    // field optional, a list or a map) gets `Default`.
    if let Some(types) = module(&mut file.items, "types") {
        let complete = module(types, "builder")
            .map(|b| reshape_type_builders(b, &shapes))
            .unwrap_or_default();
        derive_default(types, &complete);
    }
    if let Some(items) = module(&mut file.items, "builder") {
        reshape_operation_builders(items, &builders, api_name)?;
    }
    hide_progenitor_error(file);
    // Lists promise `.stream()` in their docs; this makes the promise a compile-time fact.
    let lists: Vec<syn::Ident> = builders
        .iter()
        .filter(|(_, op)| op.is_list())
        .map(|(b, _)| format_ident!("{}", b))
        .collect();
    file.items.push(syn::parse_quote! {
        /// Every operation whose docs offer `.stream()` implements [`crate::Paginate`].
        const _: () = {
            fn is_list<'a, T: crate::Paginate<'a>>() {}
            #[allow(dead_code)]
            fn lists_stream() {
                #(is_list::<builder::#lists<'static>>();)*
            }
        };
    });
    Ok(())
}

/// progenitor re-exports its `Error` next to the generated client; no call returns it any more,
/// so it stays a private import and users meet only [`crate::Error`].
fn hide_progenitor_error(file: &mut syn::File) {
    for item in &mut file.items {
        let syn::Item::Use(u) = item else { continue };
        if !matches!(u.vis, syn::Visibility::Public(_)) {
            continue;
        }
        let syn::UseTree::Path(p) = &mut u.tree else { continue };
        if p.ident != "progenitor_client" {
            continue;
        }
        let syn::UseTree::Group(g) = &mut *p.tree else { continue };
        let before = g.items.len();
        g.items = std::mem::take(&mut g.items)
            .into_iter()
            .filter(|t| !matches!(t, syn::UseTree::Name(n) if n.ident == "Error"))
            .collect();
        if g.items.len() == before {
            continue;
        }
        file.items.insert(
            0,
            syn::parse_quote! {
                #[allow(unused_imports)]
                use progenitor_client::Error;
            },
        );
        return;
    }
}

/// The items of the inline module `name` among `items`.
fn module<'a>(items: &'a mut [syn::Item], name: &str) -> Option<&'a mut Vec<syn::Item>> {
    items.iter_mut().find_map(|item| match item {
        syn::Item::Mod(m) if m.ident == name => m.content.as_mut().map(|(_, items)| items),
        _ => None,
    })
}

fn is_self_ty(imp: &syn::ItemImpl, name: &str) -> bool {
    matches!(&*imp.self_ty, syn::Type::Path(p) if p.path.is_ident(name))
}

/// `builder::CreateTarget<'_>` → `CreateTarget`.
fn returned_builder(sig: &syn::Signature) -> Option<String> {
    let syn::ReturnType::Type(_, ty) = &sig.output else {
        return None;
    };
    let syn::Type::Path(p) = &**ty else { return None };
    let first = p.path.segments.first()?;
    (first.ident == "builder").then(|| p.path.segments.last().map(|s| s.ident.to_string()))?
}

fn set_doc(attrs: &mut Vec<syn::Attribute>, doc: &str) {
    attrs.retain(|a| !a.path().is_ident("doc"));
    push_doc(attrs, doc);
}

/// Adds doc lines after any docs already there, before every other attribute.
fn push_doc(attrs: &mut Vec<syn::Attribute>, doc: &str) {
    let at = attrs
        .iter()
        .rposition(|a| a.path().is_ident("doc"))
        .map_or(0, |i| i + 1);
    let lines = doc.lines().map(|line| {
        let line = format!(" {line}");
        syn::parse_quote!(#[doc = #line])
    });
    attrs.splice(at..at, lines.collect::<Vec<syn::Attribute>>());
}

fn doc_text(attrs: &[syn::Attribute]) -> String {
    attrs
        .iter()
        .filter(|a| a.path().is_ident("doc"))
        .filter_map(|a| match &a.meta {
            syn::Meta::NameValue(nv) => match &nv.value {
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(s), ..
                }) => Some(s.value()),
                _ => None,
            },
            _ => None,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Markdown-safe single line of a spec text.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn type_link(schema: &Option<String>) -> String {
    match schema {
        Some(name) if !name.is_empty() => format!("[`types::{name}`]"),
        Some(_) => "JSON ([`serde_json::Value`])".into(),
        None => "no body (`()`)".into(),
    }
}

/// The rustdoc of a client method: what the call does, how it is sent, what it takes and
/// returns, and the call itself.
fn operation_doc(op: &Operation, api_name: &str) -> String {
    let mut d = String::new();
    match &op.summary {
        Some(s) => d.push_str(&format!("{}\n\n", one_line(s))),
        None => d.push_str(&format!("`{}`\n\n", op.id)),
    }
    if let Some(desc) = &op.description {
        d.push_str(desc.trim());
        d.push_str("\n\n");
    }
    if op.deprecated {
        d.push_str("**Deprecated** in the spec.\n\n");
    }
    d.push_str(&format!("`{} {}` (operation `{}`)\n\n", op.method, op.path, op.id));
    let params: Vec<_> = op.params.iter().filter(|p| p.location != "cookie").collect();
    if !params.is_empty() || op.body.is_some() {
        d.push_str("| Setter | Spec name | In | Required | Description |\n|---|---|---|---|---|\n");
        for p in &params {
            d.push_str(&format!(
                "| `.{}(..)` | `{}` | {} | {} | {} |\n",
                p.rust,
                p.name,
                p.location,
                if p.required { "yes" } else { "no" },
                p.description
                    .as_deref()
                    .map(one_line)
                    .unwrap_or_default()
                    .replace('|', "\\|")
            ));
        }
        if let Some(body) = &op.body {
            d.push_str(&format!(
                "| `.body(..)` or `.body_map(\\|b\\| ..)` | request body | body | {} | [`types::{body}`], built with [`types::{body}::builder`] |\n",
                if op.body_required { "yes" } else { "no" },
            ));
        }
        d.push('\n');
    }
    match &op.success {
        Some((status, schema)) => d.push_str(&format!(
            "**Returns** [`crate::Result`]`<`[`ResponseValue`]`<_>>` with {} on {status} (`Deref` to the body; `status()`, `headers()`, `into_inner()`, [`crate::ResponseExt::request_id`]).\n\n",
            type_link(schema)
        )),
        None => d.push_str("**Returns** [`crate::Result`]`<`[`ResponseValue`]`<_>>`.\n\n"),
    }
    d.push_str(&format!(
        "**Errors**: [`crate::Error`]; an error status is [`crate::Error::Api`] with {api_name}'s message and request id (the body decodes as [`types::ErrorBody`] via [`crate::ApiError::decode`]). A missing required parameter fails before anything is sent ([`crate::Error::InvalidRequest`]).\n\n"
    ));
    if op.is_list() {
        d.push_str(
            "**List**: `.stream()` instead of `.send()` reads every item of every page as one stream ([`crate::Paginate`]).\n\n",
        );
    }
    d.push_str("```ignore\n");
    d.push_str(&format!("let response = client.{}()\n", op.snake));
    for p in params.iter().filter(|p| p.required) {
        d.push_str(&format!("    .{}({})\n", p.rust, p.rust));
    }
    if let Some(body) = &op.body {
        d.push_str(&format!("    .body_map(|b| b /* .field(value)… */) // types::{body}\n"));
    }
    d.push_str("    .send()\n    .await?;\n```");
    d
}

/// Each operation builder: progenitor's `send` becomes the private `send_unmapped`, and a
/// `send` returning `crate::Result` calls it; the messages of missing or unconvertible
/// parameters name the operation (added by `send`) and the spec's parameter names.
fn reshape_operation_builders(
    items: &mut [syn::Item],
    builders: &BTreeMap<String, &Operation>,
    api_name: &str,
) -> Result<(), String> {
    let mut done = 0;
    for item in items.iter_mut() {
        match item {
            syn::Item::Struct(s) => {
                if let Some(op) = builders.get(&s.ident.to_string()) {
                    push_doc(
                        &mut s.attrs,
                        &format!(
                            "\n`{} {}`: set the parameters, then `.send().await`{}.",
                            op.method,
                            op.path,
                            if op.is_list() { " (or `.stream()`)" } else { "" }
                        ),
                    );
                }
            }
            syn::Item::Impl(imp) if imp.trait_.is_none() => {
                let syn::Type::Path(p) = &*imp.self_ty else { continue };
                let Some(last) = p.path.segments.last() else { continue };
                let Some(op) = builders.get(&last.ident.to_string()) else {
                    continue;
                };
                MessageRewrite { op }.visit_item_impl_mut(imp);
                RequestRewrite::new(op).visit_item_impl_mut(imp);
                let Some(pos) = imp
                    .items
                    .iter()
                    .position(|it| matches!(it, syn::ImplItem::Fn(f) if f.sig.ident == "send"))
                else {
                    continue;
                };
                let syn::ImplItem::Fn(original) = &mut imp.items[pos] else {
                    unreachable!()
                };
                let ok = success_type(&original.sig)
                    .ok_or_else(|| format!("build/surface.rs: `{}`: unexpected `send` signature", op.id))?;
                original.sig.ident = format_ident!("send_unmapped");
                original.vis = syn::Visibility::Inherited;
                original.attrs.retain(|a| !a.path().is_ident("doc"));
                let id = &op.id;
                let doc = format!(
                    " Sends `{} {}` and returns the response, or the crate's [`Error`](crate::Error) ({api_name}'s message, status and request id for an error status).",
                    op.method, op.path
                );
                imp.items.insert(
                    pos,
                    syn::parse_quote! {
                        #[doc = #doc]
                        pub async fn send(self) -> crate::Result<#ok> {
                            crate::error::from_generated(self.send_unmapped().await, #id)
                        }
                    },
                );
                done += 1;
            }
            _ => {}
        }
    }
    if done != builders.len() {
        return Err(format!(
            "build/surface.rs: rewrote `send` on {done} of {} operation builders",
            builders.len()
        ));
    }
    Ok(())
}

/// `Result<ResponseValue<T>, Error<E>>` → `ResponseValue<T>`.
fn success_type(sig: &syn::Signature) -> Option<syn::Type> {
    let syn::ReturnType::Type(_, ty) = &sig.output else {
        return None;
    };
    let syn::Type::Path(p) = &**ty else { return None };
    let last = p.path.segments.last()?;
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    match args.args.first()? {
        syn::GenericArgument::Type(t) => Some(t.clone()),
        _ => None,
    }
}

/// Takes out of the request building what costs on every call for nothing: the undocumented
/// `api-version` header progenitor adds to every request (the vendors do not know it), and the
/// URL rewrite `.query(..)` does for an optional query parameter that is not set
/// (`crate::transport::query_some` adds it only when set).
struct RequestRewrite<'a> {
    op: &'a Operation,
    /// The header map was left empty and taken out: drop `.headers(header_map)` too.
    no_header_map: bool,
}

impl<'a> RequestRewrite<'a> {
    fn new(op: &'a Operation) -> Self {
        RequestRewrite {
            op,
            no_header_map: false,
        }
    }
}

impl VisitMut for RequestRewrite<'_> {
    /// `let url = format!("{}/clients/{}", client.baseurl, encode_path(..))` becomes one
    /// `concat` of the pieces: a single allocation of the right size, no formatting machinery.
    fn visit_local_mut(&mut self, local: &mut syn::Local) {
        syn::visit_mut::visit_local_mut(self, local);
        let syn::Pat::Ident(pat) = &local.pat else { return };
        if pat.ident != "url" {
            return;
        }
        let Some(init) = &mut local.init else { return };
        let syn::Expr::Macro(m) = &*init.expr else { return };
        if !m.mac.path.is_ident("format") {
            return;
        }
        let parser = syn::punctuated::Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated;
        let Ok(args) = syn::parse::Parser::parse2(parser, m.mac.tokens.clone()) else {
            return;
        };
        let mut args = args.into_iter();
        let Some(syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(template),
            ..
        })) = args.next()
        else {
            return;
        };
        let template = template.value();
        let pieces: Vec<&str> = template.split("{}").collect();
        let values: Vec<syn::Expr> = args.collect();
        if pieces.iter().any(|p| p.contains(['{', '}'])) || pieces.len() != values.len() + 1 {
            return;
        }
        let mut parts: Vec<syn::Expr> = Vec::new();
        for (i, piece) in pieces.iter().enumerate() {
            if i > 0 {
                let value = &values[i - 1];
                // progenitor passes `client.baseurl` and `encode_path(..)`: both `String`s.
                parts.push(syn::parse_quote!(#value.as_str()));
            }
            if !piece.is_empty() {
                parts.push(syn::parse_quote!(#piece));
            }
        }
        *init.expr = syn::parse_quote!([#(#parts),*].concat());
    }

    fn visit_block_mut(&mut self, block: &mut syn::Block) {
        let text = |stmt: &syn::Stmt| quote!(#stmt).to_string();
        block.stmts.retain(|stmt| !text(stmt).contains("\"api-version\""));
        let declares = |stmt: &syn::Stmt| text(stmt).starts_with("let mut header_map =");
        if block.stmts.iter().any(declares) && !block.stmts.iter().any(|s| text(s).contains("header_map . append")) {
            block.stmts.retain(|stmt| !declares(stmt));
            self.no_header_map = true;
        }
        syn::visit_mut::visit_block_mut(self, block);
    }

    fn visit_expr_mut(&mut self, expr: &mut syn::Expr) {
        syn::visit_mut::visit_expr_mut(self, expr);
        let syn::Expr::MethodCall(call) = expr else { return };
        if self.no_header_map
            && call.method == "headers"
            && quote!(#call).to_string().ends_with(". headers (header_map)")
        {
            *expr = (*call.receiver).clone();
            return;
        }
        if call.method != "query" || call.args.len() != 1 {
            return;
        }
        // `.query(&progenitor_client::QueryParam::new("name", &name))`
        let Some(syn::Expr::Reference(arg)) = call.args.first() else {
            return;
        };
        let syn::Expr::Call(new) = &*arg.expr else { return };
        let (Some(name), Some(syn::Expr::Reference(value))) = (new.args.first(), new.args.get(1)) else {
            return;
        };
        let syn::Expr::Path(value_path) = &*value.expr else {
            return;
        };
        let Some(ident) = value_path.path.get_ident() else {
            return;
        };
        let optional = self
            .op
            .params
            .iter()
            .any(|p| p.location == "query" && !p.required && ident == p.rust.as_str());
        if !optional {
            return;
        }
        let receiver = &call.receiver;
        *expr = syn::parse_quote!(crate::transport::query_some(#receiver, #name, &#ident));
    }
}

/// Rewrites progenitor's parameter messages ("client_id was not initialized", "conversion to
/// `…` for page failed") into ones that use the spec's names.
struct MessageRewrite<'a> {
    op: &'a Operation,
}

impl MessageRewrite<'_> {
    fn describe(&self, rust: &str) -> String {
        if rust == "body" {
            return "the request body".into();
        }
        match self.op.params.iter().find(|p| p.rust == rust) {
            Some(p) => format!("{} parameter `{}`", p.location, p.name),
            None => format!("`{rust}`"),
        }
    }
}

impl VisitMut for MessageRewrite<'_> {
    fn visit_lit_str_mut(&mut self, lit: &mut syn::LitStr) {
        let value = lit.value();
        let new = if let Some(rust) = value.strip_suffix(" was not initialized") {
            Some(format!(
                "{} is required but not set: call `.{rust}(..)`",
                self.describe(rust)
            ))
        } else if let Some(rest) = value.strip_prefix("conversion to `") {
            rest.split_once("` for ").map(|(ty, tail)| {
                let ty = ty.rsplit("::").next().unwrap_or(ty).trim();
                match tail.strip_suffix(" failed") {
                    Some(rust) => format!("{} does not fit its type `{ty}`", self.describe(rust)),
                    None => {
                        let rust = tail.split(' ').next().unwrap_or(tail);
                        format!("{} (`{ty}`) is invalid: {{}}", self.describe(rust))
                    }
                }
            })
        } else {
            None
        };
        if let Some(new) = new {
            *lit = syn::LitStr::new(&new, lit.span());
        }
    }

    fn visit_macro_mut(&mut self, mac: &mut syn::Macro) {
        rewrite_format_literal(mac, |lit| self.visit_lit_str_mut(lit));
    }
}

/// Applies `f` to the format string of a `format!(..)` call (its first argument).
fn rewrite_format_literal(mac: &mut syn::Macro, mut f: impl FnMut(&mut syn::LitStr)) {
    use syn::punctuated::Punctuated;
    if !mac.path.is_ident("format") {
        return;
    }
    let parser = Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated;
    let Ok(mut args) = syn::parse::Parser::parse2(parser, mac.tokens.clone()) else {
        return;
    };
    if let Some(syn::Expr::Lit(syn::ExprLit {
        lit: syn::Lit::Str(lit),
        ..
    })) = args.first_mut()
    {
        f(lit);
        mac.tokens = quote!(#args);
    }
}

/// Renames the flattened `extra` map of the vendor-documented open bodies (`open`: schema and
/// field name) in the type, its builder and their conversions.
fn rename_open_maps(items: &mut [syn::Item], open: &[(&str, &str)]) {
    struct Rename<'a>(&'a str);
    impl VisitMut for Rename<'_> {
        fn visit_ident_mut(&mut self, ident: &mut syn::Ident) {
            if ident == "extra" {
                *ident = format_ident!("{}", self.0);
            }
        }
    }
    let targets = |ty: &syn::Type| -> Option<&str> {
        let syn::Type::Path(p) = ty else { return None };
        let last = p.path.segments.last()?.ident.to_string();
        open.iter().find(|(schema, _)| *schema == last).map(|(_, field)| *field)
    };
    for item in items.iter_mut() {
        match item {
            syn::Item::Struct(s) => {
                if let Some((_, field)) = open.iter().find(|(schema, _)| s.ident == schema) {
                    Rename(field).visit_item_struct_mut(s);
                }
            }
            syn::Item::Mod(m) if m.ident == "builder" => {
                let Some((_, inner)) = &mut m.content else { continue };
                for it in inner.iter_mut() {
                    match it {
                        syn::Item::Struct(s) => {
                            if let Some((_, field)) = open.iter().find(|(schema, _)| s.ident == schema) {
                                Rename(field).visit_item_struct_mut(s);
                            }
                        }
                        syn::Item::Impl(imp) => {
                            // `impl X`, `impl Default for X`, `impl TryFrom<X> for super::X`,
                            // `impl From<super::X> for X`: all name X as self type.
                            if let Some(field) = targets(&imp.self_ty) {
                                Rename(field).visit_item_impl_mut(imp);
                            }
                        }
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
}

/// Documents each struct field of `types` with its wire name and returns every struct's shape.
fn document_types(items: &mut [syn::Item], open: &[(&str, &str)]) -> BTreeMap<String, Shape> {
    let mut shapes = BTreeMap::new();
    for item in items.iter_mut() {
        let syn::Item::Struct(s) = item else { continue };
        let mut shape = Shape::default();
        let open_field = open.iter().find(|(schema, _)| s.ident == schema).map(|(_, f)| *f);
        if let syn::Fields::Named(fields) = &mut s.fields {
            for field in fields.named.iter_mut() {
                let Some(ident) = &field.ident else { continue };
                let rust = ident.to_string().trim_start_matches("r#").to_string();
                let (rename, flatten) = serde_field(&field.attrs);
                if flatten {
                    let doc = if open_field == Some(rust.as_str()) {
                        "Further fields of the object, sent at its top level as they are: the vendor documents this body as open (e.g. the fields of a credential's kind and auth type)."
                    } else {
                        "Fields the spec does not name, kept as they arrived (forward compatibility). Empty when built."
                    };
                    set_doc(&mut field.attrs, doc);
                    shape.flatten = Some(rust);
                    continue;
                }
                let wire = rename.unwrap_or_else(|| rust.clone());
                let existing = doc_text(&field.attrs);
                let line = format!("JSON field `{wire}`.");
                let doc = if existing.trim().is_empty() {
                    line
                } else {
                    format!("{}\n\n{line}", existing.trim())
                };
                set_doc(&mut field.attrs, &doc);
                shape.wire.insert(rust, wire);
            }
        }
        shapes.insert(s.ident.to_string(), shape);
    }
    shapes
}

/// `(rename, flatten)` from a field's `#[serde(...)]` attributes.
fn serde_field(attrs: &[syn::Attribute]) -> (Option<String>, bool) {
    let mut rename = None;
    let mut flatten = false;
    for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        let _ = attr.parse_nested_meta(|meta| {
            let name = meta.path.get_ident().map(|i| i.to_string()).unwrap_or_default();
            if meta.input.peek(syn::Token![=]) {
                let value: syn::LitStr = meta.value()?.parse()?;
                if name == "rename" {
                    rename = Some(value.value());
                }
            } else if name == "flatten" {
                flatten = true;
            }
            Ok(())
        });
    }
    (rename, flatten)
}

/// The text types whose setters take `&str` through `crate::IntoFieldValue`.
fn is_text(ty: &syn::Type) -> bool {
    let text = quote!(#ty).to_string().replace(' ', "");
    matches!(
        text.as_str(),
        "::std::string::String"
            | "::std::option::Option<::std::string::String>"
            | "::std::vec::Vec<::std::string::String>"
            | "::std::option::Option<::std::vec::Vec<::std::string::String>>"
    )
}

/// typify's struct builders: maps start empty, missing required fields name the wire field,
/// text setters take `&str`, every setter documents its wire name. Returns the types whose
/// builder starts complete (no required field).
fn reshape_type_builders(items: &mut [syn::Item], shapes: &BTreeMap<String, Shape>) -> Vec<String> {
    let mut complete = Vec::new();
    for item in items.iter_mut() {
        let syn::Item::Impl(imp) = item else { continue };
        let syn::Type::Path(p) = &*imp.self_ty else { continue };
        let Some(last) = p.path.segments.last() else { continue };
        let name = last.ident.to_string();
        let Some(shape) = shapes.get(&name) else { continue };
        let is_default = imp
            .trait_
            .as_ref()
            .and_then(|(path, _)| path.segments.last())
            .is_some_and(|s| s.ident == "Default");
        if is_default {
            let mut rewrite = DefaultRewrite {
                name: &name,
                shape,
                required: 0,
            };
            rewrite.visit_item_impl_mut(imp);
            if rewrite.required == 0 {
                complete.push(name);
            }
            continue;
        }
        if imp.trait_.is_some() {
            continue;
        }
        for it in imp.items.iter_mut() {
            let syn::ImplItem::Fn(f) = it else { continue };
            let rust = f.sig.ident.to_string().trim_start_matches("r#").to_string();
            let wire = shape.wire.get(&rust).cloned();
            let field_ty = setter_target(&f.sig);
            let ident = f.sig.ident.clone();
            match (&wire, &field_ty) {
                (Some(_), Some(ty)) if is_text(ty) => {
                    *f = syn::parse_quote! {
                        pub fn #ident<T>(mut self, value: T) -> Self
                        where
                            T: crate::IntoFieldValue<#ty>,
                        {
                            self.#ident = Ok(value.into_field_value());
                            self
                        }
                    };
                }
                _ => {
                    let label = match &wire {
                        Some(w) => format!("field `{w}` of `{name}`"),
                        None => format!("`{rust}` of `{name}`"),
                    };
                    SetterMessage { label }.visit_impl_item_fn_mut(f);
                }
            }
            let doc = match &wire {
                Some(w) => format!("Sets `{w}` (see [`super::{name}::{rust}`])."),
                None => format!("Sets the fields of [`super::{name}`] the spec does not name."),
            };
            set_doc(&mut f.attrs, &doc);
        }
    }
    complete
}

/// Adds `Default` to the derives of these structs, where typify left it out. Exact: none of
/// the specs has schema defaults, so a complete builder holds only `Default::default()`s.
fn derive_default(items: &mut [syn::Item], names: &[String]) {
    use syn::punctuated::Punctuated;
    for item in items.iter_mut() {
        let syn::Item::Struct(s) = item else { continue };
        if !names.iter().any(|n| s.ident == n) {
            continue;
        }
        for attr in s.attrs.iter_mut().filter(|a| a.path().is_ident("derive")) {
            let Ok(mut paths) = attr.parse_args_with(Punctuated::<syn::Path, syn::Token![,]>::parse_terminated) else {
                continue;
            };
            if paths
                .iter()
                .any(|p| p.segments.last().is_some_and(|s| s.ident == "Default"))
            {
                break;
            }
            paths.push(syn::parse_quote!(Default));
            *attr = syn::parse_quote!(#[derive(#paths)]);
            break;
        }
    }
}

/// `T: TryInto<X>` in a setter's `where` clause → `X`.
fn setter_target(sig: &syn::Signature) -> Option<syn::Type> {
    let wc = sig.generics.where_clause.as_ref()?;
    for pred in &wc.predicates {
        let syn::WherePredicate::Type(pt) = pred else { continue };
        for bound in &pt.bounds {
            let syn::TypeParamBound::Trait(tb) = bound else {
                continue;
            };
            let Some(seg) = tb.path.segments.last() else { continue };
            if seg.ident != "TryInto" {
                continue;
            }
            if let syn::PathArguments::AngleBracketed(args) = &seg.arguments
                && let Some(syn::GenericArgument::Type(t)) = args.args.first()
            {
                return Some(t.clone());
            }
        }
    }
    None
}

struct DefaultRewrite<'a> {
    name: &'a str,
    shape: &'a Shape,
    /// Required fields found (their builder starts with an error).
    required: usize,
}

impl VisitMut for DefaultRewrite<'_> {
    fn visit_field_value_mut(&mut self, fv: &mut syn::FieldValue) {
        let syn::Member::Named(ident) = &fv.member else { return };
        let rust = ident.to_string().trim_start_matches("r#").to_string();
        if !matches!(&fv.expr, syn::Expr::Call(c) if matches!(&*c.func, syn::Expr::Path(p) if p.path.is_ident("Err"))) {
            return;
        }
        if self.shape.flatten.as_deref() == Some(rust.as_str()) {
            fv.expr = syn::parse_quote!(Ok(Default::default()));
            return;
        }
        self.required += 1;
        let wire = self.shape.wire.get(&rust).cloned().unwrap_or_else(|| rust.clone());
        let message = format!(
            "field `{wire}` of `{}` is required but not set: call `.{rust}(..)` on its builder",
            self.name
        );
        fv.expr = syn::parse_quote!(Err(#message.to_string()));
    }
}

/// "error converting supplied value for x: {e}" → "field `wire` of `Type`: {e}".
struct SetterMessage {
    label: String,
}

impl VisitMut for SetterMessage {
    fn visit_lit_str_mut(&mut self, lit: &mut syn::LitStr) {
        if lit.value().starts_with("error converting supplied value for ") {
            let new = format!("{}: {{e}}", self.label);
            *lit = syn::LitStr::new(&new, lit.span());
        }
    }

    fn visit_macro_mut(&mut self, mac: &mut syn::Macro) {
        rewrite_format_literal(mac, |lit| self.visit_lit_str_mut(lit));
    }
}
