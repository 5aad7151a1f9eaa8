//! Turning the builder's TLS settings into a rustls client configuration.

use std::collections::HashMap;
use std::sync::Arc;

use keyslot_core::cluster::Error;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::{ClientConfig, RootCertStore};

use crate::tls::TlsConnector;

#[derive(Default)]
pub(crate) struct TlsOptions {
    pub(crate) force: bool,
    pub(crate) roots_pem: Option<Vec<u8>>,
    pub(crate) client_cert: Option<(Vec<u8>, Vec<u8>)>,
    pub(crate) names: HashMap<String, String>,
}

fn certs(pem: &[u8]) -> Result<Vec<CertificateDer<'static>>, Error> {
    rustls_pemfile::certs(&mut &pem[..])
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| Error::Config(format!("TLS certificates: {e}")))
}

impl TlsOptions {
    pub(crate) fn forced(&self) -> bool {
        self.force
    }

    pub(crate) fn connector(&self) -> Result<TlsConnector, Error> {
        let mut roots = RootCertStore::empty();
        match &self.roots_pem {
            Some(pem) => {
                for cert in certs(pem)? {
                    roots
                        .add(cert)
                        .map_err(|e| Error::Config(format!("TLS root certificate: {e}")))?;
                }
            }
            None => roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned()),
        }
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let builder = ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| Error::Config(format!("TLS: {e}")))?
            .with_root_certificates(roots);
        let config = match &self.client_cert {
            None => builder.with_no_client_auth(),
            Some((chain, key)) => {
                let key: PrivateKeyDer<'static> = rustls_pemfile::private_key(&mut &key[..])
                    .map_err(|e| Error::Config(format!("TLS client key: {e}")))?
                    .ok_or_else(|| Error::Config("TLS client key: no key in the PEM".into()))?;
                builder
                    .with_client_auth_cert(certs(chain)?, key)
                    .map_err(|e| Error::Config(format!("TLS client certificate: {e}")))?
            }
        };
        Ok(TlsConnector {
            config: Arc::new(config),
            names: self.names.clone(),
        })
    }
}
