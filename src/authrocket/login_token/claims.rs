//! The claims of a login token, read from the payload's JSON by serde's derive (the verifier's
//! `parse_object`): the claims of both AuthRocket layouts by name, everything else skipped. A
//! claim of the wrong type, a claim given twice or a payload that is not a JSON object is
//! refused.

use serde::Deserialize;
use serde_json::{Map, Value};

/// The claims of both layouts: AuthRocket 1 (`uid`, `un`, `fn`, `ln`, `n`, `m`, `tk`, `aud`)
/// and the newer one (`sub`, `rid`, `sid`, `preferred_username`, …, `orgs`).
#[derive(Debug, Default, Deserialize)]
pub(super) struct Claims {
    pub(super) uid: Option<String>,
    pub(super) un: Option<String>,
    #[serde(rename = "fn")]
    pub(super) first_name: Option<String>,
    pub(super) ln: Option<String>,
    pub(super) n: Option<String>,
    pub(super) m: Option<Vec<ShortMembership>>,
    pub(super) tk: Option<String>,
    pub(super) sub: Option<String>,
    pub(super) rid: Option<String>,
    pub(super) sid: Option<String>,
    pub(super) preferred_username: Option<String>,
    pub(super) given_name: Option<String>,
    pub(super) family_name: Option<String>,
    pub(super) name: Option<String>,
    pub(super) email: Option<String>,
    pub(super) email_verified: Option<bool>,
    #[serde(rename = "ref")]
    pub(super) reference: Option<String>,
    pub(super) cs: Option<Map<String, Value>>,
    pub(super) orgs: Option<Vec<OrgMembership>>,
    pub(super) aud: Option<Audience>,
    pub(super) iat: Option<f64>,
    pub(super) exp: Option<f64>,
    pub(super) nbf: Option<f64>,
    pub(super) iss: Option<String>,
}

/// `aud`: one audience or several.
#[derive(Debug, PartialEq, Deserialize)]
#[serde(untagged)]
pub(super) enum Audience {
    One(String),
    Many(Vec<String>),
}

/// A membership in the AuthRocket 1 layout (`m`).
#[derive(Debug, Deserialize)]
pub(super) struct ShortMembership {
    mid: Option<String>,
    oid: Option<String>,
    o: Option<String>,
    p: Option<Vec<String>>,
}

/// A membership in the newer layout (`orgs`).
#[derive(Debug, Deserialize)]
pub(super) struct OrgMembership {
    mid: Option<String>,
    oid: Option<String>,
    name: Option<String>,
    perm: Option<Vec<String>>,
    #[serde(rename = "ref")]
    reference: Option<String>,
    cs: Option<Map<String, Value>>,
    selected: Option<bool>,
}

/// A membership of either layout.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Membership {
    pub(super) membership_id: Option<String>,
    pub(super) org_id: Option<String>,
    pub(super) org_name: Option<String>,
    pub(super) permissions: Vec<String>,
    pub(super) org_reference: Option<String>,
    pub(super) org_custom: Map<String, Value>,
    pub(super) selected: bool,
}

impl From<ShortMembership> for Membership {
    fn from(m: ShortMembership) -> Self {
        Membership {
            membership_id: m.mid,
            org_id: m.oid,
            org_name: m.o,
            permissions: m.p.unwrap_or_default(),
            org_reference: None,
            org_custom: Map::new(),
            selected: false,
        }
    }
}

impl From<OrgMembership> for Membership {
    fn from(m: OrgMembership) -> Self {
        Membership {
            membership_id: m.mid,
            org_id: m.oid,
            org_name: m.name,
            permissions: m.perm.unwrap_or_default(),
            org_reference: m.reference,
            org_custom: m.cs.unwrap_or_default(),
            selected: m.selected.unwrap_or(false),
        }
    }
}

impl Claims {
    /// The memberships of whichever layout the token has (`orgs` first).
    pub(super) fn memberships(&mut self) -> Vec<Membership> {
        match (self.orgs.take(), self.m.take()) {
            (Some(orgs), _) => orgs.into_iter().map(Membership::from).collect(),
            (None, Some(m)) => m.into_iter().map(Membership::from).collect(),
            (None, None) => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The claims as the verifier reads them, or the column where the JSON broke.
    fn parse(json: &[u8]) -> Result<Claims, usize> {
        super::super::parse_object(json, super::super::Part::Payload).map_err(|e| match e {
            super::super::TokenError::Malformed(super::super::Malformed::Json { column, .. }) => column,
            other => panic!("{other:?}"),
        })
    }

    #[test]
    fn both_layouts_and_escaped_strings_are_read() {
        let c = parse(br#"{"uid":"usr_1","n":"Ada \"L\" \u00e9","m":[{"p":["admin"],"oid":"org_1","o":"AE"}],"aud":"rl_1","iat":1,"exp":2.5}"#)
            .unwrap();
        assert_eq!(c.uid.as_deref(), Some("usr_1"));
        assert_eq!(c.n.as_deref(), Some("Ada \"L\" é"));
        assert_eq!(c.aud, Some(Audience::One("rl_1".into())));
        assert_eq!(c.exp, Some(2.5));
        let c = &mut parse(br#"{"sub":"usr_2","orgs":[{"oid":"org_2","perm":["a","b"],"selected":true,"cs":{"k":1}}],"aud":["x","rl_2"],"unknown":{"deep":[1,{"a":null}]}}"#)
            .unwrap();
        let m = c.memberships();
        assert_eq!(m[0].permissions, ["a", "b"]);
        assert!(m[0].selected);
        assert_eq!(c.aud, Some(Audience::Many(vec!["x".into(), "rl_2".into()])));
    }

    #[test]
    fn wrong_types_duplicates_and_non_objects_are_refused() {
        for bad in [
            &br#"{"uid":1}"#[..],
            br#"{"uid":"a","uid":"b"}"#,
            br#"{"exp":"soon"}"#,
            br#"{"m":{"p":[]}}"#,
            br#"["usr_1"]"#,
            br#"{"uid":"a"} x"#,
            br#""#,
            br#"{"cs":[1]}"#,
        ] {
            assert!(parse(bad).is_err(), "{}", String::from_utf8_lossy(bad));
        }
        assert_eq!(parse(br#"  [1]"#).unwrap_err(), 1);
        assert!(parse(br#"{"uid":null,"aud":null}"#).unwrap().uid.is_none());
    }
}
