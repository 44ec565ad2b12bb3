//! The certificates the agent trusts: the built-in Mozilla (webpki) roots, or exactly the
//! PEM bundles the caller gave. Certificate verification itself is never disabled.

use crate::error::{ConfigProblem, Error, Result};

/// The agent's TLS settings: `root_certs` empty means the built-in roots, otherwise
/// exactly these.
pub(crate) fn config(root_certs: &[ureq::tls::Certificate<'static>]) -> ureq::tls::TlsConfig {
    let mut tls = ureq::tls::TlsConfig::builder();
    if !root_certs.is_empty() {
        tls = tls.root_certs(ureq::tls::RootCerts::new_with_certs(root_certs));
    }
    tls.build()
}

/// Parses the PEM bundles given to [`ClientBuilder::add_root_certificate_pem`](crate::ClientBuilder::add_root_certificate_pem): each must
/// parse and hold at least one certificate, and every certificate must be a DER sequence.
pub(crate) fn parse_root_certificates(
    bundles: &[Vec<u8>],
) -> Result<Vec<ureq::tls::Certificate<'static>>> {
    use ureq::tls::PemItem;
    let mut certificates = Vec::new();
    for pem in bundles {
        let invalid = |reason: &str| {
            Error::from(ConfigProblem::InvalidSetting {
                setting: "add_root_certificate_pem".to_owned(),
                value: format!("{} bytes", pem.len()),
                reason: reason.to_owned(),
            })
        };
        let before = certificates.len();
        for item in ureq::tls::parse_pem(pem) {
            match item {
                Ok(PemItem::Certificate(cert)) => {
                    if !is_der_sequence(cert.der()) {
                        return Err(invalid("a certificate in it is not DER-encoded X.509"));
                    }
                    certificates.push(cert);
                }
                Ok(_) => {}
                Err(_) => return Err(invalid("not valid PEM")),
            }
        }
        if certificates.len() == before {
            return Err(invalid(
                "holds no certificate (expected `-----BEGIN CERTIFICATE-----` blocks)",
            ));
        }
    }
    Ok(certificates)
}

/// Whether `der` is exactly one DER `SEQUENCE` (an X.509 certificate's outer shape).
fn is_der_sequence(der: &[u8]) -> bool {
    let [0x30, first, rest @ ..] = der else {
        return false;
    };
    let (len, body) = if first & 0x80 == 0 {
        (usize::from(*first), rest)
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 4 || rest.len() < n {
            return false;
        }
        let (len_bytes, body) = rest.split_at(n);
        let len = len_bytes
            .iter()
            .fold(0usize, |acc, b| (acc << 8) | usize::from(*b));
        (len, body)
    };
    len == body.len()
}
