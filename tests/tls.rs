//! Prefect Cloud over real TLS: the stand-in serves HTTPS on 127.0.0.1 with a certificate from
//! a CA made for the test (openssl), and `prefectx-cloud` checks it with rustls and the ring
//! provider, the code path every real login takes. The CA comes in through `SSL_CERT_FILE`
//! (what `prefect cloud login` trusts through httpx) or `PREFECT_API_SSL_CERT_FILE` (what
//! Prefect's API client trusts; docs/prefect-compat.md, "TLS for the Cloud commands"); without it the certificate is refused in one line
//! and nothing changes; `PREFECT_API_TLS_INSECURE_SKIP_VERIFY` skips the check with a warning.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use common::cloud::{self, Reply, Server, GOOD_KEY};
use common::*;

const FILE: &str = "active = \"work\"\n\n[profiles.work]\nPREFECT_LOGGING_LEVEL = \"INFO\"\n";

fn openssl(dir: &Path, args: &[&str]) {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run openssl");
    assert!(out.status.success(), "openssl {args:?}: {}", stderr(&out));
}

/// A CA and a server certificate for IP 127.0.0.1 signed by it, in `dir`: returns the CA's
/// PEM path and the server's TLS configuration.
fn pki(dir: &Path) -> (PathBuf, Arc<rustls::ServerConfig>) {
    let ec = [
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
    ];
    let mut ca = vec![
        "req",
        "-x509",
        "-days",
        "2",
        "-subj",
        "/CN=prefectx test CA",
    ];
    ca.extend(ec);
    ca.extend([
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-addext",
        "keyUsage=critical,keyCertSign,cRLSign",
    ]);
    openssl(dir, &ca);
    let mut csr = vec!["req", "-subj", "/CN=127.0.0.1"];
    csr.extend(ec);
    csr.extend(["-keyout", "srv.key", "-out", "srv.csr"]);
    openssl(dir, &csr);
    std::fs::write(
        dir.join("srv.ext"),
        "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n",
    )
    .unwrap();
    openssl(
        dir,
        &[
            "x509",
            "-req",
            "-in",
            "srv.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-days",
            "2",
            "-extfile",
            "srv.ext",
            "-out",
            "srv.pem",
        ],
    );
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let certs: Vec<CertificateDer> = CertificateDer::pem_file_iter(dir.join("srv.pem"))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let key = PrivateKeyDer::from_pem_file(dir.join("srv.key")).unwrap();
    let cfg = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(certs, key)
    .unwrap();
    (dir.join("ca.pem"), Arc::new(cfg))
}

fn https_cloud(tls: Arc<rustls::ServerConfig>) -> Server {
    Server::start_tls(tls, |req, _| {
        if req.header("authorization") == Some(&format!("Bearer {GOOD_KEY}")) {
            Reply::Json(200, cloud::three_workspaces())
        } else {
            Reply::Json(401, r#"{"detail":"Unauthorized"}"#.into())
        }
    })
}

fn login(sb: &Sandbox, extra: &[(&str, &str)]) -> std::process::Output {
    let mut c = sb.cmd();
    for (k, v) in extra {
        c.env(k, v);
    }
    c.args(cloud::login_args(&[])).output().unwrap()
}

fn setup() -> Option<(Sandbox, Server, PathBuf)> {
    if !have("openssl") {
        return None;
    }
    let sb = Sandbox::new();
    sb.write_profiles(FILE);
    let (ca, tls) = pki(sb.dir.path());
    let server = https_cloud(tls);
    assert!(server.base.starts_with("https://127.0.0.1:"));
    sb.set_env("PREFECT_CLOUD_API_URL", &server.base);
    Some((sb, server, ca))
}

#[test]
fn an_unknown_ca_is_refused_in_one_line_and_nothing_changes() {
    let Some((sb, server, _)) = setup() else {
        return;
    };
    let out = login(&sb, &[]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(out.stdout.is_empty());
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("127.0.0.1"), "{err}");
    assert!(
        err.contains("TLS certificate is not trusted (UnknownIssuer)")
            && err.contains("SSL_CERT_FILE or PREFECT_API_SSL_CERT_FILE"),
        "{err}"
    );
    assert!(!err.contains(GOOD_KEY));
    assert_eq!(sb.read_profiles(), FILE);
    // The handshake failed: no HTTP request reached the server.
    assert_eq!(server.count(), 0);
}

#[test]
fn the_ca_from_ssl_cert_file_or_prefect_api_ssl_cert_file_is_trusted() {
    let Some((sb, server, ca)) = setup() else {
        return;
    };
    let ca = ca.display().to_string();
    for var in ["SSL_CERT_FILE", "PREFECT_API_SSL_CERT_FILE"] {
        sb.write_profiles(FILE);
        let out = login(&sb, &[(var, &ca)]);
        assert!(out.status.success(), "{var}: {}", stderr(&out));
        assert_eq!(
            stdout(&out),
            "Authenticated with Prefect Cloud! Using workspace 'acme/prod' in profile 'work'.\n"
        );
        let text = sb.read_profiles();
        assert!(
            text.contains(&format!("{}/accounts/", server.base)),
            "{var}: {text}"
        );
        assert!(text.contains(&format!("PREFECT_API_KEY = \"{GOOD_KEY}\"")));
    }
    assert_eq!(server.count(), 2);
}

#[test]
fn skipping_verification_works_and_says_so() {
    let Some((sb, server, _)) = setup() else {
        return;
    };
    let out = login(&sb, &[("PREFECT_API_TLS_INSECURE_SKIP_VERIFY", "true")]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("PREFECT_API_TLS_INSECURE_SKIP_VERIFY is set"),
        "{}",
        stderr(&out)
    );
    assert_eq!(server.count(), 1);
}

#[test]
fn an_unreadable_or_non_pem_ca_file_is_one_line_and_no_request() {
    let Some((sb, server, _)) = setup() else {
        return;
    };
    let junk = sb.dir.path().join("junk.pem");
    std::fs::write(&junk, "not a certificate\n").unwrap();
    for (value, why) in [
        ("/nonexistent/ca.pem".to_string(), "cannot read"),
        (junk.display().to_string(), "no certificate in it"),
    ] {
        let out = login(&sb, &[("SSL_CERT_FILE", &value)]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{err}");
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(
            err.contains("SSL_CERT_FILE") && err.contains(&value) && err.contains(why),
            "{err}"
        );
        assert_eq!(sb.read_profiles(), FILE);
    }
    assert_eq!(server.count(), 0);
}
