//! One Stripe list, read page by page, with a bound a gateway that keeps
//! saying "more" cannot get past.

use serde_json::Value;

use super::StripeGateway;
use crate::gateway::GatewayError;

/// Most pages one listing reads (100 items each: 50,000 PaymentIntents, far
/// beyond a shop's date range). A gateway that keeps answering `has_more`
/// is stopped here with [`GatewayError::ListTooLong`].
const MAX_PAGES: usize = 500;

/// One Stripe list, read page by page with `starting_after`.
pub(super) struct Pages<'a> {
    pub(super) gateway: &'a StripeGateway,
    pub(super) path: &'a str,
    pub(super) filter: Vec<(String, String)>,
    pub(super) after: Option<String>,
    pub(super) read: usize,
    pub(super) done: bool,
}

impl Pages<'_> {
    pub(super) async fn next(&mut self) -> Result<Option<Vec<Value>>, GatewayError> {
        if self.done {
            return Ok(None);
        }
        if self.read == MAX_PAGES {
            return Err(GatewayError::ListTooLong);
        }
        let mut q = self.filter.clone();
        q.push(("limit".into(), "100".into()));
        if let Some(after) = &self.after {
            q.push(("starting_after".into(), after.clone()));
        }
        let mut list = self.gateway.call(reqwest::Method::GET, self.path, &q, None).await?;
        let Value::Array(data) = list["data"].take() else {
            return Err(GatewayError::MalformedResponse);
        };
        self.read += 1;
        if list["has_more"].as_bool() == Some(true) {
            // A page that says "more" must say where it ended.
            let last = data
                .last()
                .and_then(|v| v["id"].as_str())
                .ok_or(GatewayError::MalformedResponse)?;
            self.after = Some(last.to_string());
        } else {
            self.done = true;
        }
        Ok(Some(data))
    }
}
