//! What the text setters of the generated body builders accept.

use std::borrow::Cow;

/// A value a body builder's text setter takes: `&str`, `String` and friends for a text field
/// (`String` or `Option<String>`), a list of them for a list of text (`Vec<String>` or
/// `Option<Vec<String>>`), so no call needs `.to_string()`.
///
/// ```
/// # #[cfg(feature = "requestrocket")]
/// # fn main() {
/// use rocket_apis::requestrocket::types;
///
/// let target = types::TargetInput::builder()
///     .target_name("Payments API")
///     .target_base_url(String::from("https://api.payments.example.com"));
/// let target = types::TargetInput::try_from(target).unwrap();
/// assert_eq!(target.target_name.as_deref(), Some("Payments API"));
/// # }
/// # #[cfg(not(feature = "requestrocket"))]
/// # fn main() {}
/// ```
pub trait IntoFieldValue<T> {
    /// The field's value.
    fn into_field_value(self) -> T;
}

macro_rules! text {
    ($($from:ty => |$v:ident| $to:expr;)+) => {$(
        impl IntoFieldValue<String> for $from {
            fn into_field_value(self) -> String {
                let $v = self;
                $to
            }
        }
        impl IntoFieldValue<Option<String>> for $from {
            fn into_field_value(self) -> Option<String> {
                let $v = self;
                Some($to)
            }
        }
    )+};
}

text! {
    &str => |v| v.to_string();
    String => |v| v;
    &String => |v| v.clone();
    Box<str> => |v| v.into();
    Cow<'_, str> => |v| v.into_owned();
}

impl IntoFieldValue<Option<String>> for Option<String> {
    fn into_field_value(self) -> Option<String> {
        self
    }
}

impl IntoFieldValue<Option<String>> for Option<&str> {
    fn into_field_value(self) -> Option<String> {
        self.map(str::to_string)
    }
}

macro_rules! lists {
    ($($from:ty $(, const $n:ident)?;)+) => {$(
        impl<$(const $n: usize)?> IntoFieldValue<Vec<String>> for $from {
            fn into_field_value(self) -> Vec<String> {
                self.into_iter().map(|s| s.to_string()).collect()
            }
        }
        impl<$(const $n: usize)?> IntoFieldValue<Option<Vec<String>>> for $from {
            fn into_field_value(self) -> Option<Vec<String>> {
                Some(self.into_iter().map(|s| s.to_string()).collect())
            }
        }
    )+};
}

lists! {
    Vec<String>;
    Vec<&str>;
    &[&str];
    &[String];
    [&str; N], const N;
    [String; N], const N;
}

impl IntoFieldValue<Option<Vec<String>>> for Option<Vec<String>> {
    fn into_field_value(self) -> Option<Vec<String>> {
        self
    }
}
