//! The generated structs' `Deserialize`, written here instead of derived.
//!
//! serde's derive makes every struct with a catch-all map (`#[serde(flatten)]`) a visitor of its
//! own, generic over the deserializer, that buffers what it does not know and replays it: about
//! a third of the crate's build across the four specs. Each such struct, and each one that
//! refuses unknown fields (`deny_unknown_fields`), gets instead an `Object` impl: plain code
//! that takes its fields by their wire names from the object's map (`required`, `optional`,
//! lists item by item; the `_object` forms for a field that holds another such struct) and
//! keeps the rest in its map, or refuses it; its `Deserialize` is one line that calls
//! `crate::decode::object`. A struct with neither, or with a serde attribute this does not
//! know, keeps the derive.

use std::collections::BTreeSet;

use quote::{format_ident, quote};

/// A field's `#[serde(...)]` attributes.
#[derive(Default)]
pub struct SerdeField {
    pub rename: Option<String>,
    pub flatten: bool,
    default: bool,
    /// An attribute other than these and `skip_serializing_if`.
    unknown: bool,
}

/// Reads a field's `#[serde(...)]` attributes.
pub fn serde_field(attrs: &[syn::Attribute]) -> SerdeField {
    let mut field = SerdeField::default();
    for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        let parsed = attr.parse_nested_meta(|meta| {
            let name = meta.path.get_ident().map(|i| i.to_string()).unwrap_or_default();
            if meta.input.peek(syn::Token![=]) {
                let value: syn::LitStr = meta.value()?.parse()?;
                match name.as_str() {
                    "rename" => field.rename = Some(value.value()),
                    "skip_serializing_if" => {}
                    _ => field.unknown = true,
                }
            } else {
                match name.as_str() {
                    "flatten" => field.flatten = true,
                    "default" => field.default = true,
                    _ => field.unknown = true,
                }
            }
            Ok(())
        });
        field.unknown |= parsed.is_err();
    }
    field
}

