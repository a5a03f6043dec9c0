//! TLS for PostgreSQL connections, chosen by the database URL's `sslmode` as libpq reads it:
//!
//! - `disable`: plain TCP.
//! - `prefer` (the default): TLS when the server offers it, else plain; the certificate is
//!   not checked (as libpq).
//! - `require`: TLS or no connection; the certificate is not checked (as libpq).
//! - `verify-ca`: TLS with a certificate signed by a root of the system's trust store.
//! - `verify-full`: that, and the certificate names the host connected to.
//!
//! TLS is rustls's, with the system's roots (`rustls-native-certs`); the driver's own
//! parser knows only `disable`, `prefer` and `require`, so the verifying modes reach it as
//! `require` with their verifier.

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};
use std::sync::Arc;
use tokio_postgres_rustls::MakeRustlsConnect;
use weft_core::{Error, Result};

/// How a connection is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SslMode {
    Disable,
    Prefer,
    Require,
    VerifyCa,
    VerifyFull,
}

/// The `sslmode` a database URL (`postgres://…?sslmode=…`) or key-value string
/// (`host=… sslmode=…`) asks for, and the text the driver should parse instead.
pub fn ssl_mode(url: &str) -> Result<(SslMode, String)> {
    let separators: &[char] = if url.contains("://") { &['?', '&'] } else { &[' ', '\t', '\n'] };
    let mut mode = SslMode::Prefer;
    let mut rewritten = String::with_capacity(url.len());
    let mut rest = url;
    // Each `sslmode=` that starts a parameter; the last one given wins, as in libpq.
    while let Some(at) = find_param(rest, separators) {
        let value_start = at + "sslmode=".len();
        let value_len = rest[value_start..].find(|c: char| separators.contains(&c)).unwrap_or(rest.len() - value_start);
        let value = &rest[value_start..value_start + value_len];
        mode = match value {
            "disable" => SslMode::Disable,
            "allow" | "prefer" => SslMode::Prefer,
            "require" => SslMode::Require,
            "verify-ca" => SslMode::VerifyCa,
            "verify-full" => SslMode::VerifyFull,
            other => {
                return Err(Error::Internal(format!(
                    "invalid sslmode {other:?} in the database URL: use disable, prefer, require, verify-ca or \
                     verify-full"
                )));
            }
        };
        let driver_value = match mode {
            SslMode::VerifyCa | SslMode::VerifyFull => "require",
            _ => value,
        };
        rewritten.push_str(&rest[..value_start]);
        rewritten.push_str(driver_value);
        rest = &rest[value_start + value_len..];
    }
    rewritten.push_str(rest);
    Ok((mode, rewritten))
}

/// Where `sslmode=` starts a parameter in `s`.
fn find_param(s: &str, separators: &[char]) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = s[from..].find("sslmode=") {
        let at = from + i;
        if at == 0 || s[..at].ends_with(separators) {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

/// The TLS connector for `mode` (none for `disable`).
pub fn connector(mode: SslMode) -> Result<Option<MakeRustlsConnect>> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::Internal(format!("TLS setup: {e}")))?;
    let verifier: Arc<dyn ServerCertVerifier> = match mode {
        SslMode::Disable => return Ok(None),
        SslMode::Prefer | SslMode::Require => Arc::new(Unchecked(provider)),
        SslMode::VerifyCa | SslMode::VerifyFull => {
            let verifier =
                rustls::client::WebPkiServerVerifier::builder_with_provider(Arc::new(system_roots()?), provider)
                    .build()
                    .map_err(|e| Error::Internal(format!("TLS setup: {e}")))?;
            if mode == SslMode::VerifyCa { Arc::new(AnyName(verifier)) } else { verifier }
        }
    };
    let config = builder.dangerous().with_custom_certificate_verifier(verifier).with_no_client_auth();
    Ok(Some(MakeRustlsConnect::new(config)))
}

/// The system's trust store.
fn system_roots() -> Result<RootCertStore> {
    let found = rustls_native_certs::load_native_certs();
    let mut roots = RootCertStore::empty();
    let (added, _) = roots.add_parsable_certificates(found.certs);
    if added == 0 {
        return Err(Error::Internal(format!(
            "sslmode verify-ca/verify-full: no trusted root certificates found on this system ({:?})",
            found.errors
        )));
    }
    Ok(roots)
}

/// `prefer` and `require`: encrypted, but any certificate is taken (libpq's meaning; use
/// `verify-full` to know whom you talk to). Signatures are still checked, so the session
/// is with the holder of the certificate's key.
#[derive(Debug)]
struct Unchecked(Arc<rustls::crypto::CryptoProvider>);

impl ServerCertVerifier for Unchecked {
    fn verify_server_cert(
        &self,
        _: &CertificateDer<'_>,
        _: &[CertificateDer<'_>],
        _: &ServerName<'_>,
        _: &[u8],
        _: UnixTime,
    ) -> std::result::Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }
    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.0.signature_verification_algorithms)
    }
    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.0.signature_verification_algorithms)
    }
    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

/// `verify-ca`: a certificate signed by a trusted root, for whatever host it names.
#[derive(Debug)]
struct AnyName(Arc<rustls::client::WebPkiServerVerifier>);

impl ServerCertVerifier for AnyName {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp: &[u8],
        now: UnixTime,
    ) -> std::result::Result<ServerCertVerified, rustls::Error> {
        match self.0.verify_server_cert(end_entity, intermediates, server_name, ocsp, now) {
            Err(rustls::Error::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )) => Ok(ServerCertVerified::assertion()),
            other => other,
        }
    }
    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls12_signature(message, cert, dss)
    }
    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls13_signature(message, cert, dss)
    }
    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.supported_verify_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sslmode_is_read_from_urls_and_key_value_strings() {
        let cases = [
            ("postgres://u@h/db", SslMode::Prefer, "postgres://u@h/db"),
            ("postgres://u@h/db?sslmode=disable", SslMode::Disable, "postgres://u@h/db?sslmode=disable"),
            ("postgres://h/db?a=1&sslmode=require", SslMode::Require, "postgres://h/db?a=1&sslmode=require"),
            ("postgres://h/db?sslmode=verify-full&x=2", SslMode::VerifyFull, "postgres://h/db?sslmode=require&x=2"),
            ("postgres://h/db?sslmode=verify-ca", SslMode::VerifyCa, "postgres://h/db?sslmode=require"),
            ("host=h sslmode=verify-full dbname=x", SslMode::VerifyFull, "host=h sslmode=require dbname=x"),
            ("host=h xsslmode=disable", SslMode::Prefer, "host=h xsslmode=disable"),
        ];
        for (url, mode, driver) in cases {
            assert_eq!(ssl_mode(url).unwrap(), (mode, driver.to_string()), "{url}");
        }
        assert!(ssl_mode("postgres://h/db?sslmode=sometimes").is_err());
    }
}
