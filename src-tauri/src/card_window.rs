//! The card window of a phone order (see `merchant_core::card_entry`).
//!
//! A second, small window whose only content is a page of the terminal's
//! own, served here (the `card:` scheme) under its own CSP, that loads the
//! gateway's hosted card fields. It may call one command
//! (`hand_back_card`, see `capabilities/card.json` and the gate) and load
//! nothing but its page and the gateway's frames. The counter window waits
//! for it in `take_phone_card`; the card it hands back is held here for the
//! same staff member's next phone-order charge, and for nothing else.
//!
//! The counter window's CSP (`tauri.conf.json`) is untouched by all this:
//! it never loads a remote script.

use std::borrow::Cow;
use std::sync::{Mutex, MutexGuard};

use merchant_core::api::ErrorReport;
use merchant_core::auth::Actor;
use merchant_core::card_entry::{self, CardEntryError, HandBackCardRequest, PhoneCard, PhoneCardView};
use merchant_core::terminal::{Terminal, TerminalError};
use tauri::http::{header, Response, StatusCode};
use tauri::{AppHandle, Manager, Runtime};
use tokio::sync::oneshot;

use crate::registry::{CARD_WINDOW, COUNTER_WINDOW};

type Answer = Result<PhoneCard, CardEntryError>;

/// A card window open for a staff member, and its page.
struct Waiting {
    page: String,
    csp: String,
    answer: oneshot::Sender<Answer>,
}

#[derive(Default)]
pub struct CardDesk {
    waiting: Mutex<Option<Waiting>>,
    /// The card handed back, with the staff id of who asked for it.
    held: Mutex<Option<(String, PhoneCard)>>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn refused(e: CardEntryError) -> ErrorReport {
    ErrorReport::from(TerminalError::from(e))
}

impl CardDesk {
    /// Opens the card window for `actor` and waits until it hands back a
    /// card or is closed.
    pub async fn take<R: Runtime>(
        &self,
        app: &AppHandle<R>,
        terminal: &Terminal,
        actor: &Actor,
    ) -> Result<PhoneCardView, ErrorReport> {
        let fields = terminal.card_fields(actor)?;
        let (answer, card) = oneshot::channel();
        {
            let mut waiting = lock(&self.waiting);
            if let Some(window) = app.get_webview_window(CARD_WINDOW) {
                let _ = window.set_focus();
                return Err(refused(CardEntryError::AlreadyOpen));
            }
            *waiting = Some(Waiting {
                page: fields.page(terminal.words()),
                csp: fields.csp(),
                answer,
            });
        }
        *lock(&self.held) = None;
        if let Err(e) = self.open(app, terminal, &fields).await {
            *lock(&self.waiting) = None;
            return Err(refused(e));
        }
        let card = card.await.unwrap_or(Err(CardEntryError::Cancelled)).map_err(refused)?;
        let view = PhoneCardView::from(&card);
        *lock(&self.held) = Some((actor.staff_id.clone(), card));
        Ok(view)
    }

    async fn open<R: Runtime>(
        &self,
        app: &AppHandle<R>,
        terminal: &Terminal,
        fields: &card_entry::CardFields,
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
        builder.build().map_err(|e| {
            tracing::error!(error = %e, "the card window could not be opened");
            CardEntryError::Unreachable
        })?;
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
        if let Some(window) = app.get_webview_window(CARD_WINDOW) {
            let _ = window.destroy();
        }
        Ok(())
    }

    /// The card window closed: whoever waits for it hears it was cancelled.
    pub fn closed(&self) {
        if let Some(waiting) = lock(&self.waiting).take() {
            let _ = waiting.answer.send(Err(CardEntryError::Cancelled));
        }
    }

    /// The card for `staff_id`'s phone-order charge, once.
    pub fn take_held(&self, staff_id: &str) -> Result<PhoneCard, ErrorReport> {
        match lock(&self.held).take() {
            Some((by, card)) if by == staff_id => Ok(card),
            _ => Err(refused(CardEntryError::NoCard)),
        }
    }

    /// Sign-out: a card handed back is not kept for the next person.
    pub fn forget(&self) {
        *lock(&self.held) = None;
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
