//! How the generated types read a JSON object (their `Deserialize` impls call only this).
//!
//! serde's derive, with a catch-all map (`#[serde(flatten)]`), makes each type a visitor of its
//! own, generic over the deserializer, that buffers unknown fields and replays them; across the
//! four specs that was about a third of the crate's build. Here the generic part is one: an
//! object is read as a map of JSON values, and each type takes its fields from it by name in
//! plain (non-generic) code that `build/decode.rs` writes. A field's conversion runs on the
//! value already read, so a mismatch is reported at the object that holds it, as a path of
//! spec names (`data[3].created_at`), never with the value itself.

use std::{borrow::Cow, fmt};

use serde::de::{self, DeserializeOwned, Deserializer, MapAccess, Visitor};
use serde_json::{Map, Value};

/// The fields of one JSON object while a generated type takes the ones its spec names.
#[doc(hidden)]
pub struct Fields {
    map: Map<String, Value>,
}

/// What went wrong while a generated type took its fields: where (a path of spec names and
/// list indexes, innermost last) and what.
#[doc(hidden)]
pub struct Mismatch {
    path: Vec<Step>,
    what: String,
}

enum Step {
    Field(Cow<'static, str>),
    Index(usize),
}

/// The message's prefix that carries the path through serde's string-only custom errors.
const AT: &str = "at `";

impl Mismatch {
    #[cold]
    fn new(step: Step, e: serde_json::Error) -> Self {
        let text = e.to_string();
        // A nested generated type's error arrives as its message: take its path back apart.
        let (inner, what) = match split_path(&text) {
            Some((path, what)) => (parse_path(path), what.to_string()),
            None => (Vec::new(), text),
        };
        let mut path = vec![step];
        path.extend(inner);
        Mismatch { path, what }
    }

    #[cold]
    fn item(name: &'static str, index: usize, e: serde_json::Error) -> Self {
        let mut m = Mismatch::new(Step::Index(index), e);
        m.path.insert(0, Step::Field(name.into()));
        m
    }

    #[cold]
    fn missing(name: &'static str) -> Self {
        Mismatch {
            path: vec![Step::Field(name.into())],
            what: "missing".into(),
        }
    }
}

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            return f.write_str(&self.what);
        }
        f.write_str(AT)?;
        for (i, step) in self.path.iter().enumerate() {
            match step {
                Step::Field(name) if i == 0 => f.write_str(name)?,
                Step::Field(name) => write!(f, ".{name}")?,
                Step::Index(n) => write!(f, "[{n}]")?,
            }
        }
        write!(f, "`: {}", self.what)
    }
}

/// `at `a.b[2]`: what` → (`a.b[2]`, `what`).
fn split_path(message: &str) -> Option<(&str, &str)> {
    let rest = message.strip_prefix(AT)?;
    let end = rest.find("`: ")?;
    Some((&rest[..end], &rest[end + 3..]))
}

fn parse_path(path: &str) -> Vec<Step> {
    let mut steps = Vec::new();
    for part in path.split('.') {
        let (name, indexes) = part.split_once('[').map_or((part, ""), |(n, i)| (n, i));
        if !name.is_empty() {
            steps.push(Step::Field(Cow::Owned(name.to_string())));
        }
        for index in indexes.split('[').filter_map(|i| i.trim_end_matches(']').parse().ok()) {
            steps.push(Step::Index(index));
        }
    }
    steps
}

/// The path (spec names and list indexes) a decoding error names, e.g. `data[3].created_at`,
/// when a generated type reported it.
pub(crate) fn error_path(e: &serde_json::Error) -> Option<String> {
    let text = e.to_string();
    split_path(&text).map(|(path, _)| path.to_string())
}

// Which of these a build uses depends on the specs of its APIs.
#[allow(dead_code)]
impl Fields {
    /// A field the spec requires: missing is an error.
    pub fn required<T: DeserializeOwned>(&mut self, name: &'static str) -> Result<T, Mismatch> {
        match self.map.remove(name) {
            Some(value) => convert(name, value),
            None => Err(Mismatch::missing(name)),
        }
    }

    /// A field that may be missing (an `Option`, or a field with a default): missing is its
    /// default.
    pub fn optional<T: DeserializeOwned + Default>(&mut self, name: &'static str) -> Result<T, Mismatch> {
        match self.map.remove(name) {
            Some(value) => convert(name, value),
            None => Ok(T::default()),
        }
    }

