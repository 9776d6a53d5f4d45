//! The transport, open to the user's own settings and tested against real local servers: a
//! forward proxy reached through `configure_http`, a TLS server whose certificate comes from a
//! private CA made here, a permissive redirect policy that still cannot carry credentials away,
//! middleware (order, every attempt, short-circuit), transport failures that say their cause,
//! and the call span's OpenTelemetry attributes (`tests/transport_span.rs`).
#![cfg(all(feature = "rockety", feature = "middleware", feature = "tls-aws-lc"))]

use std::{
    sync::{Arc, Mutex},
    time::Duration,
};

use rocket_apis::{Error, RetryPolicy, TransportCause, rockety};
use serde_json::json;
use tokio::{
    io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader},
    net::{TcpListener, TcpStream},
};
use wiremock::{
    Mock, MockServer, ResponseTemplate,
    matchers::{header, method, path},
};

const TOKEN: &str = "transportTestToken8e21f0";

fn projects() -> serde_json::Value {
    json!({"data": [{"uuid": "p-1", "name": "Website"}],
           "pagination": {"current_page": 1, "per_page": 20, "total_pages": 1, "total_items": 1}})
}

fn builder() -> rocket_apis::ClientBuilder<rockety::Rockety> {
    rockety::Client::builder(rockety::ApiToken::new(TOKEN).unwrap()).timeout(Duration::from_secs(10))
}

/// A forward HTTP proxy on 127.0.0.1 that logs each request line it relays, then relays it.
async fn forward_proxy() -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let log = Arc::new(Mutex::new(Vec::new()));
    let seen = log.clone();
    tokio::spawn(async move {
        while let Ok((client, _)) = listener.accept().await {
            let seen = seen.clone();
            tokio::spawn(async move {
                let mut client = BufReader::new(client);
                let mut head = String::new();
                loop {
                    let mut line = String::new();
                    if client.read_line(&mut line).await.unwrap_or(0) == 0 {
                        return;
                    }
                    let end = line == "\r\n";
                    head.push_str(&line);
                    if end {
                        break;
                    }
                }
                let request_line = head.lines().next().unwrap_or_default().to_string();
                seen.lock().unwrap().push(request_line.clone());
                // `GET http://host:port/path HTTP/1.1` → `GET /path HTTP/1.1` to host:port.
                let mut parts = request_line.split(' ');
                let (verb, target) = (parts.next().unwrap_or_default(), parts.next().unwrap_or_default());
                let Ok(target) = reqwest::Url::parse(target) else {
                    return;
                };
                let address = format!(
                    "{}:{}",
                    target.host_str().unwrap_or_default(),
                    target.port().unwrap_or(80)
                );
                let Ok(mut upstream) = TcpStream::connect(address).await else {
                    return;
                };
                let rest = head.split_once("\r\n").map(|(_, rest)| rest).unwrap_or_default();
                let rewritten = format!("{verb} {} HTTP/1.1\r\nconnection: close\r\n{rest}", target.path());
                if upstream.write_all(rewritten.as_bytes()).await.is_err() {
                    return;
                }
                let _ = tokio::io::copy_bidirectional(client.get_mut(), &mut upstream).await;
            });
        }
    });
    (url, log)
}

#[tokio::test]
async fn a_call_goes_through_the_users_proxy() {
    let server = MockServer::start().await;
    Mock::given(path("/api/v1/projects"))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(projects()))
        .mount(&server)
        .await;
    let (proxy, log) = forward_proxy().await;
    let client = builder()
        .base_url(format!("{}/api/v1", server.uri()))
        .configure_http(move |http| http.proxy(reqwest::Proxy::http(proxy).unwrap()))
        .build()
        .unwrap();
    let page = client.list_projects().send().await.unwrap();
    assert_eq!(page.data[0].name.as_deref(), Some("Website"));
    let logged = log.lock().unwrap().clone();
    assert_eq!(
        logged,
        [format!("GET {}/api/v1/projects HTTP/1.1", server.uri())],
        "the proxy relayed the call"
    );
}

/// A private CA and a certificate it signed for `localhost`.
struct Pki {
    ca_pem: String,
    chain: Vec<rustls::pki_types::CertificateDer<'static>>,
    key: rustls::pki_types::PrivateKeyDer<'static>,
    ca_der: rustls::pki_types::CertificateDer<'static>,
}

