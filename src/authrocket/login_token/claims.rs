//! The claims of a login token, read from the payload's JSON in one pass: each string kept as a
//! span of the decoded payload ([`Str`]; one written with escapes is unescaped into one side
//! buffer), memberships built in place with their permissions in one shared list, the few claims
//! of both AuthRocket layouts matched by name and everything else skipped after checking it is
//! JSON. Nothing is copied but what has escapes; the session keeps the payload's text.
//!
//! It reads what a `serde_json` derive of the claims would (the unit tests compare the two on
//! changed and random documents): a claim of the wrong type, a claim given twice, trailing
//! characters or any JSON error is refused with the column where it broke. Only a top-level
//! array is refused where serde would map it to fields by position (a login token's claims are
//! an object).

use std::borrow::Cow;

use serde_json::{Map, Value};

/// The payload is not the JSON of a login token; `column` (1-based, on its line) is where.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct JsonError {
    pub(super) column: usize,
}

/// Nesting deeper than this in a claim the verifier skips is refused (serde_json's limit).
const MAX_DEPTH: u32 = 128;

/// A string of the claims, not copied: a span of the payload's JSON text, or, for a string
/// written with escapes, of the side buffer its unescaped form went to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Str {
    start: u32,
    end: u32,
    unescaped: bool,
}

impl Str {
    /// Its text: in `json` (the payload the claims were read from) or in `unescaped` (the
    /// claims' side buffer).
    pub(super) fn get<'s>(self, json: &'s str, unescaped: &'s str) -> &'s str {
        let from = if self.unescaped { unescaped } else { json };
        from.get(self.start as usize..self.end as usize).unwrap_or_default()
    }

    pub(super) fn is_empty(self) -> bool {
        self.start == self.end
    }
}

/// A membership as read (`m`'s `{p, oid, o, mid}` or `orgs`' `{mid, oid, name, perm, ref, cs,
/// selected}`): its permissions are `permissions.0..permissions.1` of the claims' shared list.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Membership {
    pub(super) membership_id: Option<Str>,
    pub(super) org_id: Option<Str>,
    pub(super) org_name: Option<Str>,
    pub(super) permissions: (u32, u32),
    pub(super) org_reference: Option<Str>,
    pub(super) org_custom: Map<String, Value>,
    pub(super) selected: bool,
}

/// The claims of both layouts: AuthRocket 1 (`uid`, `un`, `fn`, `ln`, `n`, `m`, `tk`, `aud`)
/// and the newer one (`sub`, `rid`, `sid`, `preferred_username`, …, `orgs`).
#[derive(Default)]
pub(super) struct Claims {
    pub(super) uid: Option<Str>,
    pub(super) un: Option<Str>,
    pub(super) first_name: Option<Str>,
    pub(super) ln: Option<Str>,
    pub(super) n: Option<Str>,
    pub(super) m: Option<Vec<Membership>>,
    pub(super) tk: Option<Str>,
    pub(super) sub: Option<Str>,
    pub(super) rid: Option<Str>,
    pub(super) sid: Option<Str>,
    pub(super) preferred_username: Option<Str>,
    pub(super) given_name: Option<Str>,
    pub(super) family_name: Option<Str>,
    pub(super) name: Option<Str>,
    pub(super) email: Option<Str>,
    pub(super) email_verified: Option<bool>,
    pub(super) reference: Option<Str>,
    pub(super) cs: Option<Map<String, Value>>,
    pub(super) orgs: Option<Vec<Membership>>,
    pub(super) aud: Option<Audience>,
    pub(super) iat: Option<f64>,
    pub(super) exp: Option<f64>,
    pub(super) nbf: Option<f64>,
    pub(super) iss: Option<Str>,
    /// The permissions of every membership read (of `m` and of `orgs`), one after the other.
    pub(super) permissions: Vec<Str>,
    /// The strings written with escapes, unescaped, one after the other.
    pub(super) unescaped: String,
}

impl Claims {
    /// A string of these claims, read from `json`.
    pub(super) fn get<'s>(&'s self, json: &'s str, s: Str) -> &'s str {
        s.get(json, &self.unescaped)
    }
}

/// `aud`: one audience or several.
#[derive(Debug, PartialEq)]
pub(super) enum Audience {
    One(Str),
    Many(Vec<Str>),
}

