//! No login token, JWT secret or key in any `Debug`, `Display`, error or log line, at any level:
//! a `TRACE` capture around verifications that pass and fail and a revocation check against the
//! typed mock. Alone in its test binary, so no other test runs beside its subscriber.

#![cfg(feature = "authrocket-jwt")]

#[path = "support/login_token_mint.rs"]
mod mint;

use std::time::Duration;

use mint::{SECRET, SESSION, USER};
use rocket_apis::authrocket::{JwtSecret, LoginTokenVerifier, mock::MockServer, types};
use serde_json::json;

const PRIVATE_A: &str = include_str!("fixtures/authrocket_rs256_a.key.pem");
const PUBLIC_A: &str = include_str!("fixtures/authrocket_rs256_a.pub.pem");

fn hs256_verifier() -> LoginTokenVerifier {
    LoginTokenVerifier::new(JwtSecret::new(SECRET).unwrap())
}

/// The middle 40 characters of a key's base64 body: what must never show up anywhere.
fn key_fragment(pem: &str) -> String {
    let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    body[100..140].to_string()
}

fn api_session(id: &str) -> types::Session {
    serde_json::from_value(json!({"id": id, "object": "session", "user_id": USER})).unwrap()
}

#[path = "support/captured_logs.rs"]
mod captured_logs;
use captured_logs::Captured;

#[tokio::test]
async fn no_token_secret_or_key_in_any_debug_display_error_or_trace_line() {
    let (captured, _guard) = Captured::start(tracing::Level::TRACE, tracing_subscriber::fmt::format::FmtSpan::FULL);

    let secret_part = &SECRET[4..];
    let verifier = hs256_verifier().max_age(Duration::from_secs(60));
    let rs = LoginTokenVerifier::rs256(PUBLIC_A).unwrap();
    let good = mint::hs256(SECRET, &mint::ar1_claims(0, 3600));
    let mut claims = mint::ar1_claims(0, 3600);
    claims.as_object_mut().unwrap().remove("tk"); // no session id: confirm sends the token itself
    let sessionless = mint::hs256(SECRET, &claims);
    let tokens = [
        good.clone(),
        sessionless.clone(),
        mint::hs256(SECRET, &mint::ar1_claims(3700, 3600)),
        mint::hs256(SECRET, &mint::ar1_claims(120, 3600)),
        mint::hs256("jsk_forger", &mint::ar1_claims(0, 3600)),
        mint::rs256(PRIVATE_A, Some("jky_x"), &mint::ar1_claims(0, 3600)),
        format!(
            "{}.",
            mint::signing_input(&json!({"alg": "none"}), &mint::ar1_claims(0, 3600))
        ),
        format!("{good}.x"),
        format!("Bearer {good}"),
    ];
    let mut shown = vec![
        format!("{verifier:?}"),
        format!("{rs:?}"),
        format!("{:?}", JwtSecret::new(SECRET).unwrap()),
        JwtSecret::new(SECRET).unwrap().to_string(),
        format!("{:?}", JwtSecret::new("jsk_with space").unwrap_err()),
        JwtSecret::new("jsk_with space").unwrap_err().to_string(),
    ];
    for token in &tokens {
        for v in [&verifier, &rs] {
            match v.verify(token) {
                Ok(session) => shown.push(format!("{session:?}")),
                Err(e) => shown.extend([format!("{e:?}"), e.to_string()]),
            }
        }
    }

    let server = MockServer::start().await;
    server.get_session().times(1).ok(&api_session(SESSION)).await;
    server.get_session().fail(404, "Not found").await;
    let client = server.client();
    let confirmed = verifier.confirm(&client, &sessionless).await.unwrap();
    shown.push(format!("{confirmed:?}"));
    let revoked = verifier.confirm(&client, &sessionless).await.unwrap_err();
    shown.extend([format!("{revoked:?}"), revoked.to_string()]);
    let received: Vec<String> = server.received().await.into_iter().map(|(_, p)| p).collect();
    assert_eq!(
        received[0],
        format!("/v1/sessions/{sessionless}"),
        "AuthRocket takes the full token in place of a session id"
    );

    let logged = captured.text();
    assert!(logged.contains("login token verified"), "{logged}");
    assert!(logged.contains("login token refused"), "{logged}");
    assert!(
        logged.contains("/sessions/{sessionId}"),
        "the call is traced by its template: {logged}"
    );
    let everything = format!("{}\n{logged}", shown.join("\n"));
    for token in &tokens {
        // Each part of every token, and the signature of every token, is absent.
        for part in token.trim_start_matches("Bearer ").split('.').filter(|p| p.len() > 8) {
            assert!(
                !everything.contains(part),
                "a token part reached a message or log line:\n{everything}"
            );
        }
    }
    assert!(
        !everything.contains(secret_part),
        "the secret reached a message or log line"
    );
    assert!(!everything.contains(&key_fragment(PUBLIC_A)));
    assert!(!everything.contains(&key_fragment(PRIVATE_A)));
    assert!(everything.contains("JwtSecret(jsk_****)"));
    assert!(everything.contains(USER), "ids are shown: {everything}");
}