fn pki() -> Pki {
    let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "rocket-apis test CA");
    let ca_key = rcgen::KeyPair::generate().unwrap();
    let ca = rcgen::CertifiedIssuer::self_signed(ca_params, ca_key).unwrap();
    let leaf_key = rcgen::KeyPair::generate().unwrap();
    let leaf = rcgen::CertificateParams::new(vec!["localhost".to_string()])
        .unwrap()
        .signed_by(&leaf_key, &ca)
        .unwrap();
    Pki {
        ca_pem: ca.pem(),
        ca_der: ca.der().clone(),
        chain: vec![leaf.der().clone()],
        key: rustls::pki_types::PrivateKeyDer::Pkcs8(leaf_key.serialize_der().into()),
    }
}

/// An HTTPS server on 127.0.0.1 answering every request with `body`; with `client_ca`, it
/// requires a client certificate signed by it.
async fn tls_server(pki: &Pki, client_ca: Option<&Pki>, body: serde_json::Value) -> u16 {
    let body = body.to_string();
    let answer = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
    tls_server_answering(pki, client_ca, answer).await
}

/// An HTTPS server on 127.0.0.1 answering every request with `answer` (a whole HTTP/1.1 answer).
async fn tls_server_answering(pki: &Pki, client_ca: Option<&Pki>, answer: String) -> u16 {
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .unwrap();
    let config = match client_ca {
        None => config.with_no_client_auth(),
        Some(ca) => {
            let mut roots = rustls::RootCertStore::empty();
            roots.add(ca.ca_der.clone()).unwrap();
            let verifier = rustls::server::WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider)
                .build()
                .unwrap();
            config.with_client_cert_verifier(verifier)
        }
    };
    let config = config.with_single_cert(pki.chain.clone(), pki.key.clone_key()).unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let (acceptor, answer) = (acceptor.clone(), answer.clone());
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(stream).await else {
                    return;
                };
                let mut buf = vec![0u8; 8192];
                let mut read = 0;
                while !buf[..read].windows(4).any(|w| w == b"\r\n\r\n") {
                    match tls.read(&mut buf[read..]).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => read += n,
                    }
                }
                let _ = tls.write_all(answer.as_bytes()).await;
                let _ = tls.shutdown().await;
            });
        }
    });
    port
}

#[tokio::test]
async fn a_private_ca_is_refused_with_a_message_that_says_so_and_trusted_once_added() {
    let pki = pki();
    let port = tls_server(&pki, None, projects()).await;
    let base = format!("https://localhost:{port}/api/v1");

    let untrusting = builder().base_url(&base).retry(RetryPolicy::none()).build().unwrap();
    let err = untrusting.list_projects().send().await.unwrap_err();
    match &err {
        Error::Connect { cause, .. } => assert_eq!(*cause, TransportCause::UnknownIssuer, "{err:?}"),
        other => panic!("expected a connect error, got {other:?}"),
    }
    let message = err.to_string();
    assert!(message.contains("unknown issuer"), "the message says it: {message}");
    assert!(message.contains("add_root_certificate"), "and how to fix it: {message}");

    let ca = reqwest::Certificate::from_pem(pki.ca_pem.as_bytes()).unwrap();
    let trusting = builder()
        .base_url(&base)
        .configure_http(move |http| http.add_root_certificate(ca))
        .build()
        .unwrap();
    let page = trusting.list_projects().send().await.unwrap();
    assert_eq!(page.data[0].name.as_deref(), Some("Website"));
}

