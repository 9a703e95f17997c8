//! A throwaway certificate authority and server certificates, for real TLS
//! to the test gateway.

use std::path::PathBuf;
use std::process::Command;

use crate::*;

/// A per-run test certificate authority and server certificates, made with
/// the `openssl` command (installed by scripts/setup).
pub struct TestPki {
    dir: tempfile::TempDir,
}

impl TestPki {
    pub fn new() -> TestResult<Self> {
        let dir = tempfile::tempdir()?;
        let me = Self { dir };
        me.openssl(&[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=Merchant Terminal Test CA",
            "-keyout",
            "ca.key",
            "-out",
            "ca.pem",
            "-addext",
            "basicConstraints=critical,CA:TRUE",
            "-addext",
            "keyUsage=critical,keyCertSign,cRLSign",
        ])?;
        me.leaf("server", "DNS:localhost,IP:127.0.0.1,DNS:control.test", "2")?;
        me.leaf("wrong-host", "DNS:wrong.example", "2")?;
        // Valid in every other way, but it expired yesterday.
        me.leaf("expired", "DNS:localhost,IP:127.0.0.1", "-1")?;
        me.openssl(&[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=localhost",
            "-keyout",
            "self-signed.key",
            "-out",
            "self-signed.pem",
            "-addext",
            "subjectAltName=DNS:localhost,IP:127.0.0.1",
        ])?;
        Ok(me)
    }

    fn leaf(&self, name: &str, san: &str, days: &str) -> TestResult {
        let ext = self.path(&format!("{name}.ext"));
        std::fs::write(
            &ext,
            format!("subjectAltName={san}\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n"),
        )?;
        self.openssl(&[
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-subj",
            "/CN=test server",
            "-keyout",
            &format!("{name}.key"),
            "-out",
            &format!("{name}.csr"),
        ])?;
        self.openssl(&[
            "x509",
            "-req",
            "-in",
            &format!("{name}.csr"),
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-days",
            days,
            "-out",
            &format!("{name}.pem"),
            "-extfile",
            &format!("{name}.ext"),
        ])
    }

    fn openssl(&self, args: &[&str]) -> TestResult {
        let out = Command::new("openssl")
            .args(args)
            .current_dir(self.dir.path())
            .output()?;
        if out.status.success() {
            Ok(())
        } else {
            fail(format!("openssl {}: {}", args[0], String::from_utf8_lossy(&out.stderr)))
        }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn ca(&self) -> PathBuf {
        self.path("ca.pem")
    }
}