/// Reads the claims from the payload's JSON (at most 4 GiB: the verifier refuses tokens over
/// 64 KiB before decoding them).
pub(super) fn parse(json: &str) -> Result<Claims, JsonError> {
    if u32::try_from(json.len()).is_err() {
        return Err(JsonError { column: 1 });
    }
    let mut p = Parser {
        text: json,
        pos: 0,
        permissions: Vec::new(),
        unescaped: String::new(),
    };
    p.ws();
    let mut claims = p.claims()?;
    p.ws();
    if p.pos != json.len() {
        return Err(p.error()); // trailing characters
    }
    claims.permissions = p.permissions;
    claims.unescaped = p.unescaped;
    Ok(claims)
}

/// Where the first `"`, `\\` or control character is (or the length): eight bytes at a time, as
/// serde_json scans strings.
fn special_at(bytes: &[u8]) -> usize {
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    const HIGH: u64 = u64::from_ne_bytes([0x80; 8]);
    let mut chunks = bytes.chunks_exact(8);
    let mut at = 0;
    for chunk in &mut chunks {
        let mut word = [0; 8];
        word.copy_from_slice(chunk);
        let w = u64::from_le_bytes(word);
        let quote = w ^ (ONES * u64::from(b'"'));
        let backslash = w ^ (ONES * u64::from(b'\\'));
        // The high bit of the first byte that is a quote, a backslash or below 0x20 (bytes after
        // it may be marked falsely; the lowest mark is exact).
        let marks = (quote.wrapping_sub(ONES) & !quote
            | backslash.wrapping_sub(ONES) & !backslash
            | w.wrapping_sub(ONES * 0x20) & !w)
            & HIGH;
        if marks != 0 {
            return at + (marks.trailing_zeros() / 8) as usize;
        }
        at += 8;
    }
    at + chunks
        .remainder()
        .iter()
        .position(|&b| b == b'"' || b == b'\\' || b < 0x20)
        .unwrap_or(chunks.remainder().len())
}

struct Parser<'a> {
    text: &'a str,
    pos: usize,
    /// Every membership's permissions, as read.
    permissions: Vec<Str>,
    /// The unescaped strings, as read.
    unescaped: String,
}

impl<'a> Parser<'a> {
    #[inline(always)]
    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    fn error(&self) -> JsonError {
        let before = &self.text.as_bytes()[..self.pos.min(self.text.len())];
        let line_start = before.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        JsonError {
            column: self.pos - line_start + 1,
        }
    }

