//! The card window of a phone order (see `merchant_core::card_entry`).
//!
//! A second, small window whose only content is a page of the terminal's
//! own, served here (the `card:` scheme) under its own CSP, that loads the
//! gateway's hosted card fields. It may call one command
//! (`hand_back_card`, see `capabilities/card.json` and the gate) and load
//! nothing but its page and the gateway's frames.
//!
//! A phone order's `charge_sale` waits here for the card, then charges it
//! in the same call: the card is never held between commands, so it cannot
//! outlive the order, the session, or be used by anyone else. One card
//! window at a time; it closes when the card is handed back, when the
//! session ends (sign-out, another sign-in) and after the idle-lock time.
//!
//! The counter window's CSP (`tauri.conf.json`) is untouched by all this:
//! it never loads a remote script.

use std::borrow::Cow;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use merchant_core::api::ErrorReport;
use merchant_core::auth::Actor;
use merchant_core::card_entry::{self, CardEntryError, HandBackCardRequest, PhoneCard};
use merchant_core::counter::ChargeInput;
use merchant_core::terminal::{Terminal, TerminalError};
use tauri::http::{header, Response, StatusCode};
use tauri::{AppHandle, Manager, Runtime};
use tokio::sync::oneshot;

use crate::registry::{CARD_WINDOW, COUNTER_WINDOW};

type Answer = Result<PhoneCard, CardEntryError>;

/// The one card window open, and who waits for its card.
struct Waiting {
    /// This wait's own number: a late event of an earlier window (its
    /// close, its failure to open) ends only its own wait.
    id: u64,
    page: String,
    csp: String,
    answer: oneshot::Sender<Answer>,
}

#[derive(Default)]
pub struct CardDesk {
    waiting: Mutex<Option<Waiting>>,
    next: AtomicU64,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn refused(e: CardEntryError) -> ErrorReport {
    ErrorReport::from(TerminalError::from(e))
}

impl CardDesk {
    /// Opens the card window for `actor`'s phone order, once the order has
    /// passed the charge's checks, and waits until it hands back a card, is
    /// closed, the session ends, or the idle-lock time has passed.
    pub async fn take<R: Runtime>(
        &self,
        app: &AppHandle<R>,
        terminal: &Terminal,
        actor: &Actor,
        order: &ChargeInput,
    ) -> Result<PhoneCard, ErrorReport> {
        let fields = terminal.card_fields(actor, order)?;
        let (answer, card) = oneshot::channel();
        let id = self.next.fetch_add(1, Ordering::Relaxed);
        {
            let mut waiting = lock(&self.waiting);
            if let Some(window) = app.get_webview_window(CARD_WINDOW) {
                let _ = window.set_focus();
                return Err(refused(CardEntryError::AlreadyOpen));
            }
            if waiting.is_some() {
                return Err(refused(CardEntryError::AlreadyOpen));
            }
            *waiting = Some(Waiting {
                id,
                page: fields.page(terminal.words()),
                csp: fields.csp(),
                answer,
            });
        }
        if let Err(e) = self.open(app, terminal, &fields, id).await {
            self.end(id);
            return Err(refused(e));
        }
        // The counter does not lock while it waits: the window does not wait
        // longer than the session would have stayed open.
        let minutes = terminal
            .settings()
            .idle_lock_minutes
            .clamp(1, merchant_core::session::MAX_IDLE_MINUTES);
        match tokio::time::timeout(Duration::from_secs(u64::from(minutes) * 60), card).await {
            Ok(answer) => answer.unwrap_or(Err(CardEntryError::Cancelled)).map_err(refused),
            Err(_) => {
                self.end(id);
                close(app);
                Err(refused(CardEntryError::TimedOut))
            }
        }
    }

    async fn open<R: Runtime>(
        &self,
        app: &AppHandle<R>,
        terminal: &Terminal,
        fields: &card_entry::CardFields,
        id: u64,
    ) -> Result<(), CardEntryError> {
        if let Some(certificate) = card_entry::certificate_to_trust(&terminal.settings().gateway, fields).await? {
            trust(app, certificate).await?;
        }
        let url = card_entry::PAGE_URL.parse().map_err(|_| CardEntryError::BadSetting)?;
        let allowed = fields.clone();
        let mut builder = tauri::WebviewWindowBuilder::new(app, CARD_WINDOW, tauri::WebviewUrl::CustomProtocol(url))
            .title(terminal.words().text("card-window-title"))
            .inner_size(480.0, 440.0)
            .resizable(false)
            .focused(true)
            .on_navigation(move |url| {
                let ok = allowed.may_load(url);
                if !ok {
                    tracing::warn!(scheme = url.scheme(), "the card window was kept from leaving its page");
                }
                ok
            })
            .on_new_window(|_, _| tauri::webview::NewWindowResponse::Deny)
            // No file of any kind: a download is refused before it starts.
            .on_download(|_, _| false)
            // WebKit asks the same question for the page and its frames, so
            // the gateway's frame host passes the check above even for the
            // page itself. A page that starts loading anything but the card
            // page is the window leaving it: the window closes (the order is
            // cancelled) rather than show another page with the IPC bridge.
            .on_page_load(|window, payload| {
                if payload.event() == tauri::webview::PageLoadEvent::Started && !card_entry::is_page(payload.url()) {
                    tracing::warn!("the card window left its page: closed");
                    let _ = window.destroy();
                }
            });
        if let Some(counter) = app.get_webview_window(COUNTER_WINDOW) {
            builder = builder.parent(&counter).map_err(|_| CardEntryError::Unreachable)?;
        }
        let window = builder.build().map_err(|e| {
            tracing::error!(error = %e, "the card window could not be opened");
            CardEntryError::Unreachable
        })?;
        // However it closes, whoever waits for this window's card hears
        // that it was cancelled (if nothing was handed back first).
        let handle = app.clone();
        window.on_window_event(move |event| {
            if matches!(event, tauri::WindowEvent::Destroyed) {
                handle.state::<CardDesk>().end(id);
            }
        });
        Ok(())
    }

