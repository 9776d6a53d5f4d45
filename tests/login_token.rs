//! AuthRocket login tokens verified locally (`authrocket::LoginTokenVerifier`): tokens minted
//! here with AuthRocket's two claim layouts, HS256 with a `jsk_` secret and RS256 with the key
//! pairs in `tests/fixtures/`; every refusal has its own error; keys loaded through the API by
//! `kid`; the revocation check against the typed mock. No secret in any message or log line:
//! `tests/login_token_logs.rs` (its own process, so no other test shares its subscriber).

#![cfg(feature = "authrocket-jwt")]

#[path = "support/login_token_mint.rs"]
mod mint;

use std::{sync::OnceLock, time::Duration};

use mint::{ORG, REALM, SECRET, SESSION, USER};
use proptest::prelude::*;
use rocket_apis::{
    ConfigError,
    authrocket::{
        ConfirmError, JwtAlgorithm, JwtSecret, KeyError, LoadError, LoginTokenVerifier, RealmId, TokenError,
        login_token::{Malformed, Part},
        mock::MockServer,
        types,
    },
};
use serde_json::json;

const PRIVATE_A: &str = include_str!("fixtures/authrocket_rs256_a.key.pem");
const PUBLIC_A: &str = include_str!("fixtures/authrocket_rs256_a.pub.pem");
const PRIVATE_B: &str = include_str!("fixtures/authrocket_rs256_b.key.pem");
const PUBLIC_B: &str = include_str!("fixtures/authrocket_rs256_b.pub.pem");

fn hs256_verifier() -> LoginTokenVerifier {
    LoginTokenVerifier::new(JwtSecret::new(SECRET).unwrap())
}

/// The base64 body of a PEM public key, on one line, as the vendor's bare form.
fn bare(pem: &str) -> String {
    pem.lines().filter(|l| !l.starts_with("-----")).collect()
}

/// The middle 40 characters of a key's body: what must never show up anywhere.
fn key_fragment(pem: &str) -> String {
    bare(pem)[100..140].to_string()
}

#[test]
fn vendor_hs256_layout_verifies_to_its_user_session_and_memberships() {
    let token = mint::hs256(SECRET, &mint::ar1_claims(60, 3600));
    let session = hs256_verifier().verify(&token).unwrap();
    assert_eq!(session.session_id(), Some(SESSION));
    assert_eq!(session.user_id(), USER);
    assert_eq!(session.realm_id(), Some(REALM));
    assert_eq!(session.username(), Some("ada"));
    assert_eq!(session.first_name(), Some("Ada"));
    assert_eq!(session.last_name(), Some("Lovelace"));
    assert_eq!(session.name(), Some("Ada Lovelace"));
    let memberships: Vec<_> = session.memberships().collect();
    assert_eq!(memberships.len(), 2);
    assert_eq!(session.memberships().len(), 2);
    let first = &memberships[0];
    assert_eq!(first.org_id(), Some(ORG));
    assert_eq!(first.org_name(), Some("Analytical Engines"));
    assert_eq!(first.permissions().collect::<Vec<_>>(), ["admin", "billing:read"]);
    assert!(first.has_permission("billing:read") && !first.has_permission("billing"));
    assert_eq!(session.membership_in(ORG), Some(*first));
    assert_eq!(memberships[1].org_id(), None, "the org-less membership of AuthRocket 1");
    assert_eq!(memberships[1].permissions().collect::<Vec<_>>(), ["support"]);
    assert_eq!(memberships[1].permissions().len(), 1);
    let lifetime = session.expires_at() - session.issued_at();
    assert_eq!(lifetime.num_seconds(), 3600);
    assert!((chrono::Utc::now() - session.issued_at()).num_seconds() >= 59);
}

#[test]
fn newer_layout_maps_sub_rid_sid_names_email_and_orgs() {
    let token = mint::hs256(SECRET, &mint::newer_claims(0, 600));
    let session = hs256_verifier().verify(&token).unwrap();
    assert_eq!(session.session_id(), Some(SESSION));
    assert_eq!(session.user_id(), USER);
    assert_eq!(
        session.realm_id(),
        Some(REALM),
        "rid wins over an aud that is not the realm"
    );
    assert_eq!(session.username(), Some("grace"));
    assert_eq!(session.first_name(), Some("Grace"));
    assert_eq!(session.last_name(), Some("Hopper"));
    assert_eq!(session.name(), Some("Grace Hopper"));
    assert_eq!(session.email(), Some("grace@example.com"));
    assert_eq!(session.email_verified(), Some(true));
    assert_eq!(session.reference(), Some("crm-42"));
    assert_eq!(session.custom()["plan"], "gold");
    let org = session.memberships().next().unwrap();
    assert_eq!(org.membership_id(), Some("mb_0vKzT5"));
    assert_eq!(org.org_id(), Some(ORG));
    assert_eq!(org.org_name(), Some("Navy Labs"));
    assert_eq!(org.permissions().collect::<Vec<_>>(), ["admin"]);
    assert_eq!(org.org_reference(), Some("acct-7"));
    assert_eq!(org.org_custom()["tier"], 1);
    assert!(org.selected());
}

