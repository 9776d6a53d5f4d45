//! How the generated types read a JSON object (their `Deserialize` impls call only this).
//!
//! serde's derive, with a catch-all map (`#[serde(flatten)]`), makes each type a visitor of its
//! own, generic over the deserializer, that buffers unknown fields and replays them; across the
//! four specs that was about a third of the crate's build. Here the part generic over the
//! deserializer is one: an object is read as a list of named JSON values, and each type takes
//! its fields from it by their wire names in plain code that `build/decode.rs` writes
//! ([`Object`]). The names are borrowed from the input where the deserializer lends them
//! (`from_slice`, `from_str`), and a flat list, not a map: an object has a few fields, and a
//! scan of them beats a tree of owned names. A field that holds another generated type is taken
//! from its object directly, without serde; any other field is converted from its JSON value by
//! serde. A mismatch names its place as a path of spec names and list indexes
//! (`data[3].created_at`), never the value.

use std::{borrow::Cow, fmt};

use serde::de::{self, DeserializeOwned, DeserializeSeed, Deserializer, MapAccess, Visitor};
use serde_json::{Map, Value};

/// A generated type read from a JSON object: it takes its fields from `fields`.
#[doc(hidden)]
pub trait Object: Sized {
    /// The type from the object's fields.
    fn take(fields: Fields<'_>) -> Taken<Self>;
}

/// What a generated type's `take` returns.
#[doc(hidden)]
pub type Taken<T> = Result<T, Mismatch>;

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

/// The fields of one JSON object while a generated type takes the ones its spec names, in the
/// order they came; each name appears once (`read_object` refuses a repeated one).
///
/// A field that may be missing is taken without `?`: a mismatch there is kept (the first one)
/// and the field gets its default, and `finish`/`refuse_rest` return the mismatch kept. A
/// `take` is then mostly straight-line code: with a `?` per field, each early return had to
/// drop the fields before it, and that cleanup was most of the generated types' machine code.
#[doc(hidden)]
pub struct Fields<'de> {
    entries: Vec<(Cow<'de, str>, Value)>,
    first: Option<Mismatch>,
}

// Which of these a build uses depends on the specs of its APIs.
#[allow(dead_code)]
impl<'de> Fields<'de> {
    fn new(entries: Vec<(Cow<'de, str>, Value)>) -> Self {
        Fields { entries, first: None }
    }

    /// The fields of an object serde read into a map (a generated type inside another's
    /// field). Not generic, so it is compiled once, not once per type.
    fn owned(map: Map<String, Value>) -> Self {
        Fields::new(map.into_iter().map(|(key, value)| (Cow::Owned(key), value)).collect())
    }

    /// Takes the field `name` out, if the object has it.
    fn remove(&mut self, name: &str) -> Option<Value> {
        let i = self.entries.iter().position(|(key, _)| key == name)?;
        // `remove`, not `swap_remove`: the fields left keep their order for `rest`.
        Some(self.entries.remove(i).1)
    }

    /// Keeps the first mismatch of a field that may be missing.
    #[cold]
    fn keep(&mut self, mismatch: Mismatch) {
        if self.first.is_none() {
            self.first = Some(mismatch);
        }
    }

    /// The mismatch kept so far, if any (a required field reports it first: it came first).
    fn earlier(&mut self) -> Taken<()> {
        match self.first.take() {
            Some(m) => Err(m),
            None => Ok(()),
        }
    }

    /// A field the spec requires: missing is an error.
    pub fn required<T: DeserializeOwned>(&mut self, name: &'static str) -> Taken<T> {
        self.required_as::<T, Serde>(name)
    }

    /// A field of another generated type that the spec requires.
    pub fn required_object<T: Object>(&mut self, name: &'static str) -> Taken<T> {
        self.required_as::<T, Nested>(name)
    }

    /// A field that may be missing (an `Option`, or a field with a default): missing is its
    /// default.
    pub fn optional<T: DeserializeOwned + Default>(&mut self, name: &'static str) -> T {
        match self.remove(name) {
            Some(value) => self.kept(name, Serde::convert(value)).unwrap_or_default(),
            None => T::default(),
        }
    }

    /// A field of another generated type that may be missing or `null`.
    pub fn optional_object<T: Object>(&mut self, name: &'static str) -> Option<T> {
        match self.remove(name) {
            None | Some(Value::Null) => None,
            Some(value) => self.kept(name, Nested::convert(value)),
        }
    }

    /// A list the spec requires. Its items are converted one by one, so a mismatch names the
    /// item's index.
    pub fn list<T: DeserializeOwned>(&mut self, name: &'static str) -> Taken<Vec<T>> {
        self.required_list_as::<T, Serde>(name)
    }

    /// A list of another generated type that the spec requires.
    pub fn objects<T: Object>(&mut self, name: &'static str) -> Taken<Vec<T>> {
        self.required_list_as::<T, Nested>(name)
    }

    /// A list that may be missing (empty then).
    pub fn list_or_empty<T: DeserializeOwned>(&mut self, name: &'static str) -> Vec<T> {
        self.optional_list_as::<T, Serde>(name).unwrap_or_default()
    }

    /// A list of another generated type that may be missing (empty then).
    pub fn objects_or_empty<T: Object>(&mut self, name: &'static str) -> Vec<T> {
        self.optional_list_as::<T, Nested>(name).unwrap_or_default()
    }

    /// A list that may be missing or `null` (`None` then).
    pub fn optional_list<T: DeserializeOwned>(&mut self, name: &'static str) -> Option<Vec<T>> {
        self.optional_list_as::<T, Serde>(name)
    }

    /// A list of another generated type that may be missing or `null` (`None` then).
    pub fn optional_objects<T: Object>(&mut self, name: &'static str) -> Option<Vec<T>> {
        self.optional_list_as::<T, Nested>(name)
    }

    /// The fields the spec does not name, for the type's catch-all map.
    pub fn rest(&mut self) -> Map<String, Value> {
        // Inserted one by one: `collect` into the map would compile a stable sort for it.
        let mut rest = Map::new();
        for (key, value) in std::mem::take(&mut self.entries) {
            rest.insert(key.into_owned(), value);
        }
        rest
    }

    /// `value`, or the first mismatch among the fields that may be missing.
    pub fn finish<T>(mut self, value: T) -> Taken<T> {
        self.earlier()?;
        Ok(value)
    }

    /// For a type that refuses fields its spec does not name (`known`): `value`, or the first
    /// mismatch, or an error naming the first such field and listing the known ones.
    pub fn refuse_rest<T>(mut self, value: T, known: &'static [&'static str]) -> Taken<T> {
        self.earlier()?;
        self.refuse_unknown(known)?;
        Ok(value)
    }

