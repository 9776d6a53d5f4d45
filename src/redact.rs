//! How a generated type's `Debug` shows a field the spec marks secret (`format: password`):
//! whether it is set, never its value. `build/secrets.rs` writes the impls with [`debug!`].
//! (A build whose APIs hold no secret field uses none of this.)
#![allow(dead_code, unused_macros, unused_imports)]

use std::fmt;

/// A secret field's value as `Debug` shows it.
#[doc(hidden)]
pub struct Hidden<'a, T: ?Sized>(&'a T);

/// The field as `Debug` shows it: hidden.
#[doc(hidden)]
pub fn hidden<T: Redact + ?Sized>(value: &T) -> Hidden<'_, T> {
    Hidden(value)
}

/// The field as `Debug` shows it: as it is.
#[doc(hidden)]
pub fn shown<T: fmt::Debug + ?Sized>(value: &T) -> &T {
    value
}

impl<T: Redact + ?Sized> fmt::Debug for Hidden<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.redacted(f)
    }
}

/// A value that can say what it holds without showing it.
#[doc(hidden)]
pub trait Redact {
    /// Writes the value's shape, not its content.
    fn redacted(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result;
}

const MARK: &str = "<redacted>";

impl Redact for String {
    fn redacted(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(MARK)
    }
}

impl<T: Redact> Redact for Option<T> {
    fn redacted(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Some(value) => f.debug_tuple("Some").field(&Hidden(value)).finish(),
            None => f.write_str("None"),
        }
    }
}

/// A body builder's field: set (hidden) or the message of what is wrong with it (which names
/// the field, never the value).
impl<T: Redact> Redact for Result<T, String> {
    fn redacted(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Ok(value) => f.debug_tuple("Ok").field(&Hidden(value)).finish(),
            Err(message) => f.debug_tuple("Err").field(message).finish(),
        }
    }
}

/// An open body's further fields: their names, not their values.
impl Redact for serde_json::Map<String, serde_json::Value> {
    fn redacted(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.keys().map(|k| (k, Hidden("")))).finish()
    }
}

impl Redact for str {
    fn redacted(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(MARK)
    }
}

/// A value with `secret` in it, for the leak tests' samples of every generated `Debug`
/// (`build/secrets.rs` writes them).
#[doc(hidden)]
pub trait Sample {
    /// A value holding `secret`.
    fn sample(secret: &str) -> Self;
}

impl Sample for String {
    fn sample(secret: &str) -> Self {
        secret.to_string()
    }
}

impl<T: Sample> Sample for Option<T> {
    fn sample(secret: &str) -> Self {
        Some(T::sample(secret))
    }
}

impl<T: Sample> Sample for Result<T, String> {
    fn sample(secret: &str) -> Self {
        Ok(T::sample(secret))
    }
}

impl<T: Sample> Sample for Vec<T> {
    fn sample(secret: &str) -> Self {
        vec![T::sample(secret)]
    }
}

/// A catch-all map holding an unknown field whose value is the secret.
impl Sample for serde_json::Map<String, serde_json::Value> {
    fn sample(secret: &str) -> Self {
        serde_json::Map::from_iter([(
            "unknown_field".to_string(),
            serde_json::Value::String(secret.to_string()),
        )])
    }
}

/// `Debug` for a generated struct (an operation builder with its lifetime as `'_`): each field
/// `hidden` or `shown`.
macro_rules! debug {
    ($ty:ident $(<$lt:lifetime>)?; $($field:ident $how:ident),* $(,)?) => {
        impl ::std::fmt::Debug for $ty $(<$lt>)? {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.debug_struct(stringify!($ty))
                    $(.field(stringify!($field), &$crate::redact::$how(&self.$field)))*
                    .finish()
            }
        }
    };
}
pub(crate) use debug;