    #[inline(always)]
    fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.pos += 1;
        }
    }

    /// `{ "key": value, … }`, the parser at `{`; `field` reads each value (the parser at it).
    #[inline(always)]
    fn object(&mut self, field: impl FnMut(&mut Self, Cow<'a, str>) -> Result<(), JsonError>) -> Result<(), JsonError> {
        self.object_with(Self::key, field)
    }

    /// An object whose keys `key` reads.
    #[inline(always)]
    fn object_with<K>(
        &mut self,
        mut key: impl FnMut(&mut Self) -> Result<K, JsonError>,
        mut field: impl FnMut(&mut Self, K) -> Result<(), JsonError>,
    ) -> Result<(), JsonError> {
        if self.peek() != Some(b'{') {
            return Err(self.error());
        }
        self.pos += 1;
        self.ws();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(());
        }
        loop {
            let key = key(self)?;
            self.ws();
            if self.peek() != Some(b':') {
                return Err(self.error());
            }
            self.pos += 1;
            self.ws();
            field(self, key)?;
            self.ws();
            match self.peek() {
                Some(b',') => {
                    self.pos += 1;
                    self.ws();
                }
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(());
                }
                _ => return Err(self.error()),
            }
        }
    }

    /// `[ value, … ]`, the parser at `[`; `item` reads each value (the parser at it).
    #[inline(always)]
    fn array(&mut self, mut item: impl FnMut(&mut Self) -> Result<(), JsonError>) -> Result<(), JsonError> {
        if self.peek() != Some(b'[') {
            return Err(self.error());
        }
        self.pos += 1;
        self.ws();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(());
        }
        loop {
            item(self)?;
            self.ws();
            match self.peek() {
                Some(b',') => {
                    self.pos += 1;
                    self.ws();
                }
                Some(b']') => {
                    self.pos += 1;
                    return Ok(());
                }
                _ => return Err(self.error()),
            }
        }
    }

    #[inline(always)]
    fn literal(&mut self, word: &str) -> bool {
        if self.text.as_bytes()[self.pos..].starts_with(word.as_bytes()) {
            self.pos += word.len();
            true
        } else {
            false
        }
    }

    /// Reads the value into `slot`, field `bit` of `seen`; a field given twice is an error
    /// (serde's "duplicate field").
    #[inline(always)]
    fn once<T>(
        &mut self,
        seen: &mut u32,
        bit: u32,
        slot: &mut T,
        read: impl FnOnce(&mut Self) -> Result<T, JsonError>,
    ) -> Result<(), JsonError> {
        if *seen & (1 << bit) != 0 {
            return Err(self.error());
        }
        *seen |= 1 << bit;
        *slot = read(self)?;
        Ok(())
    }

    /// `null` as `None`, else the value `read` reads.
    #[inline(always)]
    fn opt<T>(&mut self, read: impl FnOnce(&mut Self) -> Result<T, JsonError>) -> Result<Option<T>, JsonError> {
        if self.literal("null") {
            Ok(None)
        } else {
            read(self).map(Some)
        }
    }

    #[inline(always)]
    fn opt_str(&mut self) -> Result<Option<Str>, JsonError> {
        self.opt(Self::string)
    }

    #[inline(always)]
    fn bool(&mut self) -> Result<bool, JsonError> {
        if self.literal("true") {
            Ok(true)
        } else if self.literal("false") {
            Ok(false)
        } else {
            Err(self.error())
        }
    }

    /// The string at the parser: where its text is and the end of it (at a `\\` when it has
    /// escapes).
    #[inline(always)]
    fn string_run(&mut self) -> Result<(usize, usize), JsonError> {
        let bytes = self.text.as_bytes();
        if bytes.get(self.pos) != Some(&b'"') {
            return Err(self.error());
        }
        let start = self.pos + 1;
        let i = start + special_at(&bytes[start..]);
        match bytes.get(i) {
            Some(b'"') => {
                self.pos = i + 1;
                Ok((start, i))
            }
            Some(b'\\') => {
                self.pos = i;
                Ok((start, i))
            }
            _ => {
                // A control character, or the end of the text.
                self.pos = i;
                Err(self.error())
            }
        }
    }

    /// A string: a span of the text, or of the side buffer when it has escapes.
    #[inline(always)]
    fn string(&mut self) -> Result<Str, JsonError> {
        let (start, end) = self.string_run()?;
        // The text is at most 4 GiB (`parse`), and so is the side buffer (no longer than it).
        if self.pos == end + 1 {
            return Ok(Str {
                start: start as u32,
                end: end as u32,
                unescaped: false,
            });
        }
        let mut out = std::mem::take(&mut self.unescaped);
        let from = out.len();
        out.push_str(&self.text[start..end]);
        let read = self.escaped(&mut out);
        self.unescaped = out;
        read?;
        Ok(Str {
            start: from as u32,
            end: self.unescaped.len() as u32,
            unescaped: true,
        })
    }

    /// A key, borrowed unless it has escapes.
    #[inline(always)]
    fn key(&mut self) -> Result<Cow<'a, str>, JsonError> {
        let (start, end) = self.string_run()?;
        if self.pos == end + 1 {
            return Ok(Cow::Borrowed(&self.text[start..end]));
        }
        let mut out = String::with_capacity(end - start + 16);
        out.push_str(&self.text[start..end]);
        self.escaped(&mut out)?;
        Ok(Cow::Owned(out))
    }

    /// A string checked and skipped. Like serde_json skipping a value, it takes any `\uXXXX`,
    /// paired surrogate or not: nothing reads it.
    fn skip_string(&mut self) -> Result<(), JsonError> {
        let bytes = self.text.as_bytes();
        if bytes.get(self.pos) != Some(&b'"') {
            return Err(self.error());
        }
        self.pos += 1;
        loop {
            match bytes.get(self.pos) {
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(());
                }
                Some(b'\\') => {
                    self.pos += 1;
                    match bytes.get(self.pos) {
                        Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => self.pos += 1,
                        Some(b'u') => {
                            self.pos += 1;
                            self.hex4()?;
                        }
                        _ => return Err(self.error()),
                    }
                }
                Some(&b) if b >= 0x20 => self.pos += 1,
                _ => return Err(self.error()),
            }
        }
    }

    /// The rest of a string from an escape on, the parser at the `\`.
    fn escaped(&mut self, out: &mut String) -> Result<(), JsonError> {
        let bytes = self.text.as_bytes();
        let mut run = self.pos;
        loop {
            match bytes.get(self.pos) {
                Some(b'"') => {
                    out.push_str(&self.text[run..self.pos]);
                    self.pos += 1;
                    return Ok(());
                }
                Some(b'\\') => {
                    out.push_str(&self.text[run..self.pos]);
                    self.pos += 1;
                    let simple = match bytes.get(self.pos) {
                        Some(b'"') => '"',
                        Some(b'\\') => '\\',
                        Some(b'/') => '/',
                        Some(b'b') => '\u{8}',
                        Some(b'f') => '\u{c}',
                        Some(b'n') => '\n',
                        Some(b'r') => '\r',
                        Some(b't') => '\t',
                        Some(b'u') => '\0',
                        _ => return Err(self.error()),
                    };
                    self.pos += 1;
                    out.push(if simple == '\0' { self.unicode_escape()? } else { simple });
                    run = self.pos;
                }
                Some(&b) if b >= 0x20 => self.pos += 1,
                _ => return Err(self.error()),
            }
        }
    }

    /// Four hex digits, the parser after `\u`; a surrogate pair takes its second `\uXXXX` too.
    fn unicode_escape(&mut self) -> Result<char, JsonError> {
        let high = self.hex4()?;
        let code = match high {
            0xD800..=0xDBFF => {
                if !self.literal("\\u") {
                    return Err(self.error()); // a lone leading surrogate
                }
                let low = self.hex4()?;
                if !(0xDC00..=0xDFFF).contains(&low) {
                    return Err(self.error());
                }
                0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
            }
            0xDC00..=0xDFFF => return Err(self.error()), // a lone trailing surrogate
            code => code,
        };
        char::from_u32(code).ok_or_else(|| self.error())
    }

    fn hex4(&mut self) -> Result<u32, JsonError> {
        let digits = self
            .text
            .as_bytes()
            .get(self.pos..self.pos + 4)
            .ok_or_else(|| self.error())?;
        let mut code = 0;
        for &d in digits {
            let value = (d as char).to_digit(16).ok_or_else(|| self.error())?;
            code = code << 4 | value;
        }
        self.pos += 4;
        Ok(code)
    }

    /// A number's text, checked against JSON's grammar: `-`? (`0` | [1-9][0-9]*) (`.` [0-9]+)?
    /// ([eE] [+-]? [0-9]+)?
    #[inline(always)]
    fn number_text(&mut self) -> Result<&'a str, JsonError> {
        let start = self.pos;
        self.eat(b'-');
        if !self.eat(b'0') && self.digits() == 0 {
            return Err(self.error());
        }
        if self.eat(b'.') && self.digits() == 0 {
            return Err(self.error());
        }
        if self.eat(b'e') || self.eat(b'E') {
            let _ = self.eat(b'+') || self.eat(b'-');
            if self.digits() == 0 {
                return Err(self.error());
            }
        }
        Ok(&self.text[start..self.pos])
    }

    /// Steps over `byte` if it is next.
    #[inline(always)]
    fn eat(&mut self, byte: u8) -> bool {
        let next = self.peek() == Some(byte);
        self.pos += usize::from(next);
        next
    }

    /// Steps over ASCII digits; how many.
    #[inline(always)]
    fn digits(&mut self) -> usize {
        let start = self.pos;
        while self.peek().is_some_and(|b| b.is_ascii_digit()) {
            self.pos += 1;
        }
        self.pos - start
    }

    /// A number as `f64`, as serde_json reads one: an integer exactly, then converted.
    #[inline(always)]
    fn f64(&mut self) -> Result<f64, JsonError> {
        let start = self.pos;
        let text = self.number_text()?;
        let (negative, digits) = match text.strip_prefix('-') {
            Some(digits) => (true, digits),
            None => (false, text),
        };
        if digits.len() <= 18 && digits.bytes().all(|b| b.is_ascii_digit()) {
            let n = digits.bytes().fold(0i64, |n, d| n * 10 + i64::from(d - b'0'));
            return Ok(if negative { -n } else { n } as f64);
        }
        serde_json::from_str(text).map_err(|_| {
            self.pos = start;
            self.error()
        })
    }

    /// Any JSON value, checked and skipped.
    fn skip(&mut self, depth: u32) -> Result<(), JsonError> {
        if depth > MAX_DEPTH {
            return Err(self.error());
        }
        match self.peek() {
            Some(b'"') => self.skip_string(),
            Some(b'{') => self.object_with(Self::skip_string, |p, ()| p.skip(depth + 1)),
            Some(b'[') => self.array(|p| p.skip(depth + 1)),
            Some(b'-' | b'0'..=b'9') => self.number_text().map(drop),
            _ if self.literal("true") || self.literal("false") || self.literal("null") => Ok(()),
            _ => Err(self.error()),
        }
    }

    /// A list of strings (a membership's permissions) added to the shared list: where it is
    /// there.
    fn permissions(&mut self) -> Result<(u32, u32), JsonError> {
        // At most one string per two bytes of the text, so fewer than 2^32.
        let start = self.permissions.len() as u32;
        self.array(|p| {
            let permission = p.string()?;
            p.permissions.push(permission);
            Ok(())
        })?;
        Ok((start, self.permissions.len() as u32))
    }

    /// A JSON object as serde_json's `Map` (custom attributes, kept as they are).
    fn map(&mut self) -> Result<Map<String, Value>, JsonError> {
        let start = self.pos;
        if self.peek() != Some(b'{') {
            return Err(self.error());
        }
        self.skip(1)?;
        serde_json::from_str(&self.text[start..self.pos]).map_err(|_| {
            self.pos = start;
            self.error()
        })
    }

    fn claims(&mut self) -> Result<Claims, JsonError> {
        let mut c = Claims::default();
        let mut seen = 0u32;
        self.object(|p, key| match key.as_ref() {
            "uid" => p.once(&mut seen, 0, &mut c.uid, Self::opt_str),
            "un" => p.once(&mut seen, 1, &mut c.un, Self::opt_str),
            "fn" => p.once(&mut seen, 2, &mut c.first_name, Self::opt_str),
            "ln" => p.once(&mut seen, 3, &mut c.ln, Self::opt_str),
            "n" => p.once(&mut seen, 4, &mut c.n, Self::opt_str),
            "m" => p.once(&mut seen, 5, &mut c.m, |p| {
                p.opt(|p| p.memberships(Self::short_membership))
            }),
            "tk" => p.once(&mut seen, 6, &mut c.tk, Self::opt_str),
            "sub" => p.once(&mut seen, 7, &mut c.sub, Self::opt_str),
            "rid" => p.once(&mut seen, 8, &mut c.rid, Self::opt_str),
            "sid" => p.once(&mut seen, 9, &mut c.sid, Self::opt_str),
            "preferred_username" => p.once(&mut seen, 10, &mut c.preferred_username, Self::opt_str),
            "given_name" => p.once(&mut seen, 11, &mut c.given_name, Self::opt_str),
            "family_name" => p.once(&mut seen, 12, &mut c.family_name, Self::opt_str),
            "name" => p.once(&mut seen, 13, &mut c.name, Self::opt_str),
            "email" => p.once(&mut seen, 14, &mut c.email, Self::opt_str),
            "email_verified" => p.once(&mut seen, 15, &mut c.email_verified, |p| p.opt(Self::bool)),
            "ref" => p.once(&mut seen, 16, &mut c.reference, Self::opt_str),
            "cs" => p.once(&mut seen, 17, &mut c.cs, |p| p.opt(Self::map)),
            "orgs" => p.once(&mut seen, 18, &mut c.orgs, |p| p.opt(|p| p.memberships(Self::org))),
            "aud" => p.once(&mut seen, 19, &mut c.aud, |p| p.opt(Self::audience)),
            "iat" => p.once(&mut seen, 20, &mut c.iat, |p| p.opt(Self::f64)),
            "exp" => p.once(&mut seen, 21, &mut c.exp, |p| p.opt(Self::f64)),
            "nbf" => p.once(&mut seen, 22, &mut c.nbf, |p| p.opt(Self::f64)),
            "iss" => p.once(&mut seen, 23, &mut c.iss, Self::opt_str),
            _ => p.skip(1),
        })?;
        Ok(c)
    }

    fn audience(&mut self) -> Result<Audience, JsonError> {
        if self.peek() == Some(b'[') {
            let mut all = Vec::new();
            self.array(|p| {
                all.push(p.string()?);
                Ok(())
            })?;
            Ok(Audience::Many(all))
        } else {
            self.string().map(Audience::One)
        }
    }

    fn memberships(
        &mut self,
        mut one: impl FnMut(&mut Self) -> Result<Membership, JsonError>,
    ) -> Result<Vec<Membership>, JsonError> {
        let mut all = Vec::new();
        self.array(|p| {
            all.push(one(p)?);
            Ok(())
        })?;
        Ok(all)
    }

    /// `{p, oid, o}` (and `mid`) of the AuthRocket 1 layout's `m`.
    fn short_membership(&mut self) -> Result<Membership, JsonError> {
        let (mut mid, mut permissions, mut oid, mut o) = (None, None, None, None);
        let mut seen = 0u32;
        self.object(|p, key| match key.as_ref() {
            "mid" => p.once(&mut seen, 0, &mut mid, Self::opt_str),
            "p" => p.once(&mut seen, 1, &mut permissions, |p| p.opt(Self::permissions)),
            "oid" => p.once(&mut seen, 2, &mut oid, Self::opt_str),
            "o" => p.once(&mut seen, 3, &mut o, Self::opt_str),
            _ => p.skip(1),
        })?;
        Ok(Membership {
            membership_id: mid,
            org_id: oid,
            org_name: o,
            permissions: permissions.unwrap_or_default(),
            org_reference: None,
            org_custom: Map::new(),
            selected: false,
        })
    }

    /// `{mid, oid, name, perm, ref, cs, selected}` of the newer layout's `orgs`.
    fn org(&mut self) -> Result<Membership, JsonError> {
        let (mut mid, mut oid, mut name, mut perm, mut reference, mut cs, mut selected) =
            (None, None, None, None, None, None, None);
        let mut seen = 0u32;
        self.object(|p, key| match key.as_ref() {
            "mid" => p.once(&mut seen, 0, &mut mid, Self::opt_str),
            "oid" => p.once(&mut seen, 1, &mut oid, Self::opt_str),
            "name" => p.once(&mut seen, 2, &mut name, Self::opt_str),
            "perm" => p.once(&mut seen, 3, &mut perm, |p| p.opt(Self::permissions)),
            "ref" => p.once(&mut seen, 4, &mut reference, Self::opt_str),
            "cs" => p.once(&mut seen, 5, &mut cs, |p| p.opt(Self::map)),
            "selected" => p.once(&mut seen, 6, &mut selected, |p| p.opt(Self::bool)),
            _ => p.skip(1),
        })?;
        Ok(Membership {
            membership_id: mid,
            org_id: oid,
            org_name: name,
            permissions: perm.unwrap_or_default(),
            org_reference: reference,
            org_custom: cs.unwrap_or_default(),
            selected: selected.unwrap_or(false),
        })
    }
}

