//! localstripe, the independent test gateway, started per test over TLS,
//! with its fault injection and raw records.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

use crate::*;

/// The name the harness's own connections give the test gateway.
pub(crate) const CONTROL_HOST: &str = "control.test";

/// localstripe, the independent Stripe fake, over TLS on 127.0.0.1 with
/// state in memory (see tests/gateway/localstripe_launcher.py).
pub struct Localstripe {
    child: Child,
    pub port: u16,
}

impl Localstripe {
    /// Serves with the PKI's `cert` (`server`, `wrong-host`, `self-signed`,
    /// `expired`).
    pub fn start(pki: &TestPki, cert: &str) -> TestResult<Self> {
        Self::launch(pki, cert, None)
    }

    /// Serves with a good certificate, but only over TLS 1.0.
    pub fn start_tls10_only(pki: &TestPki) -> TestResult<Self> {
        Self::launch(pki, "server", Some("tls1.0"))
    }

    fn launch(pki: &TestPki, cert: &str, protocol: Option<&str>) -> TestResult<Self> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let python = root.join(".venv/bin/python");
        if !python.exists() {
            return fail("localstripe is not installed: run scripts/setup");
        }
        let port = free_port()?;
        let mut child = Command::new(python)
            .arg(root.join("tests/gateway/localstripe_launcher.py"))
            .arg(port.to_string())
            .arg(pki.path(&format!("{cert}.pem")))
            .arg(pki.path(&format!("{cert}.key")))
            .args(protocol)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()?;
        let mut line = String::new();
        if let Some(out) = child.stdout.take() {
            BufReader::new(out).read_line(&mut line)?;
        }
        if line.trim() != "ready" {
            let _ = child.kill();
            return fail("localstripe did not start");
        }
        Ok(Self { child, port })
    }

    pub fn url(&self) -> String {
        format!("https://127.0.0.1:{}/", self.port)
    }

    /// A client that trusts only the test CA, for checking the gateway's
    /// side independently of the app.
    pub fn client(pki: &TestPki) -> TestResult<reqwest::blocking::Client> {
        Self::client_builder(pki)?.build().map_err(Into::into)
    }

    fn client_builder(pki: &TestPki) -> TestResult<reqwest::blocking::ClientBuilder> {
        let ca = reqwest::Certificate::from_pem(&std::fs::read(pki.ca())?)?;
        Ok(reqwest::blocking::Client::builder()
            .use_rustls_tls()
            .tls_built_in_root_certs(false)
            .add_root_certificate(ca))
    }

    /// [`Localstripe::client`] naming itself `control.test` in the
    /// handshake, so the gateway's TLS faults are kept for the app.
    fn control(&self, pki: &TestPki) -> TestResult<reqwest::blocking::Client> {
        Ok(Self::client_builder(pki)?
            .resolve(CONTROL_HOST, std::net::SocketAddr::from(([127, 0, 0, 1], self.port)))
            .build()?)
    }

    fn control_url(&self) -> String {
        format!("https://{CONTROL_HOST}:{}/", self.port)
    }

    /// `GET path` on the gateway with a test key, as JSON.
    pub fn get(&self, pki: &TestPki, path: &str) -> TestResult<serde_json::Value> {
        let resp = self
            .control(pki)?
            .get(format!("{}{path}", self.control_url()))
            .bearer_auth("sk_test_harness0000")
            .send()?;
        Ok(resp.json()?)
    }

    /// `POST path` with a form, as JSON.
    pub fn post(&self, pki: &TestPki, path: &str, form: &[(&str, &str)]) -> TestResult<serde_json::Value> {
        let resp = self
            .control(pki)?
            .post(format!("{}{path}", self.control_url()))
            .bearer_auth("sk_test_harness0000")
            .form(form)
            .send()?;
        Ok(resp.json()?)
    }
}

impl Drop for Localstripe {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Localstripe {
    /// Queues faults for the next matching requests (see the launcher).
    pub fn faults(&self, pki: &TestPki, faults: serde_json::Value) -> TestResult {
        let resp = self
            .control(pki)?
            .post(format!("{}_faults", self.control_url()))
            .bearer_auth("sk_test_harness0000")
            .json(&faults)
            .send()?;
        if resp.status().is_success() {
            Ok(())
        } else {
            fail(format!("queueing faults: {}", resp.status()))
        }
    }

    /// Has the gateway refuse `key` from now on, as Stripe does once a
    /// rolled key expires.
    pub fn revoke_key(&self, pki: &TestPki, key: &str) -> TestResult {
        let resp = self
            .control(pki)?
            .post(format!("{}_keys", self.control_url()))
            .bearer_auth("sk_test_harness0000")
            .json(&serde_json::json!({ "revoke": key }))
            .send()?;
        if resp.status().is_success() {
            Ok(())
        } else {
            fail(format!("revoking a key: {}", resp.status()))
        }
    }

    /// Drops any queued fault a run did not consume.
    pub fn clear_faults(&self, pki: &TestPki) -> TestResult {
        self.control(pki)?
            .delete(format!("{}_faults", self.control_url()))
            .bearer_auth("sk_test_harness0000")
            .send()?;
        Ok(())
    }

    /// A PaymentMethod for the test card `number`, tokenised at the gateway
    /// as its hosted fields would (the terminal only ever sees the id).
    /// Cards localstripe treats specially: `4000000000000341` is declined,
    /// `4000002760003184` asks for 3-D Secure.
    pub fn card(&self, pki: &TestPki, number: &str) -> TestResult<String> {
        let pm = self.post(
            pki,
            "v1/payment_methods",
            &[
                ("type", "card"),
                ("card[number]", number),
                ("card[exp_month]", "12"),
                ("card[exp_year]", "2034"),
                ("card[cvc]", "123"),
            ],
        )?;
        Ok(pm["id"].as_str().unwrap_or_default().to_string())
    }

    /// PaymentIntents at the gateway whose metadata names `sale_id`.
    pub fn intents_for_sale(&self, pki: &TestPki, sale_id: &str) -> TestResult<Vec<serde_json::Value>> {
        let mut found = Vec::new();
        let mut after: Option<String> = None;
        loop {
            let path = match &after {
                Some(a) => format!("v1/payment_intents?limit=100&starting_after={a}"),
                None => "v1/payment_intents?limit=100".to_string(),
            };
            let page = self.get(pki, &path)?;
            let data = page["data"].as_array().cloned().unwrap_or_default();
            found.extend(data.iter().filter(|pi| pi["metadata"]["sale_id"] == sale_id).cloned());
            if page["has_more"].as_bool() != Some(true) || data.is_empty() {
                return Ok(found);
            }
            after = data.last().and_then(|pi| pi["id"].as_str()).map(String::from);
        }
    }
}