    fn refuse_unknown(self, known: &'static [&'static str]) -> Taken<()> {
        match self.entries.into_iter().next() {
            None => Ok(()),
            Some((key, _)) => Err(Mismatch::new(
                <serde_json::Error as de::Error>::unknown_field(&key, known).to_string(),
            )),
        }
    }

    /// A conversion's value; its mismatch, placed at the field, kept.
    fn kept<T>(&mut self, name: &'static str, converted: Taken<T>) -> Option<T> {
        match converted {
            Ok(value) => Some(value),
            Err(m) => {
                self.keep(m.at(Step::Field(name)));
                None
            }
        }
    }

    fn required_as<T, C: Convert<T>>(&mut self, name: &'static str) -> Taken<T> {
        self.earlier()?;
        match self.remove(name) {
            Some(value) => at_field(name, C::convert(value)),
            None => Err(Mismatch::missing(name)),
        }
    }

    fn required_list_as<T, C: Convert<T>>(&mut self, name: &'static str) -> Taken<Vec<T>> {
        self.earlier()?;
        match self.remove(name) {
            Some(value) => items::<T, C>(name, value),
            None => Err(Mismatch::missing(name)),
        }
    }

    fn optional_list_as<T, C: Convert<T>>(&mut self, name: &'static str) -> Option<Vec<T>> {
        match self.remove(name) {
            None | Some(Value::Null) => None,
            Some(value) => match items::<T, C>(name, value) {
                Ok(items) => Some(items),
                Err(m) => {
                    self.keep(m);
                    None
                }
            },
        }
    }
}

/// How a field's JSON value becomes its Rust value.
trait Convert<T> {
    fn convert(value: Value) -> Taken<T>;
}

