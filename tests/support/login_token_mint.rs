//! Mints AuthRocket login tokens the way AuthRocket does, for the tests, the benchmark and the
//! tour: HS256 with a `jsk_` secret or RS256 with a private key, signed with the crypto of the
//! TLS backend (aws-lc-rs through jsonwebtoken, or ring), so no second crypto stack is built.

#![allow(dead_code)]

use std::time::{SystemTime, UNIX_EPOCH};

use base64::{
    Engine as _,
    engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD},
};
use serde_json::{Value, json};

/// A test realm's JWT secret.
pub const SECRET: &str = "jsk_m2y4UYnjRCXzuZVq57bJJSDoqOFMuQCFmLp4Nh9gcbk";
pub const REALM: &str = "rl_0v1zTHXhtNgmDaXaDYSAqx";
pub const USER: &str = "usr_0vKzMk2vtN5MOOk4DBaRxj";
pub const SESSION: &str = "kss_0vKzR1uV6zPpX7dA5eXf6g";
pub const ORG: &str = "org_0vKzK4hJ3zL2mN9pQ8rS7t";

pub fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// The AuthRocket 1 claim layout (as the vendor's Ruby client reads it), issued `age` seconds
/// ago and valid for `ttl` seconds from issue.
pub fn ar1_claims(age: i64, ttl: i64) -> Value {
    let iat = now() - age;
    json!({
        "uid": USER, "un": "ada", "fn": "Ada", "ln": "Lovelace", "n": "Ada Lovelace",
        "m": [
            {"p": ["admin", "billing:read"], "oid": ORG, "o": "Analytical Engines"},
            {"p": ["support"]}
        ],
        "tk": SESSION, "aud": REALM, "iat": iat, "exp": iat + ttl
    })
}

/// The newer claim layout (as the vendor's PHP client reads it).
pub fn newer_claims(age: i64, ttl: i64) -> Value {
    let iat = now() - age;
    json!({
        "sub": USER, "rid": REALM, "sid": SESSION, "preferred_username": "grace",
        "given_name": "Grace", "family_name": "Hopper", "name": "Grace Hopper",
        "email": "grace@example.com", "email_verified": true, "ref": "crm-42", "cs": {"plan": "gold"},
        "orgs": [{"mid": "mb_0vKzT5", "oid": ORG, "name": "Navy Labs", "perm": ["admin"], "ref": "acct-7",
                  "cs": {"tier": 1}, "selected": true}],
        "aud": "lpl_0vKzV7", "iat": iat, "exp": iat + ttl
    })
}

/// `base64url(header).base64url(claims)`, the part a signature covers.
pub fn signing_input(header: &Value, claims: &Value) -> String {
    let header = URL_SAFE_NO_PAD.encode(serde_json::to_vec(header).unwrap());
    let claims = URL_SAFE_NO_PAD.encode(serde_json::to_vec(claims).unwrap());
    format!("{header}.{claims}")
}

/// A token with this header and claims, HS256-signed with `secret` (whatever the header says).
pub fn hs256_with_header(secret: &[u8], header: &Value, claims: &Value) -> String {
    let input = signing_input(header, claims);
    let signature = URL_SAFE_NO_PAD.encode(sign_hs256(secret, input.as_bytes()));
    format!("{input}.{signature}")
}

/// An HS256 token signed with the realm secret `secret`.
pub fn hs256(secret: &str, claims: &Value) -> String {
    hs256_with_header(secret.as_bytes(), &json!({"alg": "HS256", "typ": "JWT"}), claims)
}

/// An RS256 token signed with this PKCS#8 PEM private key, with a `kid` when given.
pub fn rs256(private_pem: &str, kid: Option<&str>, claims: &Value) -> String {
    let header = match kid {
        Some(kid) => json!({"alg": "RS256", "typ": "JWT", "kid": kid}),
        None => json!({"alg": "RS256", "typ": "JWT"}),
    };
    let input = signing_input(&header, claims);
    let signature = URL_SAFE_NO_PAD.encode(sign_rs256(private_pem, input.as_bytes()));
    format!("{input}.{signature}")
}

/// The DER body of a PEM document.
pub fn pem_der(pem: &str) -> Vec<u8> {
    let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    STANDARD.decode(body).unwrap()
}

#[cfg(feature = "tls-aws-lc")]
fn sign(algorithm: jsonwebtoken::Algorithm, key: &jsonwebtoken::EncodingKey, msg: &[u8]) -> Vec<u8> {
    let signer = (jsonwebtoken::crypto::aws_lc::DEFAULT_PROVIDER.signer_factory)(&algorithm, key).unwrap();
    signer.try_sign(msg).unwrap()
}

#[cfg(feature = "tls-aws-lc")]
pub fn sign_hs256(secret: &[u8], msg: &[u8]) -> Vec<u8> {
    sign(
        jsonwebtoken::Algorithm::HS256,
        &jsonwebtoken::EncodingKey::from_secret(secret),
        msg,
    )
}

#[cfg(feature = "tls-aws-lc")]
pub fn sign_rs256(private_pem: &str, msg: &[u8]) -> Vec<u8> {
    let key = jsonwebtoken::EncodingKey::from_rsa_pem(private_pem.as_bytes()).unwrap();
    sign(jsonwebtoken::Algorithm::RS256, &key, msg)
}

#[cfg(all(feature = "tls-ring", not(feature = "tls-aws-lc")))]
pub fn sign_hs256(secret: &[u8], msg: &[u8]) -> Vec<u8> {
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, secret);
    ring::hmac::sign(&key, msg).as_ref().to_vec()
}

#[cfg(all(feature = "tls-ring", not(feature = "tls-aws-lc")))]
pub fn sign_rs256(private_pem: &str, msg: &[u8]) -> Vec<u8> {
    let pair = ring::signature::RsaKeyPair::from_pkcs8(&pem_der(private_pem)).unwrap();
    let mut signature = vec![0; pair.public().modulus_len()];
    pair.sign(
        &ring::signature::RSA_PKCS1_SHA256,
        &ring::rand::SystemRandom::new(),
        msg,
        &mut signature,
    )
    .unwrap();
    signature
}