#[cfg(test)]
mod tests {
    //! The parser against the serde derive it replaces, kept here as the oracle.

    use proptest::prelude::*;
    use serde::Deserialize;
    use serde_json::{Map, Value, json};

    use super::{Audience, Str, parse};

    #[derive(Deserialize)]
    struct Oracle {
        uid: Option<String>,
        un: Option<String>,
        #[serde(rename = "fn")]
        first_name: Option<String>,
        ln: Option<String>,
        n: Option<String>,
        m: Option<Vec<OracleShort>>,
        tk: Option<String>,
        sub: Option<String>,
        rid: Option<String>,
        sid: Option<String>,
        preferred_username: Option<String>,
        given_name: Option<String>,
        family_name: Option<String>,
        name: Option<String>,
        email: Option<String>,
        email_verified: Option<bool>,
        #[serde(rename = "ref")]
        reference: Option<String>,
        cs: Option<Map<String, Value>>,
        orgs: Option<Vec<OracleOrg>>,
        aud: Option<OracleAudience>,
        iat: Option<f64>,
        exp: Option<f64>,
        nbf: Option<f64>,
    }

    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OracleAudience {
        One(String),
        Many(Vec<String>),
    }

    #[derive(Deserialize)]
    struct OracleShort {
        mid: Option<String>,
        p: Option<Vec<String>>,
        oid: Option<String>,
        o: Option<String>,
    }

