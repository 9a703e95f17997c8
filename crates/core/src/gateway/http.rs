//! The HTTPS client every online gateway uses, and the retry rule.
//!
//! Guarantees:
//! - HTTPS only: an `http://` base URL is refused when the client is built,
//!   before any I/O; reqwest's `https_only` also refuses redirects to http;
//! - rustls, TLS 1.2 minimum, certificate and hostname validation always on;
//!   an extra CA (a test or enterprise proxy CA) can be *added*, never used to
//!   turn validation off;
//! - one connection pool per gateway, with connect and request timeouts;
//! - retries only what the provider says is safe, with capped exponential
//!   backoff and jitter, always with the same idempotency key.

use std::path::PathBuf;
use std::time::Duration;

use backon::{ExponentialBuilder, Retryable};

/// How to reach a gateway.
#[derive(Debug, Clone)]
pub struct HttpConfig {
    pub base_url: String,
    /// PEM file with an extra CA to trust in addition to the public roots.
    pub extra_ca: Option<PathBuf>,
    pub connect_timeout: Duration,
    pub request_timeout: Duration,
    /// Retries after the first attempt for retryable failures.
    pub max_retries: usize,
    pub min_backoff: Duration,
    pub max_backoff: Duration,
}

impl HttpConfig {
    pub fn new(base_url: impl Into<String>) -> Self {
        Self {
            base_url: base_url.into(),
            extra_ca: None,
            connect_timeout: Duration::from_secs(5),
            request_timeout: Duration::from_secs(30),
            max_retries: 3,
            min_backoff: Duration::from_millis(250),
            max_backoff: Duration::from_secs(4),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum HttpSetupError {
    // The address and path were typed: the messages name the problem only.
    #[error("The gateway address must start with https://.")]
    NotHttps,
    #[error("The gateway address is not a valid URL.")]
    BadUrl,
    #[error("The extra CA file could not be read or is not a PEM certificate.")]
    BadCa,
    #[error("The HTTPS client could not be set up.")]
    Client,
}

/// Builds the one pooled client for a gateway, enforcing the TLS rules.
pub fn build_client(cfg: &HttpConfig) -> Result<(reqwest::Client, reqwest::Url), HttpSetupError> {
    let url = reqwest::Url::parse(&cfg.base_url).map_err(|_| HttpSetupError::BadUrl)?;
    if url.scheme() != "https" {
        return Err(HttpSetupError::NotHttps);
    }
    let mut builder = reqwest::Client::builder()
        .use_rustls_tls()
        .https_only(true)
        .min_tls_version(reqwest::tls::Version::TLS_1_2)
        .connect_timeout(cfg.connect_timeout)
        .timeout(cfg.request_timeout)
        .pool_max_idle_per_host(4)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("merchant-terminal/", env!("CARGO_PKG_VERSION")));
    if let Some(path) = &cfg.extra_ca {
        let pem = std::fs::read(path).map_err(|_| HttpSetupError::BadCa)?;
        let certs = reqwest::Certificate::from_pem_bundle(&pem).map_err(|_| HttpSetupError::BadCa)?;
        if certs.is_empty() {
            return Err(HttpSetupError::BadCa);
        }
        for cert in certs {
            builder = builder.add_root_certificate(cert);
        }
    }
    let client = builder.build().map_err(|_| HttpSetupError::Client)?;
    Ok((client, url))
}

/// What one attempt at a request came to, before any retry decision.
#[derive(Debug)]
pub enum Attempt {
    /// The server answered (any status).
    Answered {
        status: u16,
        should_retry: Option<bool>,
        body: Body,
    },
    /// Nothing reached the server (connection refused, DNS, TLS handshake).
    NotSent { tls: bool },
    /// The request may have reached the server but no answer came back.
    Lost,
}

impl Attempt {
    /// Stripe's rule: retry network losses, 409 (lock), 429, 5xx, and
    /// whatever carries `Stripe-Should-Retry: true`; never when it says
    /// `false`; never another 4xx.
    pub fn retryable(&self) -> bool {
        match self {
            Self::NotSent { tls } => !tls,
            Self::Lost => true,
            Self::Answered {
                status, should_retry, ..
            } => match should_retry {
                Some(v) => *v,
                None => *status == 409 || *status == 429 || *status >= 500,
            },
        }
    }
}

/// A response body, kept out of `Debug` output: it may hold customer data
/// and must never reach a log.
pub struct Body(pub Vec<u8>);

impl std::fmt::Debug for Body {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Body({} bytes)", self.0.len())
    }
}

/// Sends one request, classifying the failure modes the retry rule needs.
pub async fn send_once(req: reqwest::RequestBuilder) -> Attempt {
    match req.send().await {
        Ok(resp) => {
            let status = resp.status().as_u16();
            let should_retry = resp
                .headers()
                .get("stripe-should-retry")
                .and_then(|v| v.to_str().ok())
                .map(|v| v.eq_ignore_ascii_case("true"));
            match resp.bytes().await {
                Ok(b) => Attempt::Answered {
                    status,
                    should_retry,
                    body: Body(b.to_vec()),
                },
                Err(_) => Attempt::Lost,
            }
        }
        Err(e) if e.is_connect() => Attempt::NotSent { tls: is_tls(&e) },
        Err(e) if e.is_builder() => Attempt::NotSent { tls: false },
        Err(_) => Attempt::Lost,
    }
}

fn is_tls(e: &reqwest::Error) -> bool {
    let mut src: Option<&dyn std::error::Error> = Some(e);
    while let Some(s) = src {
        let text = s.to_string().to_ascii_lowercase();
        if text.contains("certificate") || text.contains("tls") || text.contains("handshake") {
            return true;
        }
        src = s.source();
    }
    false
}

/// Runs `make_request` with retries by the rule above. Returns the last
/// attempt and whether any attempt may have reached the server (which makes
/// a final failure an unknown outcome rather than "not charged").
pub async fn send_with_retries<F>(cfg: &HttpConfig, mut make_request: F) -> (Attempt, bool)
where
    F: FnMut() -> reqwest::RequestBuilder,
{
    let backoff = ExponentialBuilder::default()
        .with_min_delay(cfg.min_backoff)
        .with_max_delay(cfg.max_backoff)
        .with_max_times(cfg.max_retries)
        .with_jitter();
    let maybe_sent = std::sync::atomic::AtomicBool::new(false);
    let attempt = || {
        let req = make_request();
        let maybe_sent = &maybe_sent;
        async move {
            let a = send_once(req).await;
            if !matches!(a, Attempt::NotSent { .. }) {
                maybe_sent.store(true, std::sync::atomic::Ordering::Relaxed);
            }
            if a.retryable() {
                Err(a)
            } else {
                Ok(a)
            }
        }
    };
    let result = attempt.retry(backoff).when(Attempt::retryable).await;
    let last = match result {
        Ok(a) | Err(a) => a,
    };
    (last, maybe_sent.load(std::sync::atomic::Ordering::Relaxed))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_is_refused_before_any_io() {
        assert_eq!(
            build_client(&HttpConfig::new("http://127.0.0.1:1")).err(),
            Some(HttpSetupError::NotHttps)
        );
        assert!(matches!(
            build_client(&HttpConfig::new("not a url")),
            Err(HttpSetupError::BadUrl)
        ));
        assert!(build_client(&HttpConfig::new("https://api.example.test")).is_ok());
    }

    #[test]
    fn retry_rule_follows_stripe() {
        let answered = |status, should_retry| Attempt::Answered {
            status,
            should_retry,
            body: Body(Vec::new()),
        };
        assert!(answered(500, None).retryable());
        assert!(answered(503, None).retryable());
        assert!(answered(429, None).retryable());
        assert!(answered(409, None).retryable());
        assert!(!answered(402, None).retryable());
        assert!(!answered(400, None).retryable());
        assert!(!answered(401, None).retryable());
        assert!(answered(400, Some(true)).retryable());
        assert!(!answered(500, Some(false)).retryable());
        assert!(Attempt::Lost.retryable());
        assert!(Attempt::NotSent { tls: false }.retryable());
        assert!(
            !Attempt::NotSent { tls: true }.retryable(),
            "a bad certificate does not get better"
        );
    }
}