    /// A list the spec requires. Its items are converted one by one, so a mismatch names the
    /// item's index.
    pub fn list<T: DeserializeOwned>(&mut self, name: &'static str) -> Result<Vec<T>, Mismatch> {
        match self.map.remove(name) {
            Some(value) => items(name, value),
            None => Err(Mismatch::missing(name)),
        }
    }

    /// A list that may be missing (empty then).
    pub fn list_or_empty<T: DeserializeOwned>(&mut self, name: &'static str) -> Result<Vec<T>, Mismatch> {
        match self.map.remove(name) {
            Some(value) => items(name, value),
            None => Ok(Vec::new()),
        }
    }

    /// A list that may be missing or `null` (`None` then).
    pub fn optional_list<T: DeserializeOwned>(&mut self, name: &'static str) -> Result<Option<Vec<T>>, Mismatch> {
        match self.map.remove(name) {
            None | Some(Value::Null) => Ok(None),
            Some(value) => items(name, value).map(Some),
        }
    }

    /// The fields the spec does not name, for the type's catch-all map.
    pub fn rest(self) -> Map<String, Value> {
        self.map
    }

    /// For a type that refuses fields its spec does not name (`known`): `value`, or an error
    /// naming the first such field and listing the known ones.
    pub fn refuse_rest<T>(self, value: T, known: &'static [&'static str]) -> Taken<T> {
        match self.map.into_iter().next() {
            None => Ok(value),
            Some((key, _)) => Err(Mismatch {
                path: Vec::new(),
                what: <serde_json::Error as de::Error>::unknown_field(&key, known).to_string(),
            }),
        }
    }
}

fn convert<T: DeserializeOwned>(name: &'static str, value: Value) -> Taken<T> {
    match T::deserialize(value) {
        Ok(value) => Ok(value),
        Err(e) => Err(Mismatch::new(Step::Field(name.into()), e)),
    }
}

fn items<T: DeserializeOwned>(name: &'static str, value: Value) -> Taken<Vec<T>> {
    let Value::Array(items) = value else {
        return Err(Mismatch {
            path: vec![Step::Field(name.into())],
            what: format!("expected a list, found {}", kind(&value)),
        });
    };
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.into_iter().enumerate() {
        match T::deserialize(item) {
            Ok(item) => out.push(item),
            Err(e) => return Err(Mismatch::item(name, i, e)),
        }
    }
    Ok(out)
}

/// The JSON kind of a value, for a message that must not show the value.
fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// What a generated type's `take` returns.
#[doc(hidden)]
pub type Taken<T> = Result<T, Mismatch>;

/// A generated type read from a JSON object: it takes its fields from `fields`.
#[doc(hidden)]
pub trait Object: Sized {
    /// The type from the object's fields.
    fn take(fields: Fields) -> Taken<Self>;
}

/// The `Deserialize` of a type that implements [`Object`].
macro_rules! deserialize_object {
    ($ty:ident) => {
        impl<'de> ::serde::Deserialize<'de> for $ty {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                $crate::decode::object(deserializer)
            }
        }
    };
}
pub(crate) use deserialize_object;

/// Reads a JSON object into `T`. Only the reading is generic over the deserializer, and it
/// does not know `T`.
#[doc(hidden)]
pub fn object<'de, D: Deserializer<'de>, T: Object>(deserializer: D) -> Result<T, D::Error> {
    let mut out = None;
    read_object(deserializer, &mut |fields| {
        T::take(fields).map(|value| out = Some(value))
    })?;
    out.ok_or_else(|| de::Error::custom("the object was not read"))
}

type Take<'a> = &'a mut dyn FnMut(Fields) -> Taken<()>;

fn read_object<'de, D: Deserializer<'de>>(deserializer: D, take: Take<'_>) -> Result<(), D::Error> {
    struct ObjectVisitor<'a>(Take<'a>);
    impl<'de> Visitor<'de> for ObjectVisitor<'_> {
        type Value = ();
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a JSON object")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<(), A::Error> {
            let mut map = Map::new();
            while let Some(key) = access.next_key::<String>()? {
                let value = access.next_value::<Value>()?;
                if map.contains_key(&key) {
                    return Err(de::Error::custom(format_args!("duplicate field `{key}`")));
                }
                map.insert(key, value);
            }
            // Taken inside the visit, so serde_json marks an error with the object's position.
            (self.0)(Fields { map }).map_err(de::Error::custom)
        }
    }
    deserializer.deserialize_map(ObjectVisitor(take))
}