    #[derive(Deserialize)]
    struct OracleOrg {
        mid: Option<String>,
        oid: Option<String>,
        name: Option<String>,
        perm: Option<Vec<String>>,
        #[serde(rename = "ref")]
        reference: Option<String>,
        cs: Option<Map<String, Value>>,
        selected: Option<bool>,
    }

    /// Everything read, in one comparable value.
    fn summary(json: &str) -> Option<Value> {
        let c = parse(json).ok()?;
        let s = |v: &Option<Str>| json!(v.map(|v| c.get(json, v)));
        let members = |m: &Option<Vec<super::Membership>>| {
            json!(m.as_ref().map(|all| {
                all.iter()
                    .map(|m| {
                        let (from, to) = (m.permissions.0 as usize, m.permissions.1 as usize);
                        let permissions: Vec<&str> = c.permissions[from..to].iter().map(|&p| c.get(json, p)).collect();
                        json!([
                            s(&m.membership_id),
                            s(&m.org_id),
                            s(&m.org_name),
                            permissions,
                            s(&m.org_reference),
                            m.org_custom,
                            m.selected
                        ])
                    })
                    .collect::<Vec<_>>()
            }))
        };
        let aud = match &c.aud {
            None => json!(null),
            Some(Audience::One(a)) => json!({"one": c.get(json, *a)}),
            Some(Audience::Many(a)) => json!({"many": a.iter().map(|&a| c.get(json, a)).collect::<Vec<_>>()}),
        };
        Some(json!([
            s(&c.uid),
            s(&c.un),
            s(&c.first_name),
            s(&c.ln),
            s(&c.n),
            members(&c.m),
            s(&c.tk),
            s(&c.sub),
            s(&c.rid),
            s(&c.sid),
            s(&c.preferred_username),
            s(&c.given_name),
            s(&c.family_name),
            s(&c.name),
            s(&c.email),
            c.email_verified,
            s(&c.reference),
            c.cs,
            members(&c.orgs),
            aud,
            c.iat,
            c.exp,
            c.nbf
        ]))
    }

