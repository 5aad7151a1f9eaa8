//! Certificates for a TLS cluster, made fresh for each cluster with `rcgen`.
//!
//! One CA per cluster signs a certificate per node, valid for `127.0.0.1`, `localhost`, the
//! node's own address and its announced hostname — what a client checking the name it was
//! given (or the one the topology reports) expects. Each node certificate allows both server
//! and client use, because with `tls-cluster yes` a node also dials its peers with it. The CA
//! (PEM) is what client tests trust; [`ClientCert`] is for servers that demand client
//! certificates (`tls-auth-clients yes`).
//!
//! Whether the server was built with TLS at all is found by trying: [`tls_supported`].

use std::io;
use std::net::{IpAddr, Ipv4Addr};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, ExtendedKeyUsagePurpose, IsCa,
    KeyPair, KeyUsagePurpose, SanType,
};

use crate::require::{in_ci, server_binary};

/// A certificate and its private key, in PEM and DER.
#[derive(Clone, Debug)]
pub struct ClientCert {
    /// The certificate, signed by the cluster's CA.
    pub cert_pem: String,
    /// Its PKCS#8 private key.
    pub key_pem: String,
    /// The certificate, DER.
    pub cert_der: Vec<u8>,
    /// The PKCS#8 private key, DER.
    pub key_der: Vec<u8>,
}

/// A node's certificate files, as `redis-server` takes them.
#[derive(Clone, Debug)]
pub(crate) struct NodeCertFiles {
    pub(crate) cert: PathBuf,
    pub(crate) key: PathBuf,
    pub(crate) ca: PathBuf,
}

/// The cluster's CA.
pub(crate) struct Ca {
    issuer: CertifiedIssuer<'static, KeyPair>,
    pem: String,
    der: Vec<u8>,
    path: PathBuf,
}

impl std::fmt::Debug for Ca {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ca").field("path", &self.path).finish()
    }
}

fn tls_error(e: rcgen::Error) -> io::Error {
    io::Error::other(format!("certificate generation failed: {e}"))
}

impl Ca {
    /// A new CA, its certificate written to `dir/ca.crt`.
    pub(crate) fn new(dir: &Path) -> io::Result<Ca> {
        let mut params = CertificateParams::default();
        params
            .distinguished_name
            .push(DnType::CommonName, "keyslot test CA");
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::CrlSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        let key = KeyPair::generate().map_err(tls_error)?;
        let issuer = CertifiedIssuer::self_signed(params, key).map_err(tls_error)?;
        let pem = issuer.pem();
        let der = issuer.der().to_vec();
        let path = dir.join("ca.crt");
        std::fs::write(&path, &pem)?;
        Ok(Ca {
            issuer,
            pem,
            der,
            path,
        })
    }

    /// The CA certificate, PEM.
    pub(crate) fn pem(&self) -> &str {
        &self.pem
    }

    /// The CA certificate, DER.
    pub(crate) fn der(&self) -> &[u8] {
        &self.der
    }

    /// The file holding [`Ca::pem`].
    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// A certificate for a node on `ip`, announcing `hostname`, written to `dir/node.crt`
    /// and `dir/node.key`.
    pub(crate) fn node_files(
        &self,
        dir: &Path,
        ip: Ipv4Addr,
        hostname: Option<&str>,
    ) -> io::Result<NodeCertFiles> {
        let mut names = vec!["localhost".to_owned()];
        names.extend(hostname.map(str::to_owned));
        let mut ips = vec![IpAddr::V4(Ipv4Addr::LOCALHOST)];
        if ip != Ipv4Addr::LOCALHOST {
            ips.push(IpAddr::V4(ip));
        }
        let cert = self.issue(&format!("keyslot node {ip}"), &names, &ips)?;
        let files = NodeCertFiles {
            cert: dir.join("node.crt"),
            key: dir.join("node.key"),
            ca: self.path.clone(),
        };
        std::fs::write(&files.cert, &cert.cert_pem)?;
        std::fs::write(&files.key, &cert.key_pem)?;
        Ok(files)
    }

    /// A client certificate (CN `name`).
    pub(crate) fn client(&self, name: &str) -> io::Result<ClientCert> {
        self.issue(name, &[], &[])
    }

    fn issue(&self, cn: &str, names: &[String], ips: &[IpAddr]) -> io::Result<ClientCert> {
        let mut params = CertificateParams::new(names.to_vec()).map_err(tls_error)?;
        params
            .subject_alt_names
            .extend(ips.iter().map(|ip| SanType::IpAddress(*ip)));
        params.distinguished_name.push(DnType::CommonName, cn);
        params.key_usages = vec![
            KeyUsagePurpose::DigitalSignature,
            KeyUsagePurpose::KeyEncipherment,
        ];
        params.extended_key_usages = vec![
            ExtendedKeyUsagePurpose::ServerAuth,
            ExtendedKeyUsagePurpose::ClientAuth,
        ];
        let key = KeyPair::generate().map_err(tls_error)?;
        let cert = params.signed_by(&key, &self.issuer).map_err(tls_error)?;
        Ok(ClientCert {
            cert_pem: cert.pem(),
            key_pem: key.serialize_pem(),
            cert_der: cert.der().to_vec(),
            key_der: key.serialize_der(),
        })
    }
}

/// True when the server accepts the TLS directives: started with `--port 0 --tls-port 0` it
/// complains that it listens nowhere, where a build without TLS rejects `tls-port` as an
/// unknown directive. Probed once per process.
pub fn tls_supported() -> bool {
    static SUPPORTED: OnceLock<bool> = OnceLock::new();
    *SUPPORTED.get_or_init(|| {
        let out = Command::new(server_binary())
            .args(["--port", "0", "--tls-port", "0", "--save", ""])
            .stdin(Stdio::null())
            .output();
        match out {
            Ok(out) => {
                let text = String::from_utf8_lossy(&out.stdout).into_owned()
                    + &String::from_utf8_lossy(&out.stderr);
                text.contains("not listen anywhere")
            }
            Err(_) => false,
        }
    })
}

/// [`crate::require_redis`] for TLS tests: true when the server runs and was built with TLS.
/// Otherwise prints why the test is skipped and returns false — or panics under `CI=true`.
pub fn require_tls() -> bool {
    if !crate::require_redis() {
        return false;
    }
    if tls_supported() {
        return true;
    }
    let why = format!(
        "`{}` was built without TLS (it rejects --tls-port)",
        server_binary().to_string_lossy()
    );
    if in_ci() {
        panic!("{why}; CI=true forbids skipping TLS tests");
    }
    eprintln!("SKIPPED: {why}");
    false
}
