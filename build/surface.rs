//! Shapes progenitor's output into the call surface users touch, generically for every
//! operation and type of every spec (nothing here names an operation):
//!
//! - every operation builder's `send` returns `crate::Result<ResponseValue<T>>`, so `?` carries
//!   [`rocket_apis::Error`] into `anyhow` or `Box<dyn Error>`; after building the request it
//!   makes one call into `crate::transport` (send, retries, errors, decoding) in place of
//!   progenitor's hooks and its match on every declared status;
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

use std::collections::{BTreeMap, BTreeSet};

use quote::{format_ident, quote};
use syn::visit_mut::VisitMut;

use crate::spec_model::{Operation, Raw};

/// What one struct of `types` looks like: its fields' wire names and its flattened map.
#[derive(Default)]
struct Shape {
    wire: BTreeMap<String, String>,
    flatten: Option<String>,
}

pub fn reshape(
    file: &mut syn::File,
    ops: &[Operation],
    api_name: &str,
    open: &[(&str, &str)],
    secrets: &BTreeMap<String, BTreeSet<String>>,
    api_module: (&str, &str),
) -> Result<(), String> {
    let by_snake: BTreeMap<&str, &Operation> = ops.iter().map(|op| (op.snake.as_str(), op)).collect();
    let mut builders: BTreeMap<String, &Operation> = BTreeMap::new();
    let mut shapes = BTreeMap::new();
    for item in &mut file.items {
        match item {
            syn::Item::Mod(m) if m.ident == "types" => {
                if let Some((_, items)) = &mut m.content {
                    open_string_enums(items);
                    rename_open_maps(items, open);
                    shapes = document_types(items, open);
                    crate::decode::write_deserialize(items);
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
                // progenitor's `Client::new` builds its own reqwest client with an `unwrap` and a
                // 15 s timeout; the API modules build it with `new_with_client` and the crate's
                // settings, so it goes.
                imp.items
                    .retain(|it| !matches!(it, syn::ImplItem::Fn(f) if f.sig.ident == "new"));
                for it in &mut imp.items {
                    let syn::ImplItem::Fn(f) = it else { continue };
                    let name = f.sig.ident.to_string();
                    let Some(op) = by_snake.get(name.as_str()) else {
                        continue;
                    };
                    let Some(builder) = returned_builder(&f.sig) else {
                        continue;
                    };
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
    // Type builders live in `types::builder`, and only the types a request carries keep one;
    // a type whose builder starts complete (every field optional, a list or a map) gets
    // `Default`, and so does every type a user only reads where its fields allow it (for
    // building mock answers with `..Default::default()`).
    let sent = sent_types(&file.items);
    let read: BTreeSet<String> = received_types(&file.items, ops).union(&sent).cloned().collect();
    if let Some(types) = module(&mut file.items, "types") {
        crate::decode::drop_unread(types, &read);
        prune_type_builders(types, &sent);
        let (hidden_types, hidden_builders) = crate::secrets::hide(types, secrets, open)?;
        let mut complete = module(types, "builder")
            .map(|b| reshape_type_builders(b, &shapes))
            .unwrap_or_default();
        complete.extend(defaultable_read_types(types, &sent));
        derive_default(types, &complete);
        let has_builders = module(types, "builder").is_some();
        if let Some(builders) = module(types, "builder") {
            let all = builders.clone();
            crate::secrets::samples(
                builders,
                &hidden_builders,
                |s| crate::secrets::has_default(&all, s).then(|| syn::parse_quote!(Default::default())),
                vec![syn::parse_quote!(secret: &str)],
                vec![],
            );
        }
        let all = types.clone();
        // A type with no `Default` is sampled through its builder, which has the same fields.
        let hidden_types: crate::secrets::Hidden = hidden_types
            .into_iter()
            .filter(|(name, _)| {
                !hidden_builders.contains_key(name)
                    || all
                        .iter()
                        .any(|i| matches!(i, syn::Item::Struct(s) if s.ident == name && crate::secrets::has_default(&all, s)))
            })
            .collect();
        let more = if has_builders {
            vec![syn::parse_quote!(all.extend(builder::debug_samples(secret));)]
        } else {
            vec![]
        };
        crate::secrets::samples(
            types,
            &hidden_types,
            |s| crate::secrets::has_default(&all, s).then(|| syn::parse_quote!(Default::default())),
            vec![syn::parse_quote!(secret: &str)],
            more,
        );
    }
    let mut success_types = BTreeMap::new();
    if let Some(items) = module(&mut file.items, "builder") {
        success_types = reshape_operation_builders(items, &builders, api_name)?;
        let secret_params: BTreeMap<String, BTreeSet<String>> = builders
            .iter()
            .map(|(builder, op)| {
                let secret = op.params.iter().filter(|p| p.secret).map(|p| p.rust.clone()).collect();
                (builder.clone(), secret)
            })
            .filter(|(_, secret): &(String, BTreeSet<String>)| !secret.is_empty())
            .collect();
        let hidden_params = crate::secrets::hide_params(items, &secret_params);
        crate::secrets::samples(
            items,
            &hidden_params,
            |s| {
                let name = &s.ident;
                Some(syn::parse_quote!(#name::new(client)))
            },
            vec![
                syn::parse_quote!(client: &super::Client),
                syn::parse_quote!(secret: &str),
            ],
            vec![],
        );
        items.insert(
            0,
            syn::parse_quote! {
                /// What each operation's `send` tells the transport, with this API's error body.
                type Op = crate::transport::Op<types::ErrorBody>;
            },
        );
        // Imported, so that each `send`'s call into the transport fits on one line.
        items.insert(
            1,
            syn::parse_quote!(
                #[allow(unused_imports)]
                use crate::transport::{call, call_bytes, call_empty, call_text, path_segment};
            ),
        );
    }
    hide_progenitor_error(file);
    drop_unused_imports(&mut file.items);
    own_encode_path(file);
    ShortPaths::new(file).visit_file_mut(file);
    // progenitor asserts the client implements its hooks; the transport runs its own instead.
    file.items
        .retain(|item| !quote!(#item).to_string().contains("fn assert_client_hooks"));
    file.items.push(syn::parse_quote! {
        /// Every generated type and operation builder whose `Debug` hides a secret or a
        /// catch-all map, printed with `secret` in each hidden field (the crate's leak tests
        /// read it; cargo feature `mock`).
        #[cfg(feature = "mock")]
        #[doc(hidden)]
        pub fn debug_samples(client: &Client, secret: &str) -> Vec<(&'static str, String)> {
            let mut all = types::debug_samples(secret);
            all.extend(builder::debug_samples(client, secret));
            all
        }
    });
    // What each call answers, in its docs and its typed mock.
    for item in &mut file.items {
        match item {
            syn::Item::Impl(imp) if is_self_ty(imp, "Client") && imp.trait_.is_none() => {
                for it in &mut imp.items {
                    let syn::ImplItem::Fn(f) = it else { continue };
                    let Some(builder) = returned_builder(&f.sig) else {
                        continue;
                    };
                    if let (Some(op), Some(ty)) = (builders.get(&builder), success_types.get(&builder)) {
                        set_doc(&mut f.attrs, &operation_doc(op, api_name, ty));
                        if op.deprecated {
                            f.attrs
                                .push(syn::parse_quote!(#[deprecated(note = "deprecated in the spec")]));
                        }
                    }
                }
            }
            syn::Item::Impl(imp) if quote!(#imp).to_string().contains("crate :: mock :: MockServer") => {
                type_mocks(imp, &builders, &success_types);
            }
            _ => {}
        }
    }
    // Lists promise `.stream()` in their docs: a list answered with an array is one page (its
    // `Paginate` is written here); any other list must be paged by the API module, which the
    // assertion below makes a compile-time fact, checked before rustc.
    let (module_path, module_text) = api_module;
    let mut lists = Vec::new();
    for (builder, op) in builders.iter().filter(|(_, op)| op.is_list()) {
        let ident = format_ident!("{}", builder);
        let Some(ty) = success_types.get(builder) else { continue };
        match vec_item(ty) {
            Some(item) => file.items.push(syn::parse_quote! {
                impl<'a> crate::Paginate<'a> for builder::#ident<'a> {
                    type Item = #item;
                    /// The answer is one array, so one page; `pages` has no effect.
                    fn stream_with_look_ahead(self, _pages: usize) -> crate::ItemStream<'a, Self::Item> {
                        crate::pagination::single::<#item, _>(async move {
                            Ok(crate::pagination::Page::whole(self.send().await?.into_inner()))
                        })
                    }
                }
            }),
            None if !module_text.contains(&format!("{builder} =>")) => {
                return Err(format!(
                    "operation `{}` ({} {}) is a list (its id starts with `list`) answered with `{}`, not an array: say how it pages in {module_path} (a `{builder} => types::…;` line in `numbered_lists!`, `cursor_lists!` or `single_lists!`), or give it an id that does not start with `list`",
                    op.id,
                    op.method,
                    op.path,
                    quote!(#ty).to_string().replace(' ', "")
                ));
            }
            None => lists.push(ident),
        }
    }
    file.items.push(syn::parse_quote! {
        /// Every paged operation whose docs offer `.stream()` implements [`crate::Paginate`].
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

/// `Vec<T>` → `T`.
fn vec_item(ty: &syn::Type) -> Option<syn::Type> {
    let syn::Type::Path(p) = ty else { return None };
    let last = p.path.segments.last()?;
    if last.ident != "Vec" {
        return None;
    }
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    match args.args.first()? {
        syn::GenericArgument::Type(t) => Some(t.clone()),
        _ => None,
    }
}

/// Each typed mock answers with its operation's success type: the generated type of an inline
/// schema (not `serde_json::Value`), `String` for text, `Vec<u8>` for bytes.
fn type_mocks(
    imp: &mut syn::ItemImpl,
    builders: &BTreeMap<String, &Operation>,
    success_types: &BTreeMap<String, syn::Type>,
) {
    for it in &mut imp.items {
        let syn::ImplItem::Fn(f) = it else { continue };
        let Some((builder, _)) = builders.iter().find(|(_, op)| f.sig.ident == op.snake) else {
            continue;
        };
        let Some(ty) = success_types.get(builder) else { continue };
        let body: syn::Type = if quote!(#ty).to_string() == ":: bytes :: Bytes" {
            syn::parse_quote!(Vec<u8>)
        } else {
            ty.clone()
        };
        let syn::ReturnType::Type(_, ret) = &mut f.sig.output else {
            continue;
        };
        let syn::Type::Path(p) = &mut **ret else { continue };
        let Some(last) = p.path.segments.last_mut() else {
            continue;
        };
        let syn::PathArguments::AngleBracketed(args) = &mut last.arguments else {
            continue;
        };
        if let Some(slot) = args
            .args
            .iter_mut()
            .find(|a| matches!(a, syn::GenericArgument::Type(_)))
        {
            *slot = syn::GenericArgument::Type(body);
        }
    }
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
        return;
    }
}

/// Path parameters are encoded by the crate's `encode_path`, which also encodes a backslash (URL
/// parsers read it as `/`, so a value holding one would add path segments).
fn own_encode_path(file: &mut syn::File) {
    for item in &mut file.items {
        let syn::Item::Use(u) = item else { continue };
        let syn::UseTree::Path(p) = &u.tree else { continue };
        let only_encode_path = match &*p.tree {
            syn::UseTree::Name(n) => n.ident == "encode_path",
            syn::UseTree::Group(g) => {
                g.items.len() == 1 && matches!(&g.items[0], syn::UseTree::Name(n) if n.ident == "encode_path")
            }
            _ => false,
        };
        if p.ident == "progenitor_client" && only_encode_path {
            u.tree = syn::parse_quote!(crate::transport::encode_path);
        }
    }
}

/// What the reshaped code no longer uses of progenitor's client crate: its hooks, operation
/// info, request extensions and error. Private imports of them are dropped (here and in the
/// operation builders' module), so the file says what it depends on.
fn drop_unused_imports(items: &mut [syn::Item]) {
    const UNUSED: [&str; 4] = ["ClientHooks", "OperationInfo", "RequestBuilderExt", "Error"];
    for item in items.iter_mut() {
        match item {
            syn::Item::Use(u) if matches!(u.vis, syn::Visibility::Inherited) => {
                let syn::UseTree::Path(p) = &mut u.tree else { continue };
                let syn::UseTree::Group(g) = &mut *p.tree else { continue };
                g.items = std::mem::take(&mut g.items)
                    .into_iter()
                    .filter(|t| !matches!(t, syn::UseTree::Name(n) if UNUSED.iter().any(|u| n.ident == u)))
                    .collect();
            }
            syn::Item::Mod(m) if m.ident == "builder" => {
                if let Some((_, items)) = &mut m.content {
                    drop_unused_imports(items);
                }
            }
            _ => {}
        }
    }
}

/// Writes the standard library's prelude names as the prelude does (`Option<String>` for
/// `::std::option::Option<::std::string::String>`): typify spells every path out in case a
/// schema takes a prelude name, so only the names no generated item takes are shortened. The
/// code reads as a person would write it, and far fewer lines wrap.
struct ShortPaths {
    /// (`std` module, name) pairs that are safe to shorten.
    names: Vec<(&'static str, &'static str)>,
}

impl ShortPaths {
    const PRELUDE: [(&'static str, &'static str); 9] = [
        ("option", "Option"),
        ("string", "String"),
        ("vec", "Vec"),
        ("result", "Result"),
        ("default", "Default"),
        ("convert", "TryFrom"),
        ("convert", "TryInto"),
        ("convert", "From"),
        ("boxed", "Box"),
    ];

    fn new(file: &syn::File) -> Self {
        let mut taken = BTreeSet::new();
        collect_item_names(&file.items, &mut taken);
        ShortPaths {
            names: Self::PRELUDE
                .into_iter()
                .filter(|(_, name)| !taken.contains(*name))
                .collect(),
        }
    }
}

/// The names of every item declared in `items`, nested modules included.
fn collect_item_names(items: &[syn::Item], taken: &mut BTreeSet<String>) {
    for item in items {
        match item {
            syn::Item::Struct(s) => {
                taken.insert(s.ident.to_string());
            }
            syn::Item::Enum(e) => {
                taken.insert(e.ident.to_string());
            }
            syn::Item::Type(t) => {
                taken.insert(t.ident.to_string());
            }
            syn::Item::Trait(t) => {
                taken.insert(t.ident.to_string());
            }
            syn::Item::Mod(m) => {
                if let Some((_, items)) = &m.content {
                    collect_item_names(items, taken);
                }
            }
            _ => {}
        }
    }
}

impl VisitMut for ShortPaths {
    fn visit_path_mut(&mut self, path: &mut syn::Path) {
        syn::visit_mut::visit_path_mut(self, path);
        let segments: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
        if segments.len() != 3 || segments[0] != "std" {
            return;
        }
        if !self
            .names
            .iter()
            .any(|(module, name)| segments[1] == *module && segments[2] == *name)
        {
            return;
        }
        let Some(last) = path.segments.pop() else { return };
        path.leading_colon = None;
        path.segments = std::iter::once(last).collect();
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

fn type_link(success: &syn::Type) -> String {
    let text = quote!(#success).to_string().replace(' ', "");
    match text.as_str() {
        "()" => "no body (`()`)".into(),
        "String" => "the body's text (`String`)".into(),
        "::bytes::Bytes" => "the body's bytes ([`bytes::Bytes`])".into(),
        t if t.starts_with("types::") && !t.contains('<') => format!("[`{t}`]"),
        t => format!("`{t}`"),
    }
}

/// The rustdoc of a client method: what the call does, how it is sent, what it takes and
/// returns, and the call itself.
fn operation_doc(op: &Operation, api_name: &str, success: &syn::Type) -> String {
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
        if op.body.is_some() && !op.other_body_media.is_empty() {
            let others: Vec<String> = op.other_body_media.iter().map(|m| format!("`{m}`")).collect();
            d.push_str(&format!(
                "The body is sent as JSON; the spec also offers {} (for other tools).\n\n",
                others.join(", ")
            ));
        }
    }
    match &op.success {
        Some((status, _)) => d.push_str(&format!(
            "**Returns** a [`crate::ResponseFuture`]; awaited, [`crate::Result`]`<`[`ResponseValue`]`<_>>` with {} on {status} (`Deref` to the body; `status()`, `headers()`, `into_inner()`, [`crate::ResponseExt::request_id`]).\n\n",
            type_link(success)
        )),
        None => d.push_str("**Returns** a [`crate::ResponseFuture`]; awaited, [`crate::Result`]`<`[`ResponseValue`]`<_>>`.\n\n"),
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

/// Each operation builder: its `send` returns `crate::Result` (see [`rewrite_send`]); the messages of missing or unconvertible
/// parameters name the operation (added by `send`) and the spec's parameter names.
fn reshape_operation_builders(
    items: &mut [syn::Item],
    builders: &BTreeMap<String, &Operation>,
    api_name: &str,
) -> Result<BTreeMap<String, syn::Type>, String> {
    let mut done = BTreeMap::new();
    for item in items.iter_mut() {
        match item {
            syn::Item::Struct(s) => {
                if let Some(op) = builders.get(&s.ident.to_string()) {
                    set_doc(
                        &mut s.attrs,
                        &format!(
                            "Builder for [`Client::{0}`](super::Client::{0}), `{1} {2}`: set the parameters, then `.send().await`{3}.",
                            op.snake,
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
                let builder_name = last.ident.to_string();
                let Some(op) = builders.get(&builder_name) else {
                    continue;
                };
                MessageRewrite { op }.visit_item_impl_mut(imp);
                RequestRewrite::new(op).visit_item_impl_mut(imp);
                text_setters_take_into(imp);
                let Some(pos) = imp
                    .items
                    .iter()
                    .position(|it| matches!(it, syn::ImplItem::Fn(f) if f.sig.ident == "send"))
                else {
                    continue;
                };
                let syn::ImplItem::Fn(send) = &mut imp.items[pos] else {
                    unreachable!()
                };
                let value = rewrite_send(send, op, api_name)?;
                done.insert(builder_name, value);
            }
            _ => {}
        }
    }
    if done.len() != builders.len() {
        return Err(format!(
            "build/surface.rs: rewrote `send` on {} of {} operation builders",
            done.len(),
            builders.len()
        ));
    }
    Ok(done)
}

/// A parameter setter whose value is text takes `impl Into<String>`: progenitor's
/// `TryInto<String>` bound accepts the same values, and its error branch ("does not fit its
/// type `String`") can never be taken.
fn text_setters_take_into(imp: &mut syn::ItemImpl) {
    for item in &mut imp.items {
        let syn::ImplItem::Fn(f) = item else { continue };
        let Some(target) = setter_target(&f.sig) else { continue };
        let target = quote!(#target).to_string();
        let body = &f.block;
        let optional = quote!(#body).to_string().contains(". map (Some)");
        let ident = f.sig.ident.clone();
        let list = matches!(
            target.as_str(),
            ":: std :: vec :: Vec < :: std :: string :: String >"
                | "Vec < String >"
                | "Vec < :: std :: string :: String >"
        );
        if list {
            // A list of text takes any list of text: `["SENIOR", "LEAD"]`, a `Vec<String>`, ….
            let value: syn::Expr = if optional {
                syn::parse_quote!(Some(value.into_iter().map(Into::into).collect()))
            } else {
                syn::parse_quote!(value.into_iter().map(Into::into).collect())
            };
            let attrs = std::mem::take(&mut f.attrs);
            *f = syn::parse_quote! {
                pub fn #ident<S: Into<String>>(mut self, value: impl IntoIterator<Item = S>) -> Self {
                    self.#ident = Ok(#value);
                    self
                }
            };
            f.attrs = attrs;
            continue;
        }
        if target != ":: std :: string :: String" && target != "String" {
            continue;
        }
        let value: syn::Expr = if optional {
            syn::parse_quote!(Some(value.into()))
        } else {
            syn::parse_quote!(value.into())
        };
        let attrs = std::mem::take(&mut f.attrs);
        *f = syn::parse_quote! {
            pub fn #ident(mut self, value: impl Into<String>) -> Self {
                self.#ident = Ok(#value);
                self
            }
        };
        f.attrs = attrs;
    }
}

/// progenitor's `send` becomes one that returns `crate::Result`: the parameter checks and the
/// request building stay as progenitor wrote them (the checks now name the operation through
/// `crate::transport::checked`), and everything after the request is built (progenitor's hooks
/// and its match on every declared status) becomes one call into `crate::transport`, which
/// sends, retries, turns error statuses into `crate::Error` and decodes the success body.
fn rewrite_send(send: &mut syn::ImplItemFn, op: &Operation, api_name: &str) -> Result<syn::Type, String> {
    let fail = |what: &str| {
        format!(
            "operation `{}`: the generator met code it does not know how to shape ({what}; build/surface.rs); report it with the spec",
            op.id
        )
    };
    let (value, _error) = send_types(&send.sig).ok_or_else(|| fail("unexpected `send` signature"))?;
    let mut kept: Vec<syn::Stmt> = Vec::new();
    let mut json = Vec::new();
    let mut empty = Vec::new();
    let mut raw = Vec::new();
    let mut request: Option<syn::Expr> = None;
    let mut url: Option<syn::Local> = None;
    for stmt in std::mem::take(&mut send.block.stmts) {
        let text = quote!(#stmt).to_string();
        match stmt {
            syn::Stmt::Local(mut local) => {
                let name = match &local.pat {
                    syn::Pat::Ident(p) => p.ident.to_string(),
                    _ => String::new(),
                };
                match name.as_str() {
                    "info" if text.starts_with("let info = OperationInfo") => continue,
                    "result" if text.starts_with("let result = client . exec") => continue,
                    "response" if text == "let response = result ? ;" => continue,
                    // The URL and the request are built in a closure the transport calls for
                    // each attempt: a call answered at once is built once and copied never.
                    "url" => {
                        url = Some(local);
                        continue;
                    }
                    "request" => {
                        let Some(syn::Expr::Try(t)) = local.init.as_ref().map(|i| &*i.expr) else {
                            return Err(fail("the request is not built with `.build()?`"));
                        };
                        let url = url.take().ok_or_else(|| fail("no `let url` before the request"))?;
                        let expr = &t.expr;
                        request = Some(syn::parse_quote! {
                            move || {
                                #url
                                #expr
                            }
                        });
                        continue;
                    }
                    _ => {}
                }
                // `let x = x.map_err(Error::InvalidRequest)?;`, for each parameter and the body.
                if let Some(init) = &mut local.init
                    && let syn::Expr::Try(t) = &*init.expr
                    && let syn::Expr::MethodCall(m) = &*t.expr
                    && m.method == "map_err"
                    && quote!(#m).to_string().ends_with("map_err (Error :: InvalidRequest)")
                {
                    let receiver = m.receiver.clone();
                    // A path parameter of `.` or `..` would climb out of the base path.
                    *init.expr = match op.params.iter().find(|p| p.rust == name && p.location == "path") {
                        Some(p) => {
                            let spec_name = &p.name;
                            syn::parse_quote!(crate::transport::checked!(path_segment(#receiver, #spec_name), OP))
                        }
                        None => syn::parse_quote!(crate::transport::checked!(#receiver, OP)),
                    };
                }
                kept.push(syn::Stmt::Local(local));
            }
            syn::Stmt::Expr(syn::Expr::Match(m), _) if text.starts_with("match response . status ()") => {
                for arm in &m.arms {
                    let body = &arm.body;
                    let body = quote!(#body).to_string();
                    if body.contains("ErrorResponse") || matches!(arm.pat, syn::Pat::Wild(_)) {
                        continue;
                    }
                    let pat = &arm.pat;
                    let code: u16 = quote!(#pat)
                        .to_string()
                        .trim_end_matches("u16")
                        .parse()
                        .map_err(|_| fail("a success status that is not a single code"))?;
                    if body.contains("ResponseValue :: from_response") {
                        json.push(code);
                    } else if body.contains("ResponseValue :: empty") {
                        empty.push(code);
                    } else if body.contains("ResponseValue :: stream") {
                        raw.push(code);
                    } else {
                        return Err(fail("a success answer neither JSON, text, bytes nor empty"));
                    }
                }
            }
            // progenitor's hooks: the transport runs its own.
            _ if text.starts_with("client . pre") || text.starts_with("client . post") => {}
            other if request.is_none() => kept.push(other),
            _ => return Err(fail("a statement after the request is built")),
        }
    }
    let Some(request) = request else {
        return Err(fail("no request built"));
    };
    for stmt in &mut kept {
        HeaderAppend { op }.visit_stmt_mut(stmt);
    }
    let (codes, call) = match (json.is_empty(), empty.is_empty(), raw.is_empty(), op.raw_success()) {
        (false, true, true, _) => (json, quote!(call)),
        (true, false, true, _) => (empty, quote!(call_empty)),
        (true, true, false, Some(Raw::Text)) => (raw, quote!(call_text)),
        (true, true, false, _) => (raw, quote!(call_bytes)),
        _ => return Err(fail("success answers of more than one kind (JSON, raw, none), or none")),
    };
    let (id, name, path) = (&op.id, &op.snake, &op.path);
    let value = success_type(op, &value);
    let op_static: syn::Stmt = syn::parse_quote! {
        static OP: Op = Op::new(#id, #name, #path, &[#(#codes),*]);
    };
    // A plain function returning the transport's future, not an `async fn`: each `async fn`
    // was a state machine of its own to type-check, borrow-check and lay out. A parameter that
    // fails its check returns a future holding the error (`checked!`); the request is built by
    // a closure the future owns, for each attempt.
    kept.insert(0, op_static);
    kept.push(syn::parse_quote!(let build = #request;));
    kept.push(syn::Stmt::Expr(
        syn::parse_quote!(#call(&OP, &client.client, &client.inner, build)),
        None,
    ));
    send.block.stmts = kept;
    send.sig.asyncness = None;
    send.sig.output = syn::parse_quote!(-> crate::ResponseFuture<'a, #value>);
    let doc = format!(
        " Sends `{} {}` when awaited: the response, or the crate's [`Error`](crate::Error) ({api_name}'s message, status and request id for an error status).",
        op.method, op.path
    );
    send.attrs.retain(|a| !a.path().is_ident("doc"));
    send.attrs.insert(0, syn::parse_quote!(#[doc = #doc]));
    Ok(value)
}

/// `header_map.append(NAME, value.to_string().try_into()?)`, wherever progenitor writes it (an
/// optional header's sits in an `if let`): a header parameter whose value is not a valid header
/// fails the call before sending, naming the parameter, and a secret one is marked sensitive.
struct HeaderAppend<'a> {
    op: &'a Operation,
}

impl VisitMut for HeaderAppend<'_> {
    fn visit_expr_method_call_mut(&mut self, call: &mut syn::ExprMethodCall) {
        syn::visit_mut::visit_expr_method_call_mut(self, call);
        let receiver = &call.receiver;
        if call.method != "append" || quote!(#receiver).to_string() != "header_map" {
            return;
        }
        let name = call
            .args
            .first()
            .map(|a| quote!(#a).to_string().trim_matches('"').to_string())
            .unwrap_or_default();
        let secret = self
            .op
            .params
            .iter()
            .any(|p| p.location == "header" && p.name == name && p.secret);
        if let Some(arg) = call.args.iter_mut().nth(1)
            && let syn::Expr::Try(t) = arg
        {
            let value = &t.expr;
            *arg = syn::parse_quote!(crate::transport::checked!(
                crate::transport::header_value(#value, #name, #secret),
                OP
            ));
        }
    }
}

/// The success type of an operation's `send` from progenitor's (`value`): the same, except for
/// a body that is not JSON, which progenitor leaves a stream and the transport reads whole.
fn success_type(op: &Operation, value: &syn::Type) -> syn::Type {
    match op.raw_success() {
        Some(Raw::Text) => syn::parse_quote!(String),
        Some(Raw::Bytes) => syn::parse_quote!(::bytes::Bytes),
        None => value.clone(),
    }
}

/// `Result<ResponseValue<T>, Error<E>>` → `(T, E)`.
fn send_types(sig: &syn::Signature) -> Option<(syn::Type, syn::Type)> {
    fn args(ty: &syn::Type) -> Option<Vec<syn::Type>> {
        let syn::Type::Path(p) = ty else { return None };
        let syn::PathArguments::AngleBracketed(args) = &p.path.segments.last()?.arguments else {
            return None;
        };
        Some(
            args.args
                .iter()
                .filter_map(|a| match a {
                    syn::GenericArgument::Type(t) => Some(t.clone()),
                    _ => None,
                })
                .collect(),
        )
    }
    let syn::ReturnType::Type(_, ty) = &sig.output else {
        return None;
    };
    let outer = args(ty)?;
    let value = args(outer.first()?)?.into_iter().next()?;
    let error = args(outer.get(1)?)?.into_iter().next()?;
    Some((value, error))
}

/// Takes out of the request building what costs on every call for nothing: the undocumented
/// `api-version` header progenitor adds to every request (the vendors do not know it), the
/// `Accept: application/json` every client sends anyway, and the
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
        if call.method == "headers" && quote!(#call).to_string().ends_with(". headers (header_map)") {
            if self.no_header_map {
                *expr = (*call.receiver).clone();
            } else {
                // The request is built again for a retry: each build takes a copy.
                call.args = syn::parse_quote!(header_map.clone());
            }
            return;
        }
        // `.header(ACCEPT, "application/json")`: every client sends it already (the shared
        // builder's fixed headers), so the request does not build it a second time.
        let arg = |i: usize| {
            call.args
                .iter()
                .nth(i)
                .map(|a| quote!(#a).to_string())
                .unwrap_or_default()
        };
        if call.method == "header"
            && call.args.len() == 2
            && arg(0).ends_with(":: header :: ACCEPT")
            && arg(1).contains("from_static (\"application/json\"")
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

/// Every string enum typify made (unit variants, each a wire string) becomes an open enum
/// (`crate::open_enum::open_enum!`): a value the vendor adds later decodes as `Other(..)`
/// instead of failing the whole answer. Its conversions from text go with it (the open enum
/// has its own); its other impls (`Default`, `From<&Self>`) stay.
fn open_string_enums(items: &mut Vec<syn::Item>) {
    let mut opened = BTreeSet::new();
    for item in items.iter_mut() {
        let syn::Item::Enum(e) = item else { continue };
        let mut variants = Vec::new();
        for v in &e.variants {
            if !matches!(v.fields, syn::Fields::Unit) {
                break;
            }
            let wire = crate::decode::serde_field(&v.attrs)
                .rename
                .unwrap_or_else(|| v.ident.to_string());
            let docs: Vec<&syn::Attribute> = v.attrs.iter().filter(|a| a.path().is_ident("doc")).collect();
            let ident = &v.ident;
            variants.push(quote!(#(#docs)* #ident = #wire,));
        }
        if variants.len() != e.variants.len() || variants.is_empty() {
            continue;
        }
        let container_serde = e.attrs.iter().any(|a| a.path().is_ident("serde"));
        if container_serde {
            continue;
        }
        let docs: Vec<&syn::Attribute> = e.attrs.iter().filter(|a| a.path().is_ident("doc")).collect();
        let name = &e.ident;
        opened.insert(name.to_string());
        *item = syn::parse_quote! {
            crate::open_enum::open_enum! {
                #(#docs)*
                pub enum #name {
                    #(#variants)*
                }
            }
        };
    }
    items.retain(|item| {
        let syn::Item::Impl(imp) = item else { return true };
        let (Some((trait_path, _)), syn::Type::Path(ty)) = (&imp.trait_, &*imp.self_ty) else {
            return true;
        };
        let Some(self_name) = ty.path.segments.last().map(|s| s.ident.to_string()) else {
            return true;
        };
        let Some(trait_name) = trait_path.segments.last() else {
            return true;
        };
        let text_conversion = matches!(
            trait_name.ident.to_string().as_str(),
            "Display" | "FromStr" | "TryFrom" | "ToString"
        );
        !(opened.contains(&self_name) && text_conversion)
    });
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
                let crate::decode::SerdeField { rename, flatten, .. } = crate::decode::serde_field(&field.attrs);
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
fn reshape_type_builders(items: &mut Vec<syn::Item>, shapes: &BTreeMap<String, Shape>) -> Vec<String> {
    let mut complete = Vec::new();
    items.insert(
        0,
        syn::parse_quote! {
            #[allow(unused_imports)]
            use {crate::IntoFieldValue, std::fmt::Display};
        },
    );
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
                        pub fn #ident(mut self, value: impl IntoFieldValue<#ty>) -> Self {
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
                    // `<T>(value: T) where T: TryInto<X>, T::Error: Display` says the same as
                    // `value: impl TryInto<X, Error: Display>`, in one line instead of four.
                    if let Some(ty) = &field_ty
                        && f.sig.generics.params.len() == 1
                    {
                        let block = &f.block;
                        *f = syn::parse_quote! {
                            pub fn #ident(mut self, value: impl TryInto<#ty, Error: Display>) -> Self #block
                        };
                    }
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

/// The types a request carries: every body type the operation builders take
/// (`types::builder::X`), and every type their fields hold, transitively.
fn sent_types(items: &[syn::Item]) -> BTreeSet<String> {
    let mut roots = BTreeSet::new();
    let Some(syn::Item::Mod(ops)) = items
        .iter()
        .find(|i| matches!(i, syn::Item::Mod(m) if m.ident == "builder"))
    else {
        return roots;
    };
    let text = quote!(#ops).to_string();
    for piece in text.split("types :: builder :: ").skip(1) {
        if let Some(name) = piece.split(|c: char| !c.is_alphanumeric() && c != '_').next() {
            roots.insert(name.to_string());
        }
    }
    reachable(items, roots)
}

/// The types a response holds: each operation's success body (the types progenitor's `send`
/// returns, inline ones included) and the error body (`ErrorBody` in every spec of this
/// crate), and every type their fields hold, transitively.
fn received_types(items: &[syn::Item], ops: &[Operation]) -> BTreeSet<String> {
    let mut roots: BTreeSet<String> = ops
        .iter()
        .filter_map(|op| op.success.as_ref()?.1.clone())
        .filter(|name| !name.is_empty())
        .chain(["ErrorBody".to_string()])
        .collect();
    if let Some(syn::Item::Mod(ops)) = items
        .iter()
        .find(|i| matches!(i, syn::Item::Mod(m) if m.ident == "builder"))
        && let Some((_, builders)) = &ops.content
    {
        for item in builders {
            let syn::Item::Impl(imp) = item else { continue };
            for it in &imp.items {
                let syn::ImplItem::Fn(f) = it else { continue };
                if f.sig.ident != "send" {
                    continue;
                }
                let output = &f.sig.output;
                let text = quote!(#output).to_string();
                let Some(value) = text.split("ResponseValue <").nth(1) else {
                    continue;
                };
                for piece in value.split("types :: ").skip(1) {
                    if let Some(name) = piece.split(|c: char| !c.is_alphanumeric() && c != '_').next() {
                        roots.insert(name.to_string());
                    }
                }
            }
        }
    }
    reachable(items, roots)
}

/// `roots` and every type of `types` their fields or variants hold, transitively.
fn reachable(items: &[syn::Item], roots: BTreeSet<String>) -> BTreeSet<String> {
    let mut found = roots;
    let Some(syn::Item::Mod(types)) = items
        .iter()
        .find(|i| matches!(i, syn::Item::Mod(m) if m.ident == "types"))
    else {
        return found;
    };
    let Some((_, types)) = &types.content else { return found };
    // What each type's fields or variants mention, by name.
    let mut mentions: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for item in types {
        // The field types only: docs and serde attributes name other types in prose.
        let field_types = |fields: &syn::Fields| {
            let types = fields.iter().map(|f| &f.ty);
            quote!(#(#types)*).to_string()
        };
        let (name, body) = match item {
            syn::Item::Struct(s) => (s.ident.to_string(), field_types(&s.fields)),
            syn::Item::Enum(e) => (
                e.ident.to_string(),
                e.variants
                    .iter()
                    .map(|v| field_types(&v.fields))
                    .collect::<Vec<_>>()
                    .join(" "),
            ),
            _ => continue,
        };
        let words = body
            .split(|c: char| !c.is_alphanumeric() && c != '_')
            .filter(|w| w.starts_with(|c: char| c.is_ascii_uppercase()))
            .map(str::to_string)
            .collect();
        mentions.insert(name, words);
    }
    let mut todo: Vec<String> = found.iter().cloned().collect();
    while let Some(name) = todo.pop() {
        for word in mentions.get(&name).into_iter().flatten() {
            if mentions.contains_key(word) && found.insert(word.clone()) {
                todo.push(word.clone());
            }
        }
    }
    found
}

/// Takes out the builders of the types no request carries (typify makes one for every type):
/// the builder, its conversions and the type's `builder()`. What a user only reads needs none.
fn prune_type_builders(types: &mut Vec<syn::Item>, sent: &BTreeSet<String>) {
    let unsent = |ty: &syn::Type| {
        let text = quote!(#ty).to_string();
        let name = text.rsplit(" :: ").next().unwrap_or(&text).trim();
        !sent.contains(name)
    };
    // `impl X { pub fn builder() }`, `impl TryFrom<builder::X> for X`, `impl From<X> for builder::X`.
    types.retain(|item| {
        let syn::Item::Impl(imp) = item else { return true };
        let text = quote!(#imp).to_string();
        let is_builder_glue = text.contains("builder :: ") || text.contains("fn builder ()");
        !(is_builder_glue && unsent(&imp.self_ty))
    });
    if let Some(builders) = module(types, "builder") {
        builders.retain(|item| match item {
            syn::Item::Struct(s) => sent.contains(&s.ident.to_string()),
            syn::Item::Impl(imp) => !unsent(&imp.self_ty),
            _ => true,
        });
    }
}

/// The read-only types (no request carries them) whose every field has a `Default`: plain
/// values, options, lists, maps, times, and other such types.
fn defaultable_read_types(types: &[syn::Item], sent: &BTreeSet<String>) -> Vec<String> {
    const DEFAULT: [&str; 20] = [
        ":: std :: option :: Option <",
        ":: std :: vec :: Vec <",
        ":: std :: string :: String",
        ":: serde_json :: Map <",
        ":: serde_json :: Value",
        ":: std :: collections :: BTreeMap <",
        ":: std :: collections :: HashMap <",
        ":: chrono :: DateTime <",
        ":: chrono :: NaiveDate",
        ":: chrono :: NaiveDateTime",
        "bool",
        "i64",
        "i32",
        "u64",
        "u32",
        "f64",
        "f32",
        "u8",
        "i8",
        "u16",
    ];
    let structs: BTreeMap<String, Vec<String>> = types
        .iter()
        .filter_map(|item| match item {
            syn::Item::Struct(s) if matches!(s.fields, syn::Fields::Named(_)) => Some((
                s.ident.to_string(),
                s.fields
                    .iter()
                    .map(|f| {
                        let ty = &f.ty;
                        quote!(#ty).to_string()
                    })
                    .collect(),
            )),
            _ => None,
        })
        .collect();
    let mut yes: BTreeSet<String> = BTreeSet::new();
    loop {
        let before = yes.len();
        for (name, fields) in &structs {
            if yes.contains(name) {
                continue;
            }
            let ok = fields.iter().all(|ty| {
                DEFAULT
                    .iter()
                    .any(|d| ty.starts_with(d) && (d.ends_with('<') || ty == d))
                    || yes.contains(ty.as_str())
            });
            if ok {
                yes.insert(name.clone());
            }
        }
        if yes.len() == before {
            break;
        }
    }
    yes.into_iter().filter(|n| !sent.contains(n)).collect()
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
