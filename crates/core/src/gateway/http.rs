//! The HTTPS client every online gateway uses, and the retry rule.
//!
//! Guarantees:
//! - HTTPS only: an `http://` base URL is refused when the client is built,
//!   before any I/O; reqwest's `https_only` also refuses redirects to http;
//! - rustls, TLS 1.2 minimum, certificate and hostname validation always on;
//!   an extra CA (a test or enterprise proxy CA) can be *added*, never used to
//!   turn validation off, and when its SHA-256 was recorded at configuration
//!   a file that no longer matches is refused before any connection;
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
    /// The SHA-256 (hex) `extra_ca` must still have.
    pub extra_ca_sha256: Option<String>,
    pub connect_timeout: Duration,
    pub request_timeout: Duration,
    /// Retries after the first attempt for retryable failures.
    pub max_retries: usize,
    pub min_backoff: Duration,
    pub max_backoff: Duration,
    /// The header by which the provider says whether a failed request may
    /// be retried (`true`/`false`), when it has one.
    pub retry_header: Option<&'static str>,
    /// Keep the server's certificate on each answer (`reqwest::tls::TlsInfo`).
    pub keep_peer_certificate: bool,
}

impl HttpConfig {
    pub fn new(base_url: impl Into<String>) -> Self {
        Self {
            base_url: base_url.into(),
            extra_ca: None,
            extra_ca_sha256: None,
            connect_timeout: Duration::from_secs(5),
            request_timeout: Duration::from_secs(30),
            max_retries: 3,
            min_backoff: Duration::from_millis(250),
            max_backoff: Duration::from_secs(4),
            retry_header: None,
            keep_peer_certificate: false,
        }
    }

    /// The waits between attempts, as `send_with_retries` makes them.
    fn backoff(&self) -> ExponentialBuilder {
        ExponentialBuilder::default()
            .with_min_delay(self.min_backoff)
            .with_max_delay(self.max_backoff)
            .with_max_times(self.max_retries)
            .with_jitter()
    }