#[test]
fn headers_in_another_form_verify_the_same() {
    let claims = mint::ar1_claims(0, 3600);
    let plain = hs256_verifier().verify(&mint::hs256(SECRET, &claims)).unwrap();
    for header in [
        json!({"alg": "HS256"}),
        json!({"typ": "JWT", "alg": "HS256", "kid": "jky_any"}),
    ] {
        let token = mint::hs256_with_header(SECRET.as_bytes(), &header, &claims);
        assert_eq!(hs256_verifier().verify(&token).unwrap(), plain, "{header}");
    }
}

#[test]
fn one_changed_byte_in_the_claims_is_a_bad_signature() {
    let token = mint::hs256(SECRET, &mint::ar1_claims(0, 3600));
    let dot = token.find('.').unwrap();
    let mut bytes = token.into_bytes();
    let i = dot + 5;
    bytes[i] = if bytes[i] == b'A' { b'B' } else { b'A' };
    let changed = String::from_utf8(bytes).unwrap();
    assert_eq!(hs256_verifier().verify(&changed).unwrap_err(), TokenError::BadSignature);
}

#[test]
fn a_token_signed_with_another_secret_is_a_bad_signature() {
    let token = mint::hs256("jsk_anotherRealmSecret0000", &mint::ar1_claims(0, 3600));
    assert_eq!(hs256_verifier().verify(&token).unwrap_err(), TokenError::BadSignature);
}

#[test]
fn alg_none_is_refused_in_any_spelling() {
    let claims = mint::ar1_claims(0, 3600);
    for alg in ["none", "None", "NONE"] {
        let unsigned = format!("{}.", mint::signing_input(&json!({"alg": alg}), &claims));
        assert_eq!(
            hs256_verifier().verify(&unsigned).unwrap_err(),
            TokenError::AlgNone,
            "{alg}"
        );
        // With a signature attached, still refused for what it claims.
        let signed = mint::hs256_with_header(SECRET.as_bytes(), &json!({"alg": alg}), &claims);
        assert_eq!(
            hs256_verifier().verify(&signed).unwrap_err(),
            TokenError::AlgNone,
            "{alg}"
        );
    }
}