    fn oracle_summary(json: &str) -> Option<Value> {
        let c: Oracle = serde_json::from_str(json).ok()?;
        let short = |m: &Option<Vec<OracleShort>>| {
            json!(m.as_ref().map(|all| {
                all.iter()
                    .map(|m| json!([m.mid, m.oid, m.o, m.p.clone().unwrap_or_default(), null, {}, false]))
                    .collect::<Vec<_>>()
            }))
        };
        let orgs = json!(c.orgs.as_ref().map(|all| {
            all.iter()
                .map(|m| {
                    json!([
                        m.mid,
                        m.oid,
                        m.name,
                        m.perm.clone().unwrap_or_default(),
                        m.reference,
                        m.cs.clone().unwrap_or_default(),
                        m.selected.unwrap_or(false)
                    ])
                })
                .collect::<Vec<_>>()
        }));
        let aud = match &c.aud {
            None => json!(null),
            Some(OracleAudience::One(a)) => json!({"one": a}),
            Some(OracleAudience::Many(a)) => json!({"many": a}),
        };
        Some(json!([
            c.uid,
            c.un,
            c.first_name,
            c.ln,
            c.n,
            short(&c.m),
            c.tk,
            c.sub,
            c.rid,
            c.sid,
            c.preferred_username,
            c.given_name,
            c.family_name,
            c.name,
            c.email,
            c.email_verified,
            c.reference,
            c.cs,
            orgs,
            aud,
            c.iat,
            c.exp,
            c.nbf
        ]))
    }