#[tokio::test]
async fn a_server_that_wants_a_client_certificate_says_so_and_gets_one_through_configure_http() {
    let server_pki = pki();
    let client_pki = pki();
    let port = tls_server(&server_pki, Some(&client_pki), projects()).await;
    let base = format!("https://localhost:{port}/api/v1");
    let ca = reqwest::Certificate::from_pem(server_pki.ca_pem.as_bytes()).unwrap();
    let without = builder()
        .base_url(&base)
        .retry(RetryPolicy::none())
        .configure_http({
            let ca = ca.clone();
            move |http| http.add_root_certificate(ca)
        })
        .build()
        .unwrap();
    let err = without.list_projects().send().await.unwrap_err();
    let cause = match &err {
        Error::Connect { cause, .. } | Error::Transport { cause, .. } => *cause,
        other => panic!("{other:?}"),
    };
    assert_eq!(cause, TransportCause::ClientCertificateRequired, "{err:?}");
    assert!(err.to_string().contains("client certificate"), "{err}");

    // The client's own certificate (self-signed by its CA, which the server trusts).
    let pem = format!(
        "{}{}",
        pem_of("PRIVATE KEY", client_pki.key.secret_der()),
        pem_of("CERTIFICATE", &client_pki.chain[0])
    );
    let identity = reqwest::Identity::from_pem(pem.as_bytes()).unwrap();
    let with = builder()
        .base_url(&base)
        .configure_http(move |http| http.add_root_certificate(ca).identity(identity))
        .build()
        .unwrap();
    with.list_projects().send().await.unwrap();
}

fn pem_of(label: &str, der: &[u8]) -> String {
    use base64::Engine as _;
    let body = base64::engine::general_purpose::STANDARD.encode(der);
    let lines: Vec<&str> = body
        .as_bytes()
        .chunks(64)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect();
    format!("-----BEGIN {label}-----\n{}\n-----END {label}-----\n", lines.join("\n"))
}

#[tokio::test]
async fn an_https_call_is_never_followed_to_http() {
    let plain = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(200).set_body_json(projects()))
        .mount(&plain)
        .await;
    let pki = pki();
    // The same host and port as the plain server, over http: only the scheme differs.
    let to = format!("{}/api/v1/projects", plain.uri()).replace("127.0.0.1", "localhost");
    let answer =
        format!("HTTP/1.1 307 Temporary Redirect\r\nlocation: {to}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
    let port = tls_server_answering(&pki, None, answer).await;
    let ca = reqwest::Certificate::from_pem(pki.ca_pem.as_bytes()).unwrap();
    let client = builder()
        .base_url(format!("https://localhost:{port}/api/v1"))
        .configure_http(move |http| {
            http.add_root_certificate(ca)
                .redirect(reqwest::redirect::Policy::limited(10))
        })
        .build()
        .unwrap();
    let err = client.list_projects().send().await.unwrap_err();
    assert!(
        matches!(&err, Error::Redirect { to: Some(to), .. } if to.starts_with("http://localhost")),
        "{err:?}"
    );
    assert!(
        plain.received_requests().await.unwrap().is_empty(),
        "the http server got the call"
    );
}

#[tokio::test]
async fn a_permissive_redirect_policy_set_by_the_user_cannot_carry_credentials_away() {
    let origin = MockServer::start().await;
    let stranger = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(200).set_body_json(projects()))
        .mount(&stranger)
        .await;
    Mock::given(wiremock::matchers::any())
        .respond_with(
            ResponseTemplate::new(307).insert_header("location", format!("{}/api/v1/projects", stranger.uri())),
        )
        .mount(&origin)
        .await;
    let client = builder()
        .base_url(format!("{}/api/v1", origin.uri()))
        .configure_http(|http| {
            http.redirect(reqwest::redirect::Policy::limited(10))
                .referer(true)
                .connection_verbose(true)
        })
        .build()
        .unwrap();
    let err = client.list_projects().send().await.unwrap_err();
    assert!(matches!(err, Error::Redirect { .. }), "{err:?}");
    assert!(stranger.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn refused_and_reset_connections_say_so() {
    // Refused: a port nothing listens on.
    let closed = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let client = builder()
        .base_url(format!("http://127.0.0.1:{port}/api/v1"))
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let err = client.list_projects().send().await.unwrap_err();
    assert!(
        matches!(
            &err,
            Error::Connect {
                cause: TransportCause::Refused,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("connection was refused"), "{err}");

    // Reset: a server that reads the request and closes without answering.
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let mut buf = [0u8; 4096];
            let _ = stream.read(&mut buf).await;
            drop(stream);
        }
    });
    let client = builder()
        .base_url(format!("http://127.0.0.1:{port}/api/v1"))
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let err = client.list_projects().send().await.unwrap_err();
    let cause = match &err {
        Error::Connect { cause, .. } | Error::Transport { cause, .. } => *cause,
        other => panic!("{other:?}"),
    };
    assert_eq!(cause, TransportCause::Reset, "{err:?}");
    assert!(
        err.to_string().contains("closed before the answer was complete"),
        "{err}"
    );
}