/// By the type's `Deserialize`.
enum Serde {}

impl<T: DeserializeOwned> Convert<T> for Serde {
    fn convert(value: Value) -> Taken<T> {
        match T::deserialize(value) {
            Ok(value) => Ok(value),
            Err(e) => Err(Mismatch::from_serde(e)),
        }
    }
}

/// A generated type, from its object's map without going through serde again.
enum Nested {}

impl<T: Object> Convert<T> for Nested {
    fn convert(value: Value) -> Taken<T> {
        match value {
            Value::Object(map) => T::take(Fields::owned(map)),
            other => Err(Mismatch::new(format!("expected an object, found {}", kind(&other)))),
        }
    }
}

/// A field's conversion, its mismatch placed at the field. (Matches, not `map_err` with a
/// closure: this runs once per field type, and each closure is a function of its own.)
fn at_field<T>(name: &'static str, converted: Taken<T>) -> Taken<T> {
    match converted {
        Ok(value) => Ok(value),
        Err(m) => Err(m.at(Step::Field(name))),
    }
}

fn items<T, C: Convert<T>>(name: &'static str, value: Value) -> Taken<Vec<T>> {
    let Value::Array(items) = value else {
        return Err(Mismatch::new(format!("expected a list, found {}", kind(&value))).at(Step::Field(name)));
    };
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.into_iter().enumerate() {
        match C::convert(item) {
            Ok(item) => out.push(item),
            Err(m) => return Err(m.at(Step::Index(i)).at(Step::Field(name))),
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

/// What went wrong while a generated type took its fields: where (a path of spec names and
/// list indexes, outermost first) and what.
#[doc(hidden)]
pub struct Mismatch {
    path: Vec<Step>,
    what: String,
}

enum Step {
    Field(&'static str),
    /// A name read back from a message (a generated type inside a type serde reads).
    Named(String),
    Index(usize),
}

/// The message's prefix that carries the path through serde's string-only custom errors.
const AT: &str = "at `";

impl Mismatch {
    #[cold]
    fn new(what: String) -> Self {
        Mismatch { path: Vec::new(), what }
    }

    #[cold]
    fn missing(name: &'static str) -> Self {
        Mismatch::new("missing".into()).at(Step::Field(name))
    }

    /// serde's error; a generated type's error inside it (held by a type serde reads) arrives
    /// as its message, and its path is taken back apart.
    #[cold]
    fn from_serde(e: serde_json::Error) -> Self {
        let text = e.to_string();
        match split_path(&text) {
            Some((path, what)) => Mismatch {
                path: parse_path(path),
                what: what.to_string(),
            },
            None => Mismatch::new(text),
        }
    }

    /// The same mismatch one level out.
    #[cold]
    fn at(mut self, step: Step) -> Self {
        self.path.insert(0, step);
        self
    }
}

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            return f.write_str(&self.what);
        }
        f.write_str(AT)?;
        for (i, step) in self.path.iter().enumerate() {
            let dot = if i == 0 { "" } else { "." };
            match step {
                Step::Field(name) => write!(f, "{dot}{name}")?,
                Step::Named(name) => write!(f, "{dot}{name}")?,
                Step::Index(n) => write!(f, "[{n}]")?,
            }
        }
        write!(f, "`: {}", self.what)
    }
}

/// "at `a.b[2]`: what" → ("a.b[2]", "what").
fn split_path(message: &str) -> Option<(&str, &str)> {
    let rest = message.strip_prefix(AT)?;
    let end = rest.find("`: ")?;
    Some((&rest[..end], &rest[end + 3..]))
}

fn parse_path(path: &str) -> Vec<Step> {
    let mut steps = Vec::new();
    for part in path.split('.') {
        let mut pieces = part.split('[');
        if let Some(name) = pieces.next().filter(|n| !n.is_empty()) {
            steps.push(Step::Named(name.to_string()));
        }
        steps.extend(
            pieces
                .filter_map(|i| i.trim_end_matches(']').parse().ok())
                .map(Step::Index),
        );
    }
    steps
}

/// The path (spec names and list indexes) a decoding error names, e.g. `data[3].created_at`,
/// when a generated type reported it.
pub(crate) fn error_path(e: &serde_json::Error) -> Option<String> {
    let text = e.to_string();
    split_path(&text).map(|(path, _)| path.to_string())
}

/// Reads a JSON object into `T`. Only the reading is generic over the deserializer, and it
/// does not know `T`; what knows `T` is not generic over the deserializer.
#[doc(hidden)]
pub fn object<'de, D: Deserializer<'de>, T: Object>(deserializer: D) -> Result<T, D::Error> {
    let mut slot = Slot::<T>(None);
    read_object(deserializer, &mut slot)?;
    slot.0.ok_or_else(|| de::Error::custom("the object was not read"))
}

/// Where `read_object` puts what it read.
trait Take {
    fn take(&mut self, fields: Fields<'_>) -> Taken<()>;
}

struct Slot<T>(Option<T>);

impl<T: Object> Take for Slot<T> {
    fn take(&mut self, fields: Fields<'_>) -> Taken<()> {
        self.0 = Some(T::take(fields)?);
        Ok(())
    }
}

fn read_object<'de, D: Deserializer<'de>>(deserializer: D, slot: &mut dyn Take) -> Result<(), D::Error> {
    struct ObjectVisitor<'a>(&'a mut dyn Take);
    impl<'de> Visitor<'de> for ObjectVisitor<'_> {
        type Value = ();
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a JSON object")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<(), A::Error> {
            let mut entries = Vec::with_capacity(8);
            while let Some(key) = access.next_key_seed(Text("a field name"))? {
                entries.push((key, access.next_value::<Value>()?));
            }
            if let Some(name) = repeated(&entries) {
                return Err(de::Error::custom(format_args!("duplicate field `{name}`")));
            }
            // Taken inside the visit, so serde_json marks an error with the object's position.
            self.0.take(Fields::new(entries)).map_err(de::Error::custom)
        }
    }
    deserializer.deserialize_map(ObjectVisitor(slot))
}