/// Replaces serde's derived `Deserialize` of the structs of `types` that keep or refuse
/// unknown fields.
pub fn write_deserialize(items: &mut Vec<syn::Item>) {
    // The structs that get an `Object` impl: a field holding one is taken without serde.
    let objects: BTreeSet<String> = items
        .iter()
        .filter_map(|item| match item {
            syn::Item::Struct(s) if has_derive(&s.attrs) && take_fields(s, &BTreeSet::new()).is_some() => {
                Some(s.ident.to_string())
            }
            _ => None,
        })
        .collect();
    // Each struct's impls follow it, as a reader looks for them.
    for item in std::mem::take(items) {
        let syn::Item::Struct(mut s) = item else {
            items.push(item);
            continue;
        };
        let Some(body) = take_fields(&s, &objects).filter(|_| drop_derive(&mut s.attrs, "Deserialize")) else {
            items.push(syn::Item::Struct(s));
            continue;
        };
        // What only the derive read: `deny_unknown_fields` and the fields' `default`.
        s.attrs
            .retain(|a| !(a.path().is_ident("serde") && quote!(#a).to_string().contains("deny_unknown_fields")));
        for field in s.fields.iter_mut() {
            strip_default(&mut field.attrs);
        }
        let name = s.ident.clone();
        // `o` is only read at the end when the struct names no field.
        let named = s.fields.iter().filter(|f| !serde_field(&f.attrs).flatten).count();
        let binding: syn::Pat = if named > 0 {
            syn::parse_quote!(mut o)
        } else {
            syn::parse_quote!(o)
        };
        items.push(syn::Item::Struct(s));
        items.push(syn::parse_quote! {
            impl crate::decode::Object for #name {
                fn take(#binding: crate::decode::Fields) -> crate::decode::Taken<Self> #body
            }
        });
        items.push(syn::parse_quote!(crate::decode::deserialize_object!(#name);));
    }
}

/// Takes `Deserialize` off the types of `types` outside `read`, the ones no response holds
/// and no request body (which a user may load from JSON): the enums of query parameters,
/// which are only written.
pub fn drop_unread(items: &mut [syn::Item], read: &BTreeSet<String>) {
    for item in items {
        let (ident, attrs) = match item {
            syn::Item::Struct(s) => (&s.ident, &mut s.attrs),
            syn::Item::Enum(e) => (&e.ident, &mut e.attrs),
            _ => continue,
        };
        if !read.contains(&ident.to_string()) {
            drop_derive(attrs, "Deserialize");
        }
    }
}

/// The body of a struct's `take`, or `None` when its derive must stay. `objects`: the structs
/// that implement `Object`.
fn take_fields(s: &syn::ItemStruct, objects: &BTreeSet<String>) -> Option<syn::Block> {
    let syn::Fields::Named(fields) = &s.fields else {
        return None;
    };
    let deny = s
        .attrs
        .iter()
        .any(|a| a.path().is_ident("serde") && quote!(#a).to_string().contains("deny_unknown_fields"));
    let container_serde = s.attrs.iter().filter(|a| a.path().is_ident("serde")).count();
    if container_serde > usize::from(deny) {
        return None;
    }
    let mut inits = Vec::new();
    let mut wires = Vec::new();
    let mut rest = None;
    for field in &fields.named {
        let ident = field.ident.as_ref()?;
        let serde = serde_field(&field.attrs);
        if serde.unknown {
            return None;
        }
        let ty = &field.ty;
        let text = quote!(#ty)
            .to_string()
            .replace(' ', "")
            .replace("::std::option::", "")
            .replace("::std::vec::", "")
            .replace("::std::string::", "");
        if serde.flatten {
            if rest.is_some() || text != "::serde_json::Map<String,::serde_json::Value>" {
                return None;
            }
            rest = Some(ident);
            continue;
        }
        let wire = serde
            .rename
            .unwrap_or_else(|| ident.to_string().trim_start_matches("r#").to_string());
        // The innermost type, under `Option` and `Vec`: another generated struct or not.
        let inner = text
            .trim_start_matches("Option<")
            .trim_start_matches("Vec<")
            .trim_end_matches('>');
        let object = objects.contains(inner);
        let take = match (text.split('<').next().unwrap_or_default(), object) {
            ("Option", _) if text.starts_with("Option<Vec<") => ["optional_list", "optional_objects"],
            ("Option", _) => ["optional", "optional_object"],
            ("Vec", _) if serde.default => ["list_or_empty", "objects_or_empty"],
            ("Vec", _) => ["list", "objects"],
            _ if serde.default => ["optional", "optional"],
            _ => ["required", "required_object"],
        }[usize::from(object)];
        // Only a field that must be there returns early (`?`); one that may be missing keeps
        // its mismatch in `o` for `finish`/`refuse_rest` (see `src/decode.rs`).
        let fallible = matches!(take, "required" | "required_object" | "list" | "objects");
        let take = format_ident!("{}", take);
        wires.push(wire.clone());
        inits.push(if fallible {
            quote!(#ident: o.#take(#wire)?)
        } else {
            quote!(#ident: o.#take(#wire))
        });
    }
    match (rest, deny) {
        (Some(rest), false) => Some(syn::parse_quote!({
            let value = Self { #(#inits,)* #rest: o.rest() };
            o.finish(value)
        })),
        (None, true) => Some(syn::parse_quote!({
            let value = Self { #(#inits,)* };
            o.refuse_rest(value, &[#(#wires),*])
        })),
        // Neither kept nor refused (the list envelopes): serde's derive is lean there (it
        // buffers nothing) and streams each item into its type, one object's map at a time;
        // this would read the whole list into JSON values first (1,000 clients: 1.37x the
        // derive's decoding time, against 1.17x with the envelope derived).
        _ => None,
    }
}

/// Whether serde's `Deserialize` is among the derives.
fn has_derive(attrs: &[syn::Attribute]) -> bool {
    attrs
        .iter()
        .filter(|a| a.path().is_ident("derive"))
        .any(|a| quote!(#a).to_string().contains("Deserialize"))
}

/// Takes the derive `name` (e.g. `Deserialize`) out of an item's derives; false when it was not
/// there.
pub fn drop_derive(attrs: &mut [syn::Attribute], name: &str) -> bool {
    use syn::punctuated::Punctuated;
    for attr in attrs.iter_mut().filter(|a| a.path().is_ident("derive")) {
        let Ok(paths) = attr.parse_args_with(Punctuated::<syn::Path, syn::Token![,]>::parse_terminated) else {
            continue;
        };
        let kept: Punctuated<syn::Path, syn::Token![,]> = paths
            .iter()
            .filter(|p| p.segments.last().is_none_or(|s| s.ident != name))
            .cloned()
            .collect();
        if kept.len() != paths.len() {
            *attr = syn::parse_quote!(#[derive(#kept)]);
            return true;
        }
    }
    false
}

/// `#[serde(default, skip_serializing_if = "…")]` → `#[serde(skip_serializing_if = "…")]`.
fn strip_default(attrs: &mut Vec<syn::Attribute>) {
    for attr in attrs.iter_mut().filter(|a| a.path().is_ident("serde")) {
        let Ok(metas) =
            attr.parse_args_with(syn::punctuated::Punctuated::<syn::Meta, syn::Token![,]>::parse_terminated)
        else {
            continue;
        };
        let kept: Vec<&syn::Meta> = metas.iter().filter(|m| !m.path().is_ident("default")).collect();
        if kept.len() != metas.len() {
            *attr = syn::parse_quote!(#[serde(#(#kept),*)]);
        }
    }
    attrs.retain(|a| !(a.path().is_ident("serde") && matches!(&a.meta, syn::Meta::List(l) if l.tokens.is_empty())));
}