    /// The card window's one command: the card the gateway made, or `None`
    /// (cancelled). A card that does not pass the checks is refused and the
    /// window stays open.
    pub fn hand_back<R: Runtime>(&self, app: &AppHandle<R>, request: HandBackCardRequest) -> Result<(), ErrorReport> {
        let answer = match request.card {
            None => Err(CardEntryError::Cancelled),
            Some(card) => Ok(PhoneCard::check(card).map_err(refused)?),
        };
        let waiting = lock(&self.waiting)
            .take()
            .ok_or_else(|| refused(CardEntryError::BadHandBack))?;
        let _ = waiting.answer.send(answer);
        close(app);
        Ok(())
    }

    /// Wait `id` is over (its window closed, or could not open): if it is
    /// still the one waiting, it hears it was cancelled.
    fn end(&self, id: u64) {
        let mut waiting = lock(&self.waiting);
        if waiting.as_ref().is_some_and(|w| w.id == id) {
            if let Some(w) = waiting.take() {
                let _ = w.answer.send(Err(CardEntryError::Cancelled));
            }
        }
    }

    /// The session ended (sign-out, or someone else signed in): the card
    /// window closes and its order is cancelled; no card outlives it.
    pub fn session_ended<R: Runtime>(&self, app: &AppHandle<R>) {
        if let Some(w) = lock(&self.waiting).take() {
            let _ = w.answer.send(Err(CardEntryError::Cancelled));
        }
        close(app);
    }

    /// The `card:` scheme: the page while a card window is waiting, its
    /// script and style from the app's own files, nothing else.
    pub fn serve<R: Runtime>(&self, app: &AppHandle<R>, path: &str) -> Response<Cow<'static, [u8]>> {
        let not_found = || {
            Response::builder()
                .status(StatusCode::NOT_FOUND)
                .body(Cow::Borrowed(&b""[..]))
                .unwrap_or_default()
        };
        let (body, kind, csp) = match path {
            "/" | "/index.html" => match lock(&self.waiting).as_ref() {
                Some(w) => (
                    w.page.clone().into_bytes(),
                    "text/html; charset=utf-8",
                    Some(w.csp.clone()),
                ),
                None => return not_found(),
            },
            "/card.js" | "/card.css" => match app.asset_resolver().get(path.to_string()) {
                Some(asset) if path.ends_with(".js") => (asset.bytes, "text/javascript; charset=utf-8", None),
                Some(asset) => (asset.bytes, "text/css; charset=utf-8", None),
                None => return not_found(),
            },
            _ => return not_found(),
        };
        let mut answer = Response::builder()
            .header(header::CONTENT_TYPE, kind)
            .header(header::CACHE_CONTROL, "no-store")
            .header("X-Content-Type-Options", "nosniff");
        if let Some(csp) = csp {
            answer = answer.header(header::CONTENT_SECURITY_POLICY, csp);
        }
        answer.body(Cow::Owned(body)).unwrap_or_else(|_| not_found())
    }
}

fn close<R: Runtime>(app: &AppHandle<R>) {
    if let Some(window) = app.get_webview_window(CARD_WINDOW) {
        let _ = window.destroy();
    }
}

/// The web view trusts the public roots only: a gateway reached through
/// its extra CA (a test gateway, an enterprise proxy) has its certificate,
/// already checked against that CA by the core, accepted for its host.
#[cfg(target_os = "linux")]
async fn trust<R: Runtime>(
    app: &AppHandle<R>,
    certificate: card_entry::CertificateToTrust,
) -> Result<(), CardEntryError> {
    let counter = app
        .get_webview_window(COUNTER_WINDOW)
        .ok_or(CardEntryError::Unreachable)?;
    let (done, trusted) = oneshot::channel();
    counter
        .with_webview(move |webview| {
            use webkit2gtk::{WebContextExt, WebViewExt};
            let context = webview.inner().context();
            let pem = webkit2gtk::gio::TlsCertificate::from_pem(&certificate.certificate);
            let ok = match (context, pem) {
                (Some(context), Ok(pem)) => {
                    context.allow_tls_certificate_for_host(&pem, &certificate.host);
                    true
                }
                _ => false,
            };
            let _ = done.send(ok);
        })
        .map_err(|_| CardEntryError::Unreachable)?;
    match trusted.await {
        Ok(true) => Ok(()),
        _ => Err(CardEntryError::Unreachable),
    }
}

#[cfg(not(target_os = "linux"))]
async fn trust<R: Runtime>(_: &AppHandle<R>, _: card_entry::CertificateToTrust) -> Result<(), CardEntryError> {
    // Elsewhere the extra CA must be in the system's trust store.
    Ok(())
}