/// Adds `x-mw: <name>` (appending, so the order shows) and counts the attempts it sees.
struct Tag {
    name: &'static str,
    seen: Arc<Mutex<u32>>,
}

#[async_trait::async_trait]
impl reqwest_middleware::Middleware for Tag {
    async fn handle(
        &self,
        mut req: reqwest::Request,
        extensions: &mut http::Extensions,
        next: reqwest_middleware::Next<'_>,
    ) -> reqwest_middleware::Result<reqwest::Response> {
        *self.seen.lock().unwrap() += 1;
        req.headers_mut()
            .append("x-mw", http::HeaderValue::from_static(self.name));
        next.run(req, extensions).await
    }
}

#[tokio::test]
async fn middlewares_run_in_order_on_every_attempt_and_their_headers_reach_the_server() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(2)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(projects()))
        .mount(&server)
        .await;
    let (first, second) = (Arc::new(Mutex::new(0)), Arc::new(Mutex::new(0)));
    let client = builder()
        .base_url(format!("{}/api/v1", server.uri()))
        .retry(RetryPolicy::default().initial_backoff(Duration::from_millis(1)))
        .middleware(Tag {
            name: "first",
            seen: first.clone(),
        })
        .middleware(Tag {
            name: "second",
            seen: second.clone(),
        })
        .build()
        .unwrap();
    client.list_projects().send().await.unwrap();
    assert_eq!(
        (*first.lock().unwrap(), *second.lock().unwrap()),
        (3, 3),
        "every attempt"
    );
    let received = server.received_requests().await.unwrap();
    assert_eq!(received.len(), 3);
    for request in &received {
        let tags: Vec<_> = request
            .headers
            .get_all("x-mw")
            .iter()
            .map(|v| v.to_str().unwrap())
            .collect();
        assert_eq!(tags, ["first", "second"], "in the order added");
        assert!(
            request.headers.get("authorization").is_some(),
            "credentials are on before the middleware"
        );
    }
    // The same middleware serves raw calls.
    client.raw(http::Method::GET, "/projects").send().await.unwrap();
    assert_eq!(*first.lock().unwrap(), 4);
}

/// Answers every call itself, from a cache say.
struct Cached;

#[async_trait::async_trait]
impl reqwest_middleware::Middleware for Cached {
    async fn handle(
        &self,
        _req: reqwest::Request,
        _extensions: &mut http::Extensions,
        _next: reqwest_middleware::Next<'_>,
    ) -> reqwest_middleware::Result<reqwest::Response> {
        let answer = http::Response::builder()
            .status(200)
            .header("content-type", "application/json")
            .body(projects().to_string())
            .unwrap();
        Ok(reqwest::Response::from(answer))
    }
}

/// Fails every call.
struct Refuse;

#[async_trait::async_trait]
impl reqwest_middleware::Middleware for Refuse {
    async fn handle(
        &self,
        _req: reqwest::Request,
        _extensions: &mut http::Extensions,
        _next: reqwest_middleware::Next<'_>,
    ) -> reqwest_middleware::Result<reqwest::Response> {
        Err(reqwest_middleware::Error::middleware(std::io::Error::other(
            "signing key unavailable",
        )))
    }
}

#[tokio::test]
async fn a_short_circuiting_middlewares_answer_is_the_calls_answer_and_its_failure_an_error() {
    let server = MockServer::start().await;
    let client = builder()
        .base_url(format!("{}/api/v1", server.uri()))
        .middleware(Cached)
        .build()
        .unwrap();
    let page = client.list_projects().send().await.unwrap();
    assert_eq!(page.data[0].name.as_deref(), Some("Website"));
    assert!(
        server.received_requests().await.unwrap().is_empty(),
        "the server was never called"
    );

    let failing = builder()
        .base_url(format!("{}/api/v1", server.uri()))
        .middleware(Refuse)
        .build()
        .unwrap();
    let err = failing.list_projects().send().await.unwrap_err();
    assert!(matches!(err, Error::Middleware { .. }), "{err:?}");
    assert!(err.to_string().contains("signing key unavailable"), "{err}");
    assert_eq!(err.attempts(), 1, "a middleware's failure is not retried");
}
