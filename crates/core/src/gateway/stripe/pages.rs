//! One Stripe list, read page by page, with a bound a gateway that keeps
//! saying "more" cannot get past.

use std::marker::PhantomData;

use serde::de::DeserializeOwned;

use super::wire::{List, StripeObject};
use super::StripeGateway;
use crate::gateway::GatewayError;

/// Most pages one listing reads (100 items each: 50,000 PaymentIntents, far
/// beyond a shop's date range). A gateway that keeps answering `has_more`
/// is stopped here with [`GatewayError::ListTooLong`].
const MAX_PAGES: usize = 500;

/// One Stripe list of `T`, read page by page with `starting_after`.
pub(super) struct Pages<'a, T> {
    gateway: &'a StripeGateway,
    path: &'a str,
    filter: Vec<(String, String)>,
    after: Option<String>,
    read: usize,
    done: bool,
    items: PhantomData<T>,
}

impl<'a, T: StripeObject + DeserializeOwned> Pages<'a, T> {
    pub(super) fn new(gateway: &'a StripeGateway, path: &'a str, filter: Vec<(String, String)>) -> Self {
        Self {
            gateway,
            path,
            filter,
            after: None,
            read: 0,
            done: false,
            items: PhantomData,
        }
    }

    pub(super) async fn next(&mut self) -> Result<Option<Vec<T>>, GatewayError> {
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
        let list: List<T> = self.gateway.call(reqwest::Method::GET, self.path, &q, None).await?;
        let data = list.data.ok_or(GatewayError::MalformedResponse)?;
        self.read += 1;
        // A page that does not say whether more follow is unreadable, not
        // the end: a lookup that stopped there would read "not found".
        match list.has_more.ok_or(GatewayError::MalformedResponse)? {
            true => {
                // A page that says "more" must say where it ended.
                let last = data
                    .last()
                    .and_then(StripeObject::id)
                    .ok_or(GatewayError::MalformedResponse)?;
                self.after = Some(last.to_string());
            }
            false => self.done = true,
        }
        Ok(Some(data))
    }
}
