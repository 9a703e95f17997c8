//! The shop's ledger read from Stripe: PaymentIntents and Refunds listed by
//! `created`, every page ([`Pages`] bounds how many), each with the till and
//! staff member its metadata names.
//!
//! Requests: one list of PaymentIntents (with `data.latest_charge` expanded,
//! so the card's brand comes with it) and one of Refunds per period; then a
//! PaymentIntent for each refunded payment created outside the period (at
//! most [`MAX_PAYMENT_LOOKUPS`]), and a
//! PaymentMethod only where a charge does not carry its card (some
//! Stripe-compatible servers), once per payment method and at most
//! [`MAX_CARD_LOOKUPS`] times per period. A restricted key with read access
//! to PaymentIntents, Refunds and PaymentMethods is enough.

use std::collections::HashMap;

use super::pages::Pages;
use super::wire::*;
use super::StripeGateway;
use crate::gateway::ledger::{Ledger, LedgerPayment, LedgerRefund};
use crate::gateway::{Attribution, GatewayError, GatewayRef};

/// Most PaymentMethod lookups for brands in one period: past it, a brand the
/// charge does not carry is left unknown rather than costing a request per
/// sale.
const MAX_CARD_LOOKUPS: usize = 1000;

/// Most PaymentIntents read for refunds of payments made before the
/// period: past it, such a refund keeps only what its own metadata says (a
/// refund the terminal made names its till and staff member; its brand is
/// left unknown), so a gateway cannot make one look cost a request per
/// refund without end.
const MAX_PAYMENT_LOOKUPS: usize = 1000;

/// What one refunded payment contributes to its refunds.
struct Payment {
    by: Attribution,
    brand: Option<String>,
}

impl StripeGateway {
    pub(super) async fn read_ledger(&self, since_ms: i64, until_ms: i64) -> Result<Ledger, GatewayError> {
        let window = vec![
            ("created[gte]".to_string(), since_ms.div_euclid(1000).to_string()),
            ("created[lt]".into(), (until_ms + 999).div_euclid(1000).to_string()),
        ];
        let mut brands = Brands::default();
        let mut ledger = Ledger::default();
        let mut intents = window.clone();
        intents.push(("expand[]".into(), "data.latest_charge".into()));
        let mut pages = Pages::<PaymentIntent>::new(self, "v1/payment_intents", intents);
        while let Some(page) = pages.next().await? {
            for pi in &page {
                ledger.payments.push(LedgerPayment {
                    gateway_ref: pi.gateway_ref()?,
                    by: pi.attribution().unwrap_or_default(),
                    money: pi.money()?,
                    state: pi.ledger_state()?,
                    created_ms: pi.created_ms().ok_or(GatewayError::MalformedResponse)?,
                    brand: brands.of(self, pi).await,
                });
            }
        }
        let mut known: HashMap<String, Payment> = ledger
            .payments
            .iter()
            .map(|p| {
                let payment = Payment {
                    by: p.by.clone(),
                    brand: p.brand.clone(),
                };
                (p.gateway_ref.0.clone(), payment)
            })
            .collect();
        let mut lookups = 0;
        let mut pages = Pages::<Refund>::new(self, "v1/refunds", window);
        while let Some(page) = pages.next().await? {
            for r in &page {
                let listed = r.listed()?;
                let outcome = r.outcome()?;
                if matches!(outcome, crate::gateway::RefundOutcome::Failed { .. }) {
                    continue;
                }
                let payment = r.payment_intent.clone().ok_or(GatewayError::MalformedResponse)?;
                if !known.contains_key(&payment) && lookups >= MAX_PAYMENT_LOOKUPS {
                    known.insert(
                        payment.clone(),
                        Payment {
                            by: Attribution::default(),
                            brand: None,
                        },
                    );
                }
                if !known.contains_key(&payment) {
                    lookups += 1;
                    let pi: PaymentIntent = self
                        .call(
                            reqwest::Method::GET,
                            &format!(
                                "v1/payment_intents/{}",
                                path_id(&payment).ok_or(GatewayError::MalformedResponse)?
                            ),
                            &[("expand[]".to_string(), "latest_charge".to_string())],
                            None,
                        )
                        .await?;
                    let found = Payment {
                        by: pi.attribution().unwrap_or_default(),
                        brand: brands.of(self, &pi).await,
                    };
                    known.insert(payment.clone(), found);
                }
                let of = &known[&payment];
                // A refund made outside the terminal carries no till: it is
                // the till's that took the payment, with nobody's name.
                let by = r.attribution().unwrap_or_else(|| Attribution {
                    staff_id: None,
                    ..of.by.clone()
                });
                ledger.refunds.push(LedgerRefund {
                    gateway_ref: listed.gateway_ref,
                    payment: GatewayRef(payment),
                    by,
                    money: listed.money,
                    succeeded: matches!(outcome, crate::gateway::RefundOutcome::Succeeded { .. }),
                    created_ms: listed.created_ms,
                    brand: of.brand.clone(),
                });
            }
        }
        Ok(ledger)
    }
}

/// Card brands by payment method, looked up once each.
#[derive(Default)]
struct Brands {
    by_method: HashMap<String, Option<String>>,
}

impl Brands {
    async fn of(&mut self, gateway: &StripeGateway, pi: &PaymentIntent) -> Option<String> {
        if let Some(card) = pi.charged_card() {
            return Some(card.brand.to_ascii_lowercase());
        }
        let pm = pi.payment_method.as_ref()?.id()?.to_string();
        if let Some(brand) = self.by_method.get(&pm) {
            return brand.clone();
        }
        if self.by_method.len() >= MAX_CARD_LOOKUPS {
            return None;
        }
        let brand = gateway.card_for(pi).await.map(|c| c.brand.to_ascii_lowercase());
        self.by_method.insert(pm, brand.clone());
        brand
    }
}