    /// Where serde maps an array to a struct's fields by position, which the parser refuses.
    fn positional(json: &str) -> bool {
        let Ok(value) = serde_json::from_str::<Value>(json) else {
            return false;
        };
        let arrays_in = |key: &str| value[key].as_array().is_some_and(|all| all.iter().any(Value::is_array));
        value.is_array() || arrays_in("m") || arrays_in("orgs")
    }

    fn agree(json: &str) -> Result<(), String> {
        let (ours, theirs) = (summary(json), oracle_summary(json));
        if ours == theirs || (ours.is_none() && positional(json)) {
            Ok(())
        } else {
            Err(format!("{json}\n  ours:   {ours:?}\n  serde:  {theirs:?}"))
        }
    }

    const DOCUMENTS: [&str; 5] = [
        r#"{"uid":"usr_0vKzMk2vtN5MOOk4DBaRxj","un":"ada","fn":"Ada","ln":"Lovelace","n":"Ada Lovelace","m":[{"p":["admin","billing:read"],"oid":"org_0vKzK4hJ3zL2mN9pQ8rS7t","o":"Analytical Engines"},{"p":["support"]}],"tk":"kss_0vKzR1uV6zPpX7dA5eXf6g","aud":"rl_0v1zTHXhtNgmDaXaDYSAqx","iat":1767225600,"exp":4102444800}"#,
        r#"{"sub":"usr_1","rid":"rl_1","sid":"kss_1","preferred_username":"grace","given_name":"Grace","family_name":"Hopper","name":"Grace Hopper","email":"grace@example.com","email_verified":true,"ref":"crm-42","cs":{"plan":"gold","n":[1,2.5e3,{"x":null}]},"orgs":[{"mid":"mb_1","oid":"org_1","name":"Navy Labs","perm":["admin"],"ref":"acct-7","cs":{"tier":1},"selected":true}],"aud":["lpl_0vKzV7","rl_1"],"iat":1767225600.25,"exp":-4.1e9,"nbf":null}"#,
        " { \"uid\" : \"u\\u00e9\\ud83d\\ude00\\n\\\"x\\/\" , \"extra\" : [ true , false , null , -0.5E+2 , { } , [ ] , \"\\t\" ] , \"m\" : null , \"orgs\" : [ ] , \"iat\" : 0 , \"exp\" : 1e2 } ",
        r#"{"uid":"x","uid":"y","iat":1,"exp":2}"#,
        r#"{"\u0075id":"usr_2","p":1,"o":{"a":[{"b":[]}]},"email_verified":null,"selected":"x","exp":12345678901234567890,"iat":-0}"#,
    ];