/// A string (`.0` says which, for the error when it is not one), borrowed from the input when
/// the deserializer can lend it (serde's own `Cow<str>` always copies).
pub(crate) struct Text(pub(crate) &'static str);

impl<'de> DeserializeSeed<'de> for Text {
    type Value = Cow<'de, str>;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Cow<'de, str>, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for Text {
    type Value = Cow<'de, str>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
    fn visit_borrowed_str<E: de::Error>(self, name: &'de str) -> Result<Cow<'de, str>, E> {
        Ok(Cow::Borrowed(name))
    }
    fn visit_str<E: de::Error>(self, name: &str) -> Result<Cow<'de, str>, E> {
        Ok(Cow::Owned(name.to_owned()))
    }
    fn visit_string<E: de::Error>(self, name: String) -> Result<Cow<'de, str>, E> {
        Ok(Cow::Owned(name))
    }
}

/// A name that appears twice among an object's fields. Pairwise for the usual few fields;
/// sorted for many (a free-form object a server fills), so a large one costs n log n.
fn repeated<'a>(entries: &'a [(Cow<'_, str>, Value)]) -> Option<&'a str> {
    const PAIRWISE: usize = 32;
    if entries.len() <= PAIRWISE {
        return entries
            .iter()
            .enumerate()
            .find(|(i, (name, _))| entries[..*i].iter().any(|(earlier, _)| earlier == name))
            .map(|(_, (name, _))| &**name);
    }
    let mut names: Vec<&str> = entries.iter().map(|(name, _)| &**name).collect();
    names.sort_unstable();
    names.windows(2).find(|pair| pair[0] == pair[1]).map(|pair| pair[0])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_survives_a_trip_through_a_message() {
        let inner = Mismatch::new("missing".into())
            .at(Step::Field("created_at"))
            .at(Step::Index(3))
            .at(Step::Field("data"));
        assert_eq!(inner.to_string(), "at `data[3].created_at`: missing");
        let e = <serde_json::Error as de::Error>::custom(&inner);
        let back = Mismatch::from_serde(e).at(Step::Index(0)).at(Step::Field("pages"));
        assert_eq!(back.to_string(), "at `pages[0].data[3].created_at`: missing");
        assert_eq!(parse_path("a[1][2].b").len(), 4);
        assert!(split_path("invalid type: string \"x\"").is_none());
    }
}
