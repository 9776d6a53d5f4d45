//! `Debug` for the generated types and operation builders that hold a secret. The spec marks each
//! secret field and parameter `format: password` (OpenAPI's mark for a value to hide, which
//! Swagger UI and other tools honour too); such a struct, its body builder and an operation
//! builder taking such a parameter get a `Debug` that shows whether the value is set, never the
//! value. Every catch-all map of fields the spec does not name (`extra`, and the open bodies'
//! named maps) shows its keys only: an unknown field may be a secret the vendor added. A marked
//! field the generated code does not have fails the build, so a renamed type cannot quietly
//! print a secret again.

use std::collections::{BTreeMap, BTreeSet};

use heck::ToUpperCamelCase;
use openapiv3::{
    OpenAPI, ParameterData, ParameterSchemaOrContent, ReferenceOr, Schema, SchemaKind, StringFormat, Type,
    VariantOrUnknownOrEmpty,
};
use quote::{format_ident, quote};

/// The secret fields of each schema, by wire name: a component schema's own, and those of the
/// inline objects in its properties (which typify names `<Schema><Property>`).
pub fn secret_fields(spec: &OpenAPI) -> BTreeMap<String, BTreeSet<String>> {
    fn properties(schema: &Schema) -> Vec<(&String, &ReferenceOr<Box<Schema>>)> {
        match &schema.schema_kind {
            SchemaKind::Type(Type::Object(object)) => object.properties.iter().collect(),
            SchemaKind::Any(any) => any.properties.iter().collect(),
            _ => Vec::new(),
        }
    }
    fn walk(name: &str, schema: &Schema, found: &mut BTreeMap<String, BTreeSet<String>>) {
        for (prop, value) in properties(schema) {
            // A `$ref` names a component schema, walked on its own.
            let ReferenceOr::Item(value) = value else { continue };
            if is_secret(value) {
                found.entry(name.to_string()).or_default().insert(prop.clone());
            }
            if !properties(value).is_empty() {
                walk(&format!("{name}{}", prop.to_upper_camel_case()), value, found);
            }
        }
    }
    let mut found = BTreeMap::new();
    for (name, schema) in spec.components.iter().flat_map(|c| &c.schemas) {
        if let ReferenceOr::Item(schema) = schema {
            walk(name, schema, &mut found);
        }
    }
    found
}

fn is_secret(schema: &Schema) -> bool {
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(text)) => {
            matches!(text.format, VariantOrUnknownOrEmpty::Item(StringFormat::Password))
        }
        SchemaKind::Any(any) => any.format.as_deref() == Some("password"),
        _ => false,
    }
}

/// Whether a parameter's schema (inline, or the component it names) is `format: password`.
pub fn is_secret_parameter(spec: &OpenAPI, data: &ParameterData) -> bool {
    let ParameterSchemaOrContent::Schema(schema) = &data.format else {
        return false;
    };
    match schema {
        ReferenceOr::Item(schema) => is_secret(schema),
        ReferenceOr::Reference { reference } => reference
            .strip_prefix("#/components/schemas/")
            .and_then(|name| spec.components.as_ref()?.schemas.get(name))
            .and_then(ReferenceOr::as_item)
            .is_some_and(is_secret),
    }
}

/// Replaces the derived `Debug` of the operation builders (`builder`) whose operation takes a
/// secret parameter: `builders` maps a builder's name to its secret parameters' Rust names.
pub fn hide_params(items: &mut Vec<syn::Item>, builders: &BTreeMap<String, BTreeSet<String>>) -> Hidden {
    hide_in(items, builders)
}

/// The structs whose `Debug` hides fields, and the fields it hides (Rust names).
pub type Hidden = BTreeMap<String, BTreeSet<String>>;

/// Replaces the derived `Debug` of the structs of `types` (and of their builders in
/// `types::builder`) that hold a secret. `open`: the open bodies and their maps.
pub fn hide(
    types: &mut Vec<syn::Item>,
    secrets: &BTreeMap<String, BTreeSet<String>>,
    open: &[(&str, &str)],
) -> Result<(Hidden, Hidden), String> {
    // The secret fields of each struct, by Rust name.
    let mut hidden: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (schema, field) in open {
        hidden.entry(schema.to_string()).or_default().insert(field.to_string());
    }
    for (schema, wires) in secrets {
        let fields = types
            .iter()
            .find_map(|item| match item {
                syn::Item::Struct(s) if s.ident == schema => Some(&s.fields),
                _ => None,
            })
            .ok_or_else(|| format!("build/secrets.rs: schema `{schema}` has secret fields but no generated struct"))?;
        for wire in wires {
            let rust = fields
                .iter()
                .find_map(|f| {
                    let ident = f.ident.as_ref()?.to_string();
                    let name = crate::decode::serde_field(&f.attrs)
                        .rename
                        .unwrap_or_else(|| ident.trim_start_matches("r#").to_string());
                    (name == *wire).then_some(ident)
                })
                .ok_or_else(|| {
                    format!("build/secrets.rs: `{schema}.{wire}` is secret but its struct has no such field")
                })?;
            hidden.entry(schema.clone()).or_default().insert(rust);
        }
    }
    // Every catch-all map: the types' own and their builders' (which carry the same names).
    for item in types.iter() {
        if let syn::Item::Struct(s) = item
            && let Some(field) = catch_all(s)
        {
            hidden.entry(s.ident.to_string()).or_default().insert(field);
        }
    }
    let in_types = hide_in(types, &hidden);
    let mut in_builders = Hidden::new();
    if let Some(syn::Item::Mod(m)) = types
        .iter_mut()
        .find(|i| matches!(i, syn::Item::Mod(m) if m.ident == "builder"))
        && let Some((_, builders)) = &mut m.content
    {
        in_builders = hide_in(builders, &hidden);
    }
    Ok((in_types, in_builders))
}