#[test]
fn expired_by_10_s_is_refused_with_the_default_5_s_leeway() {
    let token = mint::hs256(SECRET, &mint::ar1_claims(3610, 3600));
    match hs256_verifier().verify(&token).unwrap_err() {
        TokenError::Expired { ago, .. } => assert!((9..=12).contains(&ago.as_secs()), "{ago:?}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn expired_by_3_s_passes_within_the_leeway_and_not_without_it() {
    let token = mint::hs256(SECRET, &mint::ar1_claims(3603, 3600));
    assert!(hs256_verifier().verify(&token).is_ok());
    let strict = hs256_verifier().leeway(Duration::ZERO);
    assert!(matches!(strict.verify(&token), Err(TokenError::Expired { .. })));
}

#[test]
fn not_yet_valid_tokens_are_refused() {
    let mut claims = mint::ar1_claims(0, 3600);
    claims["nbf"] = json!(mint::now() + 60);
    let token = mint::hs256(SECRET, &claims);
    assert!(matches!(
        hs256_verifier().verify(&token),
        Err(TokenError::NotYetValid { .. })
    ));
    let issued_in_the_future = mint::hs256(SECRET, &mint::ar1_claims(-120, 3600));
    assert!(matches!(
        hs256_verifier().verify(&issued_in_the_future),
        Err(TokenError::NotYetValid { .. })
    ));
}

#[test]
fn a_token_older_than_the_maximum_age_is_refused() {
    let token = mint::hs256(SECRET, &mint::ar1_claims(600, 3600));
    let verifier = hs256_verifier().max_age(Duration::from_secs(300));
    match verifier.verify(&token).unwrap_err() {
        TokenError::TooOld { max_age, .. } => assert_eq!(max_age, Duration::from_secs(300)),
        other => panic!("{other:?}"),
    }
    assert!(
        hs256_verifier()
            .max_age(Duration::from_secs(900))
            .verify(&token)
            .is_ok()
    );
}

#[test]
fn another_realms_token_is_refused_when_a_realm_is_expected() {
    let verifier = hs256_verifier().expected_realm(RealmId::new("rl_otherRealm").unwrap());
    let token = mint::hs256(SECRET, &mint::ar1_claims(0, 3600));
    assert_eq!(
        verifier.verify(&token).unwrap_err(),
        TokenError::WrongRealm {
            expected: "rl_otherRealm".into(),
            found: Some(REALM.into())
        }
    );
    let mut claims = mint::ar1_claims(0, 3600);
    claims.as_object_mut().unwrap().remove("aud");
    let no_realm = mint::hs256(SECRET, &claims);
    assert!(matches!(
        verifier.verify(&no_realm),
        Err(TokenError::WrongRealm { found: None, .. })
    ));
    let ours = hs256_verifier().expected_realm(RealmId::new(REALM).unwrap());
    assert!(ours.verify(&token).is_ok());
}

#[test]
fn an_hs256_token_checked_against_an_rs256_key_is_algorithm_confusion() {
    // The classic attack: HMAC-sign with the public key's text, which the attacker knows.
    let forged = mint::hs256_with_header(
        PUBLIC_A.as_bytes(),
        &json!({"alg": "HS256"}),
        &mint::ar1_claims(0, 3600),
    );
    let verifier = LoginTokenVerifier::rs256(PUBLIC_A).unwrap();
    assert_eq!(
        verifier.verify(&forged).unwrap_err(),
        TokenError::AlgorithmMismatch {
            expected: JwtAlgorithm::Rs256,
            found: "HS256".into()
        }
    );
}

#[test]
fn an_rs256_token_checked_against_an_hs256_secret_is_refused() {
    let token = mint::rs256(PRIVATE_A, None, &mint::ar1_claims(0, 3600));
    assert_eq!(
        hs256_verifier().verify(&token).unwrap_err(),
        TokenError::AlgorithmMismatch {
            expected: JwtAlgorithm::Hs256,
            found: "RS256".into()
        }
    );
}

#[test]
fn other_algorithms_are_refused_as_a_mismatch() {
    let token = mint::hs256_with_header(SECRET.as_bytes(), &json!({"alg": "HS512"}), &mint::ar1_claims(0, 3600));
    assert!(matches!(
        hs256_verifier().verify(&token),
        Err(TokenError::AlgorithmMismatch {
            expected: JwtAlgorithm::Hs256,
            ..
        })
    ));
}

#[test]
fn rs256_verifies_with_a_pem_key_the_bare_base64_form_and_a_one_line_env_file_form() {
    let token = mint::rs256(PRIVATE_A, None, &mint::newer_claims(0, 600));
    for key in [
        PUBLIC_A.to_string(),
        bare(PUBLIC_A),
        PUBLIC_A.trim().replace('\n', "\\n"),
    ] {
        let session = LoginTokenVerifier::rs256(&key).unwrap().verify(&token).unwrap();
        assert_eq!(session.user_id(), USER);
    }
}

#[test]
fn rs256_with_another_key_is_a_bad_signature() {
    let token = mint::rs256(PRIVATE_B, None, &mint::ar1_claims(0, 3600));
    let verifier = LoginTokenVerifier::rs256(PUBLIC_A).unwrap();
    assert_eq!(verifier.verify(&token).unwrap_err(), TokenError::BadSignature);
}

#[test]
fn rs256_keys_that_are_not_public_keys_are_refused() {
    assert_eq!(LoginTokenVerifier::rs256("").unwrap_err(), KeyError::Empty);
    assert_eq!(LoginTokenVerifier::rs256(SECRET).unwrap_err(), KeyError::IsSecret);
    let private = LoginTokenVerifier::rs256(PRIVATE_A).unwrap_err();
    assert_eq!(private, KeyError::PrivateKey);
    assert!(!private.to_string().contains(&key_fragment(PRIVATE_A)));
    assert_eq!(
        LoginTokenVerifier::rs256("not a key!").unwrap_err(),
        KeyError::NotRsaPublicKey
    );
    assert_eq!(
        LoginTokenVerifier::rs256("QUJD").unwrap_err(),
        KeyError::NotRsaPublicKey
    );
}

#[test]
fn malformed_tokens_each_say_what_is_wrong() {
    let good = mint::hs256(SECRET, &mint::ar1_claims(0, 3600));
    let (head, rest) = good.split_once('.').unwrap();
    let malformed = |token: &str| match hs256_verifier().verify(token) {
        Err(TokenError::Malformed(m)) => m,
        other => panic!("{other:?}"),
    };
    assert_eq!(malformed("abc"), Malformed::Parts { parts: 1 });
    assert_eq!(malformed(&format!("{good}.x")), Malformed::Parts { parts: 4 });
    assert_eq!(malformed(&format!("Bearer {good}")), Malformed::SchemePrefix);
    assert_eq!(malformed(&format!(".{rest}")), Malformed::Empty { part: Part::Header });
    assert_eq!(
        malformed(&format!("{head}!.{rest}")),
        Malformed::Base64 { part: Part::Header }
    );
    assert_eq!(
        malformed(&format!("{head}=.{rest}")),
        Malformed::Base64 { part: Part::Header }
    );
    let not_json = format!("{}.{rest}", base64_url(b"{\"alg\": HS256}"));
    assert!(matches!(
        malformed(&not_json),
        Malformed::Json { part: Part::Header, .. }
    ));
    let crit = mint::hs256_with_header(
        SECRET.as_bytes(),
        &json!({"alg": "HS256", "crit": ["exp"]}),
        &mint::ar1_claims(0, 3600),
    );
    assert_eq!(malformed(&crit), Malformed::CriticalHeader);
    let huge = format!("{}.{}.{}", "a".repeat(40_000), "a".repeat(30_000), "a");
    assert!(matches!(malformed(&huge), Malformed::TooLong { .. }));
    // Signed, but the payload is not the JSON of a login token.
    let input = format!("{head}.{}", base64_url(b"[1,2,3]"));
    let signature = base64_url(&mint::sign_hs256(SECRET.as_bytes(), input.as_bytes()));
    assert!(matches!(
        malformed(&format!("{input}.{signature}")),
        Malformed::Json {
            part: Part::Payload,
            ..
        }
    ));
    let bad_signature = format!("{head}.{}", rest.replace('.', ".*"));
    assert_eq!(malformed(&bad_signature), Malformed::Base64 { part: Part::Signature });
    // Each way a signature is decoded: on the stack (an HS256 one), into a new buffer (longer),
    // or not at all (empty, or a length no base64url has).
    let (signed, _) = good.rsplit_once('.').unwrap();
    for (signature, expected) in [
        (String::new(), Malformed::Empty { part: Part::Signature }),
        ("abcde".to_string(), Malformed::Base64 { part: Part::Signature }),
        (
            format!("{}=", "A".repeat(400)),
            Malformed::Base64 { part: Part::Signature },
        ),
    ] {
        assert_eq!(
            malformed(&format!("{signed}.{signature}")),
            expected,
            "signature {signature:?}"
        );
    }
    assert_eq!(
        hs256_verifier()
            .verify(&format!("{signed}.{}", "A".repeat(400)))
            .unwrap_err(),
        TokenError::BadSignature,
        "a long signature is decoded and checked"
    );
}

#[test]
fn a_crit_header_of_any_value_and_a_header_that_is_not_an_object_are_malformed() {
    let claims = mint::ar1_claims(0, 3600);
    let malformed = |token: &str| match hs256_verifier().verify(token) {
        Err(TokenError::Malformed(m)) => m,
        other => panic!("{other:?}"),
    };
    for crit in [json!(null), json!([]), json!("exp"), json!(false)] {
        let token = mint::hs256_with_header(SECRET.as_bytes(), &json!({"alg": "HS256", "crit": crit}), &claims);
        assert_eq!(malformed(&token), Malformed::CriticalHeader, "crit: {crit}");
    }
    for header in [json!(["HS256"]), json!(["HS256", null, null]), json!("HS256")] {
        let token = mint::hs256_with_header(SECRET.as_bytes(), &header, &claims);
        assert!(
            matches!(malformed(&token), Malformed::Json { part: Part::Header, .. }),
            "header {header}"
        );
    }
}

#[test]
fn a_token_of_another_issuer_is_refused_with_its_own_error() {
    let mut claims = mint::ar1_claims(0, 3600);
    claims["iss"] = json!("https://not-authrocket.example");
    let token = mint::hs256(SECRET, &claims);
    let err = hs256_verifier().verify(&token).unwrap_err();
    assert_eq!(
        err,
        TokenError::WrongIssuer {
            expected: "https://authrocket.com".into(),
            found: "https://not-authrocket.example".into(),
        }
    );
    assert!(err.to_string().contains("not-authrocket.example"), "{err}");
    // AuthRocket's own issuer, no issuer at all, and a configured one pass.
    claims["iss"] = json!(rocket_apis::authrocket::login_token::AUTHROCKET_ISSUER);
    hs256_verifier().verify(&mint::hs256(SECRET, &claims)).unwrap();
    claims.as_object_mut().unwrap().remove("iss");
    hs256_verifier().verify(&mint::hs256(SECRET, &claims)).unwrap();
    claims["iss"] = json!("https://auth.example.test");
    let own = mint::hs256(SECRET, &claims);
    hs256_verifier()
        .issuer("https://auth.example.test")
        .verify(&own)
        .unwrap();
    assert!(matches!(
        hs256_verifier().verify(&own),
        Err(TokenError::WrongIssuer { .. })
    ));
}

#[test]
fn placeholder_jwt_secrets_are_refused_without_being_repeated() {
    for placeholder in ["jsk_a", "jsk_SAMPLE", "jsk_0123456789abcde"] {
        let err = JwtSecret::new(placeholder).unwrap_err();
        assert!(
            matches!(err.problem(), rocket_apis::Problem::TooShort { min: 16 }),
            "{placeholder}: {err:?}"
        );
        let shown = format!("{err} {err:?}");
        assert!(shown.contains("placeholder"), "{shown}");
        if placeholder.len() > 8 {
            assert!(!shown.contains(&placeholder[4..]), "{shown}");
        }
    }
    JwtSecret::new("jsk_0123456789abcdef").unwrap();
    // A key the API lists is held to the same rule.
    let listed = jwt_key("jky_short", "hs256", "jsk_SAMPLE", false);
    assert!(matches!(
        LoginTokenVerifier::from_jwt_keys([&listed]),
        Err(LoadError::Key {
            source: KeyError::Secret(_),
            ..
        })
    ));
}

fn base64_url(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

#[test]
fn missing_claims_are_named() {
    for (claim, named) in [("uid", "uid"), ("exp", "exp"), ("iat", "iat")] {
        let mut claims = mint::ar1_claims(0, 3600);
        claims.as_object_mut().unwrap().remove(claim);
        let token = mint::hs256(SECRET, &claims);
        assert_eq!(
            hs256_verifier().verify(&token).unwrap_err(),
            TokenError::MissingClaim(named)
        );
    }
    let mut claims = mint::ar1_claims(0, 3600);
    claims["exp"] = json!(1e300);
    assert_eq!(
        hs256_verifier().verify(&mint::hs256(SECRET, &claims)).unwrap_err(),
        TokenError::InvalidClaim("exp")
    );
}

fn jwt_key(id: &str, algo: &str, key: &str, expired: bool) -> types::JwtKey {
    serde_json::from_value(
        json!({"id": id, "object": "jwt_key", "algo": algo, "use": "sign", "key": key,
        "expired": expired}),
    )
    .unwrap()
}

#[test]
fn realm_keys_are_chosen_by_kid_and_replaced_keys_refuse_unless_accepted() {
    let keys = [
        jwt_key("jky_new", "rs256", PUBLIC_A, false),
        jwt_key("jky_old", "rs256", PUBLIC_B, true),
        jwt_key("jky_hs", "hs256", SECRET, false),
        jwt_key("jky_future", "es256", "whatever", false),
    ];
    let verifier = LoginTokenVerifier::from_jwt_keys(&keys).unwrap();
    let claims = mint::ar1_claims(0, 3600);
    assert!(
        verifier
            .verify(&mint::rs256(PRIVATE_A, Some("jky_new"), &claims))
            .is_ok()
    );
    assert!(
        verifier.verify(&mint::hs256(SECRET, &claims)).is_ok(),
        "no kid: every current key of its algorithm"
    );
    assert_eq!(
        verifier
            .verify(&mint::rs256(PRIVATE_B, Some("jky_new"), &claims))
            .unwrap_err(),
        TokenError::BadSignature,
        "a kid picks the key; another key's signature does not pass"
    );
    assert_eq!(
        verifier
            .verify(&mint::rs256(PRIVATE_A, Some("jky_gone"), &claims))
            .unwrap_err(),
        TokenError::UnknownKey { kid: "jky_gone".into() }
    );
    let old = mint::rs256(PRIVATE_B, Some("jky_old"), &claims);
    assert_eq!(
        verifier.verify(&old).unwrap_err(),
        TokenError::KeyExpired { kid: "jky_old".into() }
    );
    assert!(verifier.clone().accept_expired_keys(true).verify(&old).is_ok());
    // Without a kid, a replaced key is not tried.
    assert_eq!(
        verifier.verify(&mint::rs256(PRIVATE_B, None, &claims)).unwrap_err(),
        TokenError::BadSignature
    );
    let debug = format!("{verifier:?}");
    assert!(
        debug.contains("jky_old") && debug.contains("RS256") && debug.contains("expired"),
        "{debug}"
    );
    assert!(
        !debug.contains(&key_fragment(PUBLIC_A)) && !debug.contains(&SECRET[4..]),
        "{debug}"
    );
}

#[test]
fn realm_keys_that_cannot_be_used_are_refused() {
    assert!(matches!(
        LoginTokenVerifier::from_jwt_keys(&[]),
        Err(LoadError::NoKey { realm: None })
    ));
    let bad = [jwt_key("jky_bad", "rs256", "nope", false)];
    match LoginTokenVerifier::from_jwt_keys(&bad) {
        Err(LoadError::Key { kid, source }) => {
            assert_eq!(kid, "jky_bad");
            assert_eq!(source, KeyError::NotRsaPublicKey);
        }
        other => panic!("{other:?}"),
    }
}

fn key_list(keys: Vec<types::JwtKey>) -> types::JwtKeyList {
    serde_json::from_value(json!({"collection": keys, "more_results": false})).unwrap()
}

#[tokio::test]
async fn from_realm_loads_the_keys_through_the_api_and_expects_that_realm() {
    let server = MockServer::start().await;
    server
        .list_jwt_keys()
        .query("realm_id", REALM)
        .ok(&key_list(vec![jwt_key("jky_new", "rs256", PUBLIC_A, false)]))
        .await;
    let realm = RealmId::new(REALM).unwrap();
    let verifier = LoginTokenVerifier::from_realm(&server.client(), &realm).await.unwrap();
    let claims = mint::ar1_claims(0, 3600);
    assert!(
        verifier
            .verify(&mint::rs256(PRIVATE_A, Some("jky_new"), &claims))
            .is_ok()
    );
    let mut elsewhere = claims.clone();
    elsewhere["aud"] = json!("rl_elsewhere");
    assert!(matches!(
        verifier.verify(&mint::rs256(PRIVATE_A, Some("jky_new"), &elsewhere)),
        Err(TokenError::WrongRealm { .. })
    ));
    assert_eq!(server.received().await.len(), 1);
}

#[tokio::test]
async fn from_realm_falls_back_to_the_realms_own_key() {
    let server = MockServer::start().await;
    server.list_jwt_keys().ok(&key_list(vec![])).await;
    let realm: types::Realm =
        serde_json::from_value(json!({"id": REALM, "object": "realm", "jwt_algo": "hs256", "jwt_key": SECRET}))
            .unwrap();
    server.get_realm().path_param("realmId", REALM).ok(&realm).await;
    let verifier = LoginTokenVerifier::from_realm(&server.client(), &RealmId::new(REALM).unwrap())
        .await
        .unwrap();
    assert!(
        verifier
            .verify(&mint::hs256(SECRET, &mint::ar1_claims(0, 3600)))
            .is_ok()
    );
    let paths: Vec<String> = server.received().await.into_iter().map(|(_, p)| p).collect();
    assert!(
        paths[0].starts_with("/v1/jwt_keys?") && paths[0].contains(&format!("realm_id={REALM}")),
        "{paths:?}"
    );
    assert_eq!(paths[1], format!("/v1/realms/{REALM}"));

    let empty = MockServer::start().await;
    empty.list_jwt_keys().fail(403, "admin_realm required").await;
    let keyless: types::Realm = serde_json::from_value(json!({"id": REALM, "jwt_algo": "hs256"})).unwrap();
    empty.get_realm().ok(&keyless).await;
    let err = LoginTokenVerifier::from_realm(&empty.client(), &RealmId::new(REALM).unwrap())
        .await
        .unwrap_err();
    assert!(matches!(err, LoadError::NoKey { realm: Some(_) }), "{err:?}");
    assert!(err.to_string().contains("admin_realm"), "{err}");
}

fn api_session(id: &str) -> types::Session {
    serde_json::from_value(
        json!({"id": id, "object": "session", "user_id": USER, "created_at": 1.0e9,
        "expires_at": 4.0e9}),
    )
    .unwrap()
}

#[tokio::test]
async fn confirm_asks_the_api_by_session_id_and_reports_a_revoked_session() {
    let server = MockServer::start().await;
    server
        .get_session()
        .path_param("sessionId", SESSION)
        .times(1)
        .ok(&api_session(SESSION))
        .await;
    server.get_session().fail(404, "Not found").await;
    let client = server.client();
    let token = mint::hs256(SECRET, &mint::ar1_claims(0, 3600));
    let verifier = hs256_verifier();
    let session = verifier.confirm(&client, &token).await.unwrap();
    assert_eq!(session.user_id(), USER);
    let paths: Vec<String> = server.received().await.into_iter().map(|(_, p)| p).collect();
    assert_eq!(
        paths,
        [format!("/v1/sessions/{SESSION}")],
        "the session id, not the token"
    );

    match verifier.confirm(&client, &token).await.unwrap_err() {
        ConfirmError::Revoked { session_id } => assert_eq!(session_id.as_deref(), Some(SESSION)),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn confirm_never_calls_the_api_for_a_token_that_fails_locally() {
    let server = MockServer::start().await;
    server.get_session().ok(&api_session(SESSION)).await;
    let forged = mint::hs256("jsk_forger", &mint::ar1_claims(0, 3600));
    let err = hs256_verifier().confirm(&server.client(), &forged).await.unwrap_err();
    assert!(matches!(err, ConfirmError::Token(TokenError::BadSignature)), "{err:?}");
    assert!(server.received().await.is_empty());
}

#[tokio::test]
async fn confirm_refuses_a_session_of_another_user_and_passes_api_errors_on() {
    let server = MockServer::start().await;
    let mut other: types::Session = api_session(SESSION);
    other.user_id = Some("usr_someoneElse".into());
    server.get_session().times(1).ok(&other).await;
    server.get_session().fail(503, "maintenance").await;
    let token = mint::hs256(SECRET, &mint::ar1_claims(0, 3600));
    let client = server.client();
    assert!(matches!(
        hs256_verifier().confirm(&client, &token).await,
        Err(ConfirmError::OtherUser)
    ));
    match hs256_verifier().confirm(&client, &token).await.unwrap_err() {
        ConfirmError::Api(e) => assert_eq!(e.status().map(|s| s.as_u16()), Some(503)),
        other => panic!("{other:?}"),
    }
}

#[test]
fn from_env_reads_the_jwt_secret_else_the_jwt_key() {
    let set = |k: &str, v: Option<&str>| unsafe {
        match v {
            Some(v) => std::env::set_var(k, v),
            None => std::env::remove_var(k),
        }
    };
    let hs = mint::hs256(SECRET, &mint::ar1_claims(0, 3600));
    let rs = mint::rs256(PRIVATE_A, None, &mint::ar1_claims(0, 3600));
    set("AUTHROCKET_JWT_SECRET", None);
    set("AUTHROCKET_JWT_KEY", None);
    assert!(matches!(
        LoginTokenVerifier::from_env().unwrap_err(),
        ConfigError::MissingEnv {
            var: "AUTHROCKET_JWT_SECRET",
            ..
        }
    ));
    set("AUTHROCKET_JWT_KEY", Some(&bare(PUBLIC_A)));
    assert!(LoginTokenVerifier::from_env().unwrap().verify(&rs).is_ok());
    set("AUTHROCKET_JWT_KEY", Some(SECRET));
    assert!(LoginTokenVerifier::from_env().unwrap().verify(&hs).is_ok());
    set("AUTHROCKET_JWT_KEY", Some(PRIVATE_A));
    let err = LoginTokenVerifier::from_env().unwrap_err().to_string();
    assert!(
        err.contains("AUTHROCKET_JWT_KEY") && err.contains("private key"),
        "{err}"
    );
    assert!(!err.contains(&key_fragment(PRIVATE_A)), "{err}");
    set("AUTHROCKET_JWT_SECRET", Some(SECRET));
    assert!(
        LoginTokenVerifier::from_env().unwrap().verify(&hs).is_ok(),
        "the secret comes first"
    );
    set("AUTHROCKET_JWT_SECRET", Some("jsk_has a space"));
    let err = LoginTokenVerifier::from_env().unwrap_err().to_string();
    assert!(
        err.contains("AUTHROCKET_JWT_SECRET") && !err.contains("has a space"),
        "{err}"
    );
    set("AUTHROCKET_JWT_SECRET", None);
    set("AUTHROCKET_JWT_KEY", None);
}

/// A valid HS256 and a valid RS256 token, each with its verifier, minted once.
fn tokens_to_mutate() -> &'static [(String, LoginTokenVerifier); 2] {
    static TOKENS: OnceLock<[(String, LoginTokenVerifier); 2]> = OnceLock::new();
    TOKENS.get_or_init(|| {
        [
            (mint::hs256(SECRET, &mint::ar1_claims(0, 3600)), hs256_verifier()),
            (
                mint::rs256(PRIVATE_A, None, &mint::newer_claims(0, 3600)),
                LoginTokenVerifier::rs256(PUBLIC_A).unwrap(),
            ),
        ]
    })
}

proptest! {
    /// Any single byte changed, anywhere in a valid HS256 or RS256 token, and it no longer
    /// verifies (strict base64 makes sure the signature's last character has no spare bits).
    #[test]
    fn a_changed_byte_anywhere_never_verifies(which in 0usize..2, at in any::<prop::sample::Index>(), byte in any::<u8>()) {
        let (token, verifier) = &tokens_to_mutate()[which];
        prop_assert!(verifier.verify(token).is_ok());
        let mut bytes = token.clone().into_bytes();
        let i = at.index(bytes.len());
        prop_assume!(bytes[i] != byte);
        bytes[i] = byte;
        // A token that is not UTF-8 cannot even be passed in.
        if let Ok(changed) = String::from_utf8(bytes) {
            prop_assert!(verifier.verify(&changed).is_err(), "changed byte {} to {:#x} and it verified", i, byte);
        }
    }
}

/// A token signed over this exact claims JSON (which `serde_json::Value` could not hold: a
/// claim given twice, escapes as written).
fn hs256_raw(claims_json: &str) -> String {
    let input = format!(
        "{}.{}",
        base64_url(br#"{"alg":"HS256","typ":"JWT"}"#),
        base64_url(claims_json.as_bytes())
    );
    let signature = base64_url(&mint::sign_hs256(SECRET.as_bytes(), input.as_bytes()));
    format!("{input}.{signature}")
}

#[test]
fn escaped_strings_and_large_tokens_verify_to_the_same_values() {
    let mut claims = mint::ar1_claims(0, 3600);
    claims["n"] = json!("Ada \"Countess\" Lovelace \\ Zoë 😀\n\t/");
    let many: Vec<_> = (0..40)
        .map(|i| json!({"p": ["admin", format!("perm:{i}")], "oid": format!("org_{i:04}"), "o": format!("Org {i}")}))
        .collect();
    claims["m"] = json!(many);
    let token = mint::hs256(SECRET, &claims);
    let payload_len = token.split('.').nth(1).unwrap().len() * 3 / 4;
    assert!(
        payload_len > 1024,
        "{payload_len}: decoded on the heap, past the stack buffer"
    );
    let session = hs256_verifier().verify(&token).unwrap();
    assert_eq!(session.name(), Some("Ada \"Countess\" Lovelace \\ Zoë 😀\n\t/"));
    assert_eq!(session.memberships().len(), 40);
    let last = session.memberships().nth(39).unwrap();
    assert_eq!(last.org_id(), Some("org_0039"));
    assert_eq!(last.permissions().collect::<Vec<_>>(), ["admin", "perm:39"]);

    // Written with `\u` escapes (a surrogate pair too), it reads the same.
    let iat = mint::now();
    let escaped = hs256_raw(&format!(
        r#"{{"\u0075id":"{USER}","n":"Zo\u00eb \ud83d\ude00","iat":{iat},"exp":{}}}"#,
        iat + 60
    ));
    let session = hs256_verifier().verify(&escaped).unwrap();
    assert_eq!(session.user_id(), USER);
    assert_eq!(session.name(), Some("Zoë 😀"));

    // The session reads its strings from the claims it keeps, the escaped ones from a side
    // buffer: written either way, with escapes in memberships and permissions too, the sessions
    // read the same, compare equal, clone and show the same.
    let written = |uid: &str, name: &str, org: &str, permission: &str| {
        hs256_raw(&format!(
            r#"{{"uid":"{uid}","n":"{name}","m":[{{"oid":"{org}","o":"{name}","p":["{permission}","b"]}}],"iat":{iat},"exp":{}}}"#,
            iat + 60
        ))
    };
    let plain = hs256_verifier()
        .verify(&written(USER, "Zoë 😀", "org_1", "a/b"))
        .unwrap();
    let escaped = hs256_verifier()
        .verify(&written(
            &USER.replace('u', "\\u0075"),
            "Zo\\u00eb \\ud83d\\ude00",
            "org\\u005f1",
            "a\\/b",
        ))
        .unwrap();
    let org = escaped.memberships().next().unwrap();
    assert_eq!(
        (escaped.user_id(), org.org_id(), org.org_name()),
        (USER, Some("org_1"), Some("Zoë 😀"))
    );
    assert_eq!(org.permissions().collect::<Vec<_>>(), ["a/b", "b"]);
    assert_eq!(escaped, plain);
    assert_eq!(escaped.clone(), plain);
    assert_eq!(format!("{escaped:?}"), format!("{plain:?}"));
    assert!(format!("{escaped:?}").contains("Zoë 😀") && format!("{escaped:?}").contains("org_1"));
    let other = hs256_verifier().verify(&written(USER, "Zoë 😀", "org_1", "c")).unwrap();
    assert_ne!(other, plain, "another permission, another session");
}

#[test]
fn signed_claims_that_are_not_a_login_tokens_json_are_malformed() {
    let iat = mint::now();
    let payload_json = |claims: &str| match hs256_verifier().verify(&hs256_raw(claims)) {
        Err(TokenError::Malformed(Malformed::Json {
            part: Part::Payload, ..
        })) => {}
        other => panic!("{claims}: {other:?}"),
    };
    let exp = iat + 60;
    // A claim given twice: which one would count?
    payload_json(&format!(
        r#"{{"uid":"{USER}","uid":"usr_other","iat":{iat},"exp":{exp}}}"#
    ));
    // Wrong types, a lone surrogate, trailing characters, broken JSON.
    payload_json(&format!(r#"{{"uid":"{USER}","iat":"{iat}","exp":{exp}}}"#));
    payload_json(&format!(r#"{{"uid":7,"iat":{iat},"exp":{exp}}}"#));
    payload_json(&format!(r#"{{"uid":"{USER}","m":[null],"iat":{iat},"exp":{exp}}}"#));
    payload_json(&format!(r#"{{"uid":"\ud800","iat":{iat},"exp":{exp}}}"#));
    payload_json(&format!(r#"{{"uid":"{USER}","iat":{iat},"exp":{exp}}} x"#));
    payload_json(&format!(r#"{{"uid":"{USER}","iat":{iat},"exp":{exp},}}"#));
    payload_json(&format!(r#"{{"uid":"{USER}","x":[1,,2],"iat":{iat},"exp":{exp}}}"#));
    // Unknown claims of any shape are skipped.
    let extra = format!(r#"{{"uid":"{USER}","x":{{"y":[1.5e3,true,null,"\u0041"]}},"iat":{iat},"exp":{exp}}}"#);
    assert_eq!(hs256_verifier().verify(&hs256_raw(&extra)).unwrap().user_id(), USER);
}
