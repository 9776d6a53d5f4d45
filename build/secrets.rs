//! `Debug` for the generated types that hold a secret. The spec marks each secret field
//! `format: password` (OpenAPI's mark for a value to hide, which Swagger UI and other tools
//! honour too); such a struct, and its body builder, get a `Debug` that shows whether the field
//! is set, never its value. The open request bodies' maps (a credential's own fields) are
//! hidden the same way. A marked field the generated code does not have fails the build, so a
//! renamed type cannot quietly print a secret again.

use std::collections::{BTreeMap, BTreeSet};

use heck::ToUpperCamelCase;
use openapiv3::{OpenAPI, ReferenceOr, Schema, SchemaKind, StringFormat, Type, VariantOrUnknownOrEmpty};
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
    fn is_secret(schema: &Schema) -> bool {
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(text)) => {
                matches!(text.format, VariantOrUnknownOrEmpty::Item(StringFormat::Password))
            }
            SchemaKind::Any(any) => any.format.as_deref() == Some("password"),
            _ => false,
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

/// Replaces the derived `Debug` of the structs of `types` (and of their builders in
/// `types::builder`) that hold a secret. `open`: the open bodies and their maps.
pub fn hide(
    types: &mut Vec<syn::Item>,
    secrets: &BTreeMap<String, BTreeSet<String>>,
    open: &[(&str, &str)],
) -> Result<(), String> {
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
    hide_in(types, &hidden);
    if let Some(syn::Item::Mod(m)) = types
        .iter_mut()
        .find(|i| matches!(i, syn::Item::Mod(m) if m.ident == "builder"))
        && let Some((_, builders)) = &mut m.content
    {
        hide_in(builders, &hidden);
    }
    Ok(())
}

fn hide_in(items: &mut Vec<syn::Item>, hidden: &BTreeMap<String, BTreeSet<String>>) {
    let mut impls = Vec::new();
    for item in items.iter_mut() {
        let syn::Item::Struct(s) = item else { continue };
        let Some(secret) = hidden.get(&s.ident.to_string()) else {
            continue;
        };
        if !crate::decode::drop_derive(&mut s.attrs, "Debug") {
            continue;
        }
        let name = &s.ident;
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
        impls.push(syn::parse_quote!(crate::redact::debug!(#name; #(#fields),*);));
    }
    items.extend(impls);
}