/// `debug_samples(secret)` for a module whose structs `hidden` lists (cargo feature `mock`, for
/// the crate's leak tests): each struct's `Debug` with `secret` in every hidden field, the other
/// fields as `base` makes them (`Default::default()`, or an operation builder's `new(client)`).
/// A struct `base` cannot make is listed as unchecked, which the leak test refuses.
pub fn samples(
    items: &mut Vec<syn::Item>,
    hidden: &Hidden,
    base: impl Fn(&syn::ItemStruct) -> Option<syn::Expr>,
    params: Vec<syn::FnArg>,
    more: Vec<syn::Stmt>,
) {
    let mut checks = Vec::new();
    for item in items.iter() {
        let syn::Item::Struct(s) = item else { continue };
        let Some(fields) = hidden.get(&s.ident.to_string()) else {
            continue;
        };
        let name = &s.ident;
        let label = name.to_string();
        checks.push(match base(s) {
            Some(base) => {
                let fields = fields.iter().map(|f| format_ident!("{}", f));
                quote!((#label, format!("{:?}", #name { #(#fields: Sample::sample(secret),)* ..#base })))
            }
            None => quote!((#label, String::from("unchecked: no way to make one"))),
        });
    }
    items.push(syn::parse_quote! {
        /// Every struct here whose `Debug` hides fields, with `secret` in each of them, as
        /// `Debug` prints it (the crate's leak tests read it).
        #[cfg(feature = "mock")]
        #[doc(hidden)]
        #[allow(unused_variables)]
        pub fn debug_samples(#(#params),*) -> Vec<(&'static str, String)> {
            #[allow(unused_imports)]
            use crate::redact::Sample;
            #[allow(unused_mut)]
            let mut all: Vec<(&'static str, String)> = vec![#(#checks),*];
            #(#more)*
            all
        }
    });
}

/// Whether a struct derives or implements `Default` in `items`.
pub fn has_default(items: &[syn::Item], s: &syn::ItemStruct) -> bool {
    let derived = s
        .attrs
        .iter()
        .any(|a| a.path().is_ident("derive") && quote!(#a).to_string().contains("Default"));
    derived
        || items.iter().any(|item| {
            let syn::Item::Impl(imp) = item else { return false };
            let (Some((path, _)), syn::Type::Path(ty)) = (&imp.trait_, &*imp.self_ty) else {
                return false;
            };
            path.segments.last().is_some_and(|seg| seg.ident == "Default")
                && ty.path.segments.last().is_some_and(|seg| seg.ident == s.ident)
        })
}

/// The flattened map that keeps the fields the spec does not name, if the struct has one.
fn catch_all(s: &syn::ItemStruct) -> Option<String> {
    s.fields.iter().find_map(|f| {
        let flattened = f
            .attrs
            .iter()
            .any(|a| a.path().is_ident("serde") && quote!(#a).to_string().contains("flatten"));
        let ty = &f.ty;
        (flattened && quote!(#ty).to_string().contains("Map")).then(|| f.ident.as_ref().map(ToString::to_string))?
    })
}

fn hide_in(items: &mut Vec<syn::Item>, hidden: &BTreeMap<String, BTreeSet<String>>) -> Hidden {
    let mut impls = Vec::new();
    let mut done = Hidden::new();
    for item in items.iter_mut() {
        let syn::Item::Struct(s) = item else { continue };
        let Some(secret) = hidden.get(&s.ident.to_string()) else {
            continue;
        };
        if !crate::decode::drop_derive(&mut s.attrs, "Debug") {
            continue;
        }
        let present: BTreeSet<String> = s
            .fields
            .iter()
            .filter_map(|f| f.ident.as_ref().map(ToString::to_string))
            .filter(|f| secret.contains(f))
            .collect();
        done.insert(s.ident.to_string(), present);
        let name = &s.ident;
        let lifetimes = s.generics.lifetimes().map(|_| quote!('_));
        let generics = if s.generics.lifetimes().count() > 0 {
            quote!(<#(#lifetimes),*>)
        } else {
            quote!()
        };
        let fields = s.fields.iter().filter_map(|f| {
            let ident = f.ident.as_ref()?;
            let how = if secret.contains(&ident.to_string()) {
                "hidden"
            } else {
                "shown"
            };
            let how = format_ident!("{}", how);
            Some(quote!(#ident #how))
        });
        impls.push(syn::parse_quote!(crate::redact::debug!(#name #generics; #(#fields),*);));
    }
    items.extend(impls);
    done
}
