//! What a transport failure was, found in reqwest's chain of causes: a certificate problem, a
//! name that did not resolve, a refused or reset connection, a proxy. The crate's errors carry
//! it as [`TransportCause`] and say it in their message, so a user reads the cause without
//! walking the source chain.

use std::{error::Error as StdError, fmt, io};

/// Why a connection failed or broke, as far as the transport tells.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TransportCause {
    /// The server's certificate is signed by an issuer the client does not trust: a private CA
    /// or a TLS-inspecting proxy.
    UnknownIssuer,
    /// The server's certificate has expired (or is not valid yet).
    CertificateExpired,
    /// The server's certificate is not valid for the host name called.
    CertificateNameMismatch,
    /// Another problem with the server's certificate (revoked, wrong use, malformed).
    BadCertificate,
    /// The server asked for a client certificate and got none it accepts.
    ClientCertificateRequired,
    /// The TLS handshake failed otherwise (no common protocol version or cipher, say).
    Tls,
    /// The host name did not resolve.
    Dns,
    /// The proxy refused or failed the connection.
    Proxy,
    /// Nothing accepted the connection (no server on that port, or a firewall said no).
    Refused,
    /// The connection was reset or closed before the answer was complete.
    Reset,
    /// None of the above, or not known.
    Other,
}

impl TransportCause {
    /// A short name, e.g. for `error.type` in traces: `unknown_issuer`, `dns`, `refused`, ….
    pub fn as_str(self) -> &'static str {
        match self {
            TransportCause::UnknownIssuer => "unknown_issuer",
            TransportCause::CertificateExpired => "certificate_expired",
            TransportCause::CertificateNameMismatch => "certificate_name_mismatch",
            TransportCause::BadCertificate => "bad_certificate",
            TransportCause::ClientCertificateRequired => "client_certificate_required",
            TransportCause::Tls => "tls",
            TransportCause::Dns => "dns",
            TransportCause::Proxy => "proxy",
            TransportCause::Refused => "refused",
            TransportCause::Reset => "reset",
            TransportCause::Other => "other",
        }
    }
}

impl fmt::Display for TransportCause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TransportCause::UnknownIssuer => {
                "the server's TLS certificate is from an unknown issuer (a private CA or a TLS-inspecting proxy? \
                 trust its CA with `ClientBuilder::configure_http(|http| http.add_root_certificate(..))`)"
            }
            TransportCause::CertificateExpired => {
                "the server's TLS certificate has expired or is not valid yet (is this machine's clock right?)"
            }
            TransportCause::CertificateNameMismatch => "the server's TLS certificate is not valid for this host name",
            TransportCause::BadCertificate => "the server's TLS certificate was refused",
            TransportCause::ClientCertificateRequired => {
                "the server requires a client certificate (set one with \
                 `ClientBuilder::configure_http(|http| http.identity(..))`)"
            }
            TransportCause::Tls => "the TLS handshake failed",
            TransportCause::Dns => "the host name did not resolve",
            TransportCause::Proxy => "the proxy refused or failed the connection",
            TransportCause::Refused => "the connection was refused (is the server listening on that port?)",
            TransportCause::Reset => "the connection was reset or closed before the answer was complete",
            TransportCause::Other => "the HTTP transport failed",
        })
    }
}

/// The cause of a reqwest failure, from the first link of its chain that tells one.
pub(crate) fn cause(error: &reqwest::Error) -> TransportCause {
    visit(error).unwrap_or(TransportCause::Other)
}

fn visit(e: &(dyn StdError + 'static)) -> Option<TransportCause> {
    of(e)
        // `io::Error`'s `source` skips the error it wraps: look inside it too.
        .or_else(|| {
            e.downcast_ref::<io::Error>()
                .and_then(io::Error::get_ref)
                .and_then(|inner| visit(inner))
        })
        .or_else(|| e.source().and_then(visit))
}

fn of(e: &(dyn StdError + 'static)) -> Option<TransportCause> {
    if let Some(tls) = e.downcast_ref::<rustls::Error>() {
        return Some(tls_cause(tls));
    }
    if let Some(io) = e.downcast_ref::<io::Error>() {
        match io.kind() {
            io::ErrorKind::ConnectionRefused => return Some(TransportCause::Refused),
            io::ErrorKind::ConnectionReset | io::ErrorKind::ConnectionAborted | io::ErrorKind::BrokenPipe => {
                return Some(TransportCause::Reset);
            }
            _ => {}
        }
    }
    // hyper-util and reqwest name these only in their messages.
    let text = e.to_string();
    if text.starts_with("dns error") || text.contains("failed to lookup address") {
        Some(TransportCause::Dns)
    } else if text.contains("tunnel") || text.contains("proxy") {
        Some(TransportCause::Proxy)
    } else if text.contains("connection closed before message completed") {
        Some(TransportCause::Reset)
    } else {
        None
    }
}

fn tls_cause(error: &rustls::Error) -> TransportCause {
    use rustls::{AlertDescription, CertificateError, Error};
    match error {
        Error::InvalidCertificate(CertificateError::UnknownIssuer) => TransportCause::UnknownIssuer,
        Error::InvalidCertificate(
            CertificateError::Expired
            | CertificateError::ExpiredContext { .. }
            | CertificateError::NotValidYet
            | CertificateError::NotValidYetContext { .. },
        ) => TransportCause::CertificateExpired,
        Error::InvalidCertificate(
            CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
        ) => TransportCause::CertificateNameMismatch,
        Error::InvalidCertificate(_) => TransportCause::BadCertificate,
        Error::AlertReceived(AlertDescription::CertificateRequired) => TransportCause::ClientCertificateRequired,
        _ => TransportCause::Tls,
    }
}

/// A word for a transport failure that is safe to log and short enough for `error.type`
/// (reqwest's own message names the URL).
pub(crate) fn kind(error: &reqwest::Error) -> &'static str {
    if error.is_redirect() {
        "redirect_refused"
    } else if error.is_timeout() && error.is_connect() {
        "connect_timeout"
    } else if error.is_timeout() {
        "timeout"
    } else if error.is_body() || error.is_decode() {
        "body"
    } else {
        cause(error).as_str()
    }
}