    /// The longest an operation's attempts can take from the first being
    /// sent until the gateway has surely done with the last: every attempt
    /// may run its whole timeout, every wait between two its longest
    /// (jitter adds up to the delay again), and the last attempt may still
    /// be processed for one timeout more. Until then, "not found" at the
    /// gateway does not mean "never arrived".
    pub fn worst_case_span(&self) -> Duration {
        let mut waits = Duration::ZERO;
        let mut delay = self.min_backoff;
        let mut left = self.max_retries;
        while left > 0 && delay < self.max_backoff {
            waits = waits.saturating_add(delay.saturating_mul(2));
            delay = delay.saturating_mul(2);
            left -= 1;
        }
        let capped = u32::try_from(left).unwrap_or(u32::MAX);
        waits = waits.saturating_add(self.max_backoff.saturating_mul(2).saturating_mul(capped));
        let attempts = u32::try_from(self.max_retries).unwrap_or(u32::MAX).saturating_add(2);
        self.request_timeout.saturating_mul(attempts).saturating_add(waits)
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
    #[error("The gateway's extra CA file has changed since it was configured, so it is not trusted. A manager must configure the CA again.")]
    CaChanged,
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
        .tls_info(cfg.keep_peer_certificate)
        .user_agent(concat!("merchant-terminal/", env!("CARGO_PKG_VERSION")));
    if let Some(path) = &cfg.extra_ca {
        let pem = std::fs::read(path).map_err(|_| HttpSetupError::BadCa)?;
        if let Some(expected) = &cfg.extra_ca_sha256 {
            use sha2::Digest;
            if !hex::encode(sha2::Sha256::digest(&pem)).eq_ignore_ascii_case(expected.trim()) {
                return Err(HttpSetupError::CaChanged);
            }
        }
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
    /// The server answered with a body over [`MAX_BODY_BYTES`]; it was
    /// dropped unread. The request may have been acted on.
    Oversized,
}

/// The largest answer the terminal reads. A page of 100 PaymentIntents with
/// their charges is well under 1 MiB; a hostile or broken server cannot make
/// the terminal buffer more than this.
pub const MAX_BODY_BYTES: usize = 4 * 1024 * 1024;

impl Attempt {
    /// Retry network losses, 409 (lock), 429, 5xx, and whatever the
    /// provider's retry header ([`HttpConfig::retry_header`]) says to retry;
    /// never when it says not to; never another 4xx.
    pub fn retryable(&self) -> bool {
        match self {
            Self::NotSent { tls } => !tls,
            Self::Lost => true,
            Self::Oversized => false,
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
pub async fn send_once(req: reqwest::RequestBuilder, retry_header: Option<&str>) -> Attempt {
    match req.send().await {
        Ok(mut resp) => {
            let status = resp.status().as_u16();
            let should_retry = retry_header
                .and_then(|name| resp.headers().get(name))
                .and_then(|v| v.to_str().ok())
                .map(|v| v.eq_ignore_ascii_case("true"));
            if resp.content_length().is_some_and(|n| n > MAX_BODY_BYTES as u64) {
                return Attempt::Oversized;
            }
            // Read in chunks so an answer without (or lying about) its
            // length is cut off at the cap, not buffered whole.
            let mut body = Vec::new();
            loop {
                match resp.chunk().await {
                    Ok(Some(chunk)) if body.len() + chunk.len() > MAX_BODY_BYTES => return Attempt::Oversized,
                    Ok(Some(chunk)) => body.extend_from_slice(&chunk),
                    Ok(None) => break,
                    Err(_) => return Attempt::Lost,
                }
            }
            Attempt::Answered {
                status,
                should_retry,
                body: Body(body),
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
        if names_tls(&s.to_string()) {
            return true;
        }
        src = s.source();
    }
    false
}

/// Whether an error message (from rustls, hyper or reqwest) is about the
/// TLS handshake or the server's certificate.
fn names_tls(message: &str) -> bool {
    let text = message.to_ascii_lowercase();
    ["certificate", "tls", "handshake"].iter().any(|w| text.contains(w))
}

/// What a retried request came to: the last attempt, and whether any attempt
/// may have been acted on by the server.
#[derive(Debug)]
pub struct Sent {
    pub last: Attempt,
    /// Some attempt may have reached the server and been acted on: it was
    /// lost after sending, answered 5xx, or 409 (a request with the same key
    /// still running). For a mutation this makes every answer but a definite
    /// one ([`Attempt::definite`]) an unknown outcome: a later 429, TLS
    /// failure or 4xx says nothing about the earlier attempt.
    pub may_have_landed: bool,
}

impl Attempt {
    /// True when the server may have acted on this attempt without the
    /// terminal learning the result. Stripe's rate limiter (429) answers
    /// before anything runs; a 5xx or 409 may follow or overlap the work.
    fn may_have_acted(&self) -> bool {
        match self {
            Self::Lost | Self::Oversized => true,
            Self::Answered { status, .. } => *status >= 500 || *status == 409,
            Self::NotSent { .. } => false,
        }
    }

    /// An answer that settles the request itself, whatever earlier attempts
    /// did: a success, or a decline (402), which Stripe replays for the same
    /// idempotency key once a request has run, so a fresh 402 on a retry
    /// also proves that no earlier attempt ran.
    pub fn definite(&self) -> bool {
        matches!(self, Self::Answered { status, .. } if (200..300).contains(status) || *status == 402)
    }
}

/// Runs `make_request` with retries by the rule above.
pub async fn send_with_retries<F>(cfg: &HttpConfig, mut make_request: F) -> Sent
where
    F: FnMut() -> reqwest::RequestBuilder,
{
    let backoff = cfg.backoff();
    let landed = std::sync::atomic::AtomicBool::new(false);
    let attempt = || {
        let req = make_request();
        let landed = &landed;
        async move {
            let a = send_once(req, cfg.retry_header).await;
            if a.may_have_acted() {
                landed.store(true, std::sync::atomic::Ordering::Relaxed);
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
    Sent {
        last,
        may_have_landed: landed.load(std::sync::atomic::Ordering::Relaxed),
    }
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

    /// A CA file is trusted only while it is the one the owner set: same
    /// bytes (SHA-256) as recorded, else refused before any request.
    #[test]
    fn the_extra_ca_is_pinned_to_its_hash() {
        use sha2::Digest;
        let ca = std::path::PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/src/gateway/testdata/ca.pem"));
        let pem = std::fs::read(&ca).unwrap_or_default();
        let mut cfg = HttpConfig::new("https://127.0.0.1:1");
        cfg.extra_ca = Some(ca);
        assert!(build_client(&cfg).is_ok(), "no hash recorded: the file is read");
        cfg.extra_ca_sha256 = Some(hex::encode(sha2::Sha256::digest(&pem)).to_uppercase());
        assert!(build_client(&cfg).is_ok(), "the recorded hash, in either case");
        cfg.extra_ca_sha256 = Some("00".repeat(32));
        assert_eq!(build_client(&cfg).err(), Some(HttpSetupError::CaChanged));
        cfg.extra_ca = Some(std::path::PathBuf::from("/nonexistent/ca.pem"));
        assert_eq!(build_client(&cfg).err(), Some(HttpSetupError::BadCa));
    }

    /// An answer's body never reaches a log through `Debug`: only its size.
    #[test]
    fn a_body_shows_its_size_only() {
        let body = Body(br#"{"customer_email":"a@example.com"}"#.to_vec());
        assert_eq!(format!("{body:?}"), "Body(34 bytes)");
    }

    /// Big enough for a full page of 100 PaymentIntents with their charges
    /// (well under 1 MiB), small enough that a hostile server cannot make
    /// the terminal buffer much.
    #[test]
    fn the_answer_limit_fits_a_page_and_no_more() {
        assert!((1 << 20..=16 << 20).contains(&MAX_BODY_BYTES), "{MAX_BODY_BYTES}");
    }

    /// Serves one answer on 127.0.0.1: a body of `len` bytes, announced by
    /// its length or sent in chunks with no length, or only a length and no
    /// body at all.
    fn serve_once(len: usize, framing: &'static str) -> String {
        use std::io::{BufRead, Write};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        std::thread::spawn(move || {
            let Ok((stream, _)) = listener.accept() else { return };
            let mut reader = std::io::BufReader::new(&stream);
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                line.clear();
            }
            let mut out = &stream;
            let block = vec![b'x'; 64 * 1024];
            let _ = match framing {
                "length" => write!(out, "HTTP/1.1 200 OK\r\nContent-Length: {len}\r\n\r\n").and_then(|()| {
                    (0..len)
                        .step_by(block.len())
                        .try_for_each(|at| out.write_all(&block[..block.len().min(len - at)]))
                }),
                "length-only" => write!(out, "HTTP/1.1 200 OK\r\nContent-Length: {len}\r\n\r\n"),
                _ => write!(out, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
                    .and_then(|()| {
                        (0..len).step_by(block.len()).try_for_each(|at| {
                            let n = block.len().min(len - at);
                            write!(out, "{n:x}\r\n")?;
                            out.write_all(&block[..n])?;
                            out.write_all(b"\r\n")
                        })
                    })
                    .and_then(|()| out.write_all(b"0\r\n\r\n")),
            };
        });
        format!("http://{addr}/")
    }

    async fn fetch(len: usize, framing: &'static str) -> Attempt {
        let url = serve_once(len, framing);
        send_once(reqwest::Client::new().get(url), None).await
    }

    /// A request that reached the server and got no answer may have been
    /// acted on, so it is `Lost` (never `NotSent`): a timeout after sending,
    /// a connection closed after the request. Only a refused connection is
    /// `NotSent`.
    #[tokio::test]
    async fn only_a_refused_connection_counts_as_not_sent() {
        use std::io::BufRead;
        let client = || {
            reqwest::Client::builder()
                .timeout(std::time::Duration::from_millis(300))
                .build()
                .unwrap()
        };
        for answer_after_reading in [false, true] {
            let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            let url = format!("http://{}/", listener.local_addr().unwrap());
            let server = std::thread::spawn(move || {
                let Ok((stream, _)) = listener.accept() else { return };
                let mut reader = std::io::BufReader::new(&stream);
                let mut line = String::new();
                while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                    line.clear();
                }
                if !answer_after_reading {
                    // Hold the connection past the client's timeout.
                    std::thread::sleep(std::time::Duration::from_millis(800));
                }
                // Closing without an answer.
            });
            let attempt = send_once(client().post(url).body("x"), None).await;
            assert!(matches!(attempt, Attempt::Lost), "{attempt:?}");
            let _ = server.join();
        }
        let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/", closed.local_addr().unwrap());
        drop(closed);
        let attempt = send_once(client().post(url).body("x"), None).await;
        assert!(matches!(attempt, Attempt::NotSent { tls: false }), "{attempt:?}");
        // A server that ends the TLS handshake: not sent, and a TLS failure
        // (which the retry rule does not retry).
        let refusing = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("https://{}/", refusing.local_addr().unwrap());
        let server = std::thread::spawn(move || {
            // Read the client's hello, then hang up instead of answering it
            // (closing with it unread would be a reset, not a TLS failure).
            use std::io::Read;
            if let Ok((mut stream, _)) = refusing.accept() {
                let mut header = [0u8; 5];
                if stream.read_exact(&mut header).is_ok() {
                    let mut hello = vec![0u8; usize::from(u16::from_be_bytes([header[3], header[4]]))];
                    let _ = stream.read_exact(&mut hello);
                }
            }
        });
        let attempt = send_once(client().post(url).body("x"), None).await;
        assert!(matches!(attempt, Attempt::NotSent { tls: true }), "{attempt:?}");
        let _ = server.join();
        // A request that cannot even be built (a header no server could be
        // sent) never left the terminal: not sent, so safe to say "failed".
        let unbuildable = client().post("https://127.0.0.1:1/").header("idempotency-key", "a\nb");
        let attempt = send_once(unbuildable, None).await;
        assert!(matches!(attempt, Attempt::NotSent { tls: false }), "{attempt:?}");
    }

    /// The cap holds whether the server announces a length or not, and an
    /// answer of exactly the cap is read whole.
    #[tokio::test]
    async fn answers_over_the_cap_are_cut_off_with_or_without_a_length() {
        for framing in ["length", "chunked"] {
            let within = fetch(MAX_BODY_BYTES, framing).await;
            assert!(
                matches!(&within, Attempt::Answered { status: 200, body, .. } if body.0.len() == MAX_BODY_BYTES),
                "{framing}: {within:?}"
            );
            let over = fetch(MAX_BODY_BYTES + 1, framing).await;
            assert!(matches!(over, Attempt::Oversized), "{framing}: {over:?}");
        }
        // An announced length over the cap is refused before any body is
        // read (this server never sends one).
        let announced = fetch(MAX_BODY_BYTES + 1, "length-only").await;
        assert!(matches!(announced, Attempt::Oversized), "{announced:?}");
    }

    #[test]
    fn tls_failures_are_told_from_other_connection_failures() {
        for tls in [
            "invalid peer certificate: UnknownIssuer",
            "received fatal alert: HandshakeFailure",
            "tls handshake eof",
            "TLS connection closed",
        ] {
            assert!(names_tls(tls), "{tls}");
        }
        for other in [
            "Connection refused (os error 111)",
            "dns error: no record found",
            "operation timed out",
        ] {
            assert!(!names_tls(other), "{other}");
        }
    }

    /// Only an attempt that may have reached the server can have moved
    /// money: a 429 or a refused connection cannot, a 5xx, 409, a lost or an
    /// oversized answer can.
    #[test]
    fn which_attempts_may_have_acted() {
        let answered = |status| Attempt::Answered {
            status,
            should_retry: None,
            body: Body(Vec::new()),
        };
        for (attempt, acted) in [
            (answered(200), false),
            (answered(402), false),
            (answered(429), false),
            (answered(409), true),
            (answered(500), true),
            (answered(503), true),
            (Attempt::NotSent { tls: true }, false),
            (Attempt::NotSent { tls: false }, false),
            (Attempt::Lost, true),
            (Attempt::Oversized, true),
        ] {
            assert_eq!(attempt.may_have_acted(), acted, "{attempt:?}");
        }
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

    /// The provider's retry header is read from real answers, and only the
    /// header the gateway names: a 500 that says "do not retry" is sent
    /// once; without the header named, it is retried.
    #[tokio::test]
    async fn the_providers_retry_header_decides_over_the_status() {
        use std::io::{BufRead, Write};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/", listener.local_addr().unwrap());
        let served = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let count = served.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let mut reader = std::io::BufReader::new(&stream);
                let mut line = String::new();
                while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                    line.clear();
                }
                count.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                let _ = (&stream).write_all(
                    b"HTTP/1.1 500 Internal Server Error\r\nx-should-retry: false\r\ncontent-length: 0\r\nconnection: close\r\n\r\n",
                );
            }
        });
        let client = reqwest::Client::new();
        let mut cfg = HttpConfig::new(url.clone());
        cfg.min_backoff = Duration::from_millis(1);
        cfg.max_backoff = Duration::from_millis(5);
        let mut attempts = Vec::new();
        for header in [Some("x-should-retry"), None] {
            cfg.retry_header = header;
            let before = served.load(std::sync::atomic::Ordering::SeqCst);
            send_with_retries(&cfg, || client.post(&url).body("x")).await;
            attempts.push(served.load(std::sync::atomic::Ordering::SeqCst) - before);
        }
        assert_eq!(attempts, [1, 1 + cfg.max_retries]);
    }

    /// The in-flight window holds every wait backon really makes: for many
    /// settings and many draws of its jitter, the waits never add up to
    /// more than the span allows beyond the attempts' own timeouts.
    #[test]
    fn the_worst_case_span_holds_every_jittered_wait() {
        use backon::BackoffBuilder;
        for (timeout_ms, retries, min_ms, max_ms) in [
            (30_000, 3, 250, 4_000),
            (5_000, 5, 250, 4_000),
            (30_000, 12, 250, 4_000),
            (1_000, 0, 1, 1),
            (2_000, 7, 100, 60_000),
        ] {
            let mut cfg = HttpConfig::new("https://example.test/");
            cfg.request_timeout = Duration::from_millis(timeout_ms);
            cfg.max_retries = retries;
            cfg.min_backoff = Duration::from_millis(min_ms);
            cfg.max_backoff = Duration::from_millis(max_ms);
            let attempts = u32::try_from(retries + 2).unwrap_or(u32::MAX);
            let allowed_waits = cfg.worst_case_span() - cfg.request_timeout * attempts;
            let mut longest = Duration::ZERO;
            for _ in 0..2_000 {
                let waits: Vec<Duration> = cfg.backoff().build().collect();
                assert_eq!(waits.len(), retries);
                longest = longest.max(waits.iter().sum());
            }
            assert!(
                longest <= allowed_waits,
                "{timeout_ms} ms × {retries}: {longest:?} > {allowed_waits:?}"
            );
            assert!(
                longest * 2 >= allowed_waits,
                "the bound is not loose: {longest:?} vs {allowed_waits:?}"
            );
        }
    }
}
