//! IPC commands: `verb_noun`, one request struct each, errors as
//! `ErrorReport { code, message }`. Each is an adapter: unpack, call the
//! core once, wrap the answer.

use merchant_core::api::{
    CancelChargeRequest, ChargeSaleRequest, CurrencyOption, ErrorReport, GetStatusRequest, ListSalesRequest, SaleView,
    SimulatedCardOption, StatusView,
};
use merchant_core::counter::ChargeInput;
use merchant_core::store::now_ms;
use tauri::State;

use crate::state::AppState;

const DAY_MS: i64 = 24 * 60 * 60 * 1000;

#[tauri::command]
pub fn get_status(state: State<'_, AppState>, request: GetStatusRequest) -> StatusView {
    let GetStatusRequest {} = request;
    let settings = state.settings();
    StatusView {
        mode: settings.mode,
        startup_error: state.startup_error(),
        terminal_id: state.counter().ok().map(|c| c.terminal_id().to_string()),
        currency: settings.currency,
        currencies: CurrencyOption::all(),
        decimal_separator: settings.decimal_separator,
        max_description_chars: u32::try_from(settings.max_description_chars).unwrap_or(u32::MAX),
        simulated_cards: SimulatedCardOption::all(),
    }
}

#[tauri::command]
pub async fn charge_sale(state: State<'_, AppState>, request: ChargeSaleRequest) -> Result<SaleView, ErrorReport> {
    let counter = state.counter()?;
    let sale = counter.charge(ChargeInput::from(request)).await?;
    Ok(SaleView::new(&sale, counter.mode()))
}

#[tauri::command]
pub fn cancel_charge(state: State<'_, AppState>, request: CancelChargeRequest) -> Result<(), ErrorReport> {
    let CancelChargeRequest {} = request;
    Ok(state.counter()?.cancel_charge()?)
}

#[tauri::command]
pub fn list_sales(state: State<'_, AppState>, request: ListSalesRequest) -> Result<Vec<SaleView>, ErrorReport> {
    let counter = state.counter()?;
    let until = request.until_ms.unwrap_or_else(|| now_ms() + 1);
    let since = request.since_ms.unwrap_or(until - DAY_MS);
    let sales = counter.list_sales(since, until)?;
    Ok(sales.iter().map(|s| SaleView::new(s, counter.mode())).collect())
}