    #[test]
    fn reads_what_the_serde_derive_reads() {
        for doc in DOCUMENTS {
            agree(doc).unwrap();
        }
        assert!(summary(DOCUMENTS[0]).is_some() && summary(DOCUMENTS[2]).is_some());
        assert!(summary(DOCUMENTS[3]).is_none(), "a claim given twice");
        for bad in [
            "",
            "{",
            "{}x",
            "[]",
            "{\"uid\":1}",
            "{\"iat\":\"1\"}",
            "{\"exp\":01}",
            "{\"exp\":1.}",
            "{\"uid\":\"\\ud800\"}",
            "{\"un\":\"\\udc00\"}",
            "{\"x\":\"\\ud80\"}",
            "{\"x\":\"a\u{1}\"}",
            "{\"x\":tru}",
            "{\"m\":[null]}",
            "{\"aud\":[1]}",
            "{\"cs\":[]}",
            "{\"x\":1,}",
            "{\"iat\":1e400}",
        ] {
            assert_eq!(summary(bad), None, "{bad}");
            agree(bad).unwrap();
        }
    }

    #[test]
    fn the_column_is_where_it_broke() {
        assert_eq!(parse(r#"{"uid":"a","iat":x}"#).err().map(|e| e.column), Some(18));
        assert_eq!(parse("{\n\"uid\": 5}").err().map(|e| e.column), Some(8));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        #[test]
        fn changed_documents_read_as_serde_reads_them(
            doc in 0..DOCUMENTS.len(),
            edits in proptest::collection::vec((any::<prop::sample::Index>(), 0u8..3, prop_oneof![
                Just(b'{'), Just(b'}'), Just(b'['), Just(b']'), Just(b','), Just(b':'), Just(b'"'), Just(b'\\'),
                Just(b'u'), Just(b'n'), Just(b'0'), Just(b'9'), Just(b'-'), Just(b'.'), Just(b'e'), Just(b' '),
                Just(b'a'), Just(b'\n'), Just(1u8),
            ]), 1..4),
        ) {
            let mut bytes = DOCUMENTS[doc].as_bytes().to_vec();
            for (at, kind, byte) in edits {
                let i = at.index(bytes.len() + 1);
                match kind {
                    0 if i < bytes.len() => bytes[i] = byte,
                    1 if i < bytes.len() => { bytes.remove(i); }
                    _ => bytes.insert(i, byte),
                }
            }
            if let Ok(json) = std::str::from_utf8(&bytes) {
                prop_assert!(agree(json).is_ok(), "{}", agree(json).unwrap_err());
            }
        }
    }
}
