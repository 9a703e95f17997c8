//! Stripe's wire format: its answers as typed structs (serde), and the ids
//! and endpoints that go into request paths. [`super::answers`] reads the
//! structs into the gateway's domain types.
//!
//! The structs name only the fields the terminal reads. Every field is read
//! leniently ([`answer!`]): a field of an unexpected type is absent rather
//! than making the whole answer unreadable, unknown fields are ignored, and
//! an expandable field (`latest_charge`, `payment_method`) may be an id or
//! an object ([`Expandable`]). Money is read strictly where it is turned
//! into domain types ([`super::answers`]).
//!
//! None of these types derives `Debug`: they hold what the gateway said
//! about a card, and they never leave `gateway::stripe`.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};
use serde_json::Value;

use crate::gateway::GatewayError;

/// Reads a whole answer (or one item of a list) as `T`.
pub(super) fn read<T: DeserializeOwned>(json: Value) -> Result<T, GatewayError> {
    T::deserialize(json).map_err(|_| GatewayError::MalformedResponse)
}

/// One field, or `None` when it is missing, null or of another type.
fn lenient<'de, D: Deserializer<'de>, T: DeserializeOwned>(d: D) -> Result<Option<T>, D::Error> {
    Ok(T::deserialize(Value::deserialize(d)?).ok())
}

/// A struct of Stripe's whose every field is an `Option` read by
/// [`lenient`].
macro_rules! answer {
    ($(#[$meta:meta])* $name:ident { $($(#[$fmeta:meta])* $field:ident: $ty:ty,)* }) => {
        $(#[$meta])*
        #[derive(Default, Deserialize)]
        pub(super) struct $name {
            $($(#[$fmeta])* #[serde(default, deserialize_with = "lenient")] pub(super) $field: Option<$ty>,)*
        }
    };
}

/// A Stripe object, known by its id.
pub(super) trait StripeObject {
    fn id(&self) -> Option<&str>;
}

macro_rules! stripe_object {
    ($($name:ident),*) => {
        $(impl StripeObject for $name {
            fn id(&self) -> Option<&str> {
                self.id.as_deref()
            }
        })*
    };
}

/// A field Stripe sends as an id, or as the object when it is expanded.
pub(super) enum Expandable<T> {
    Id(String),
    Object(T),
}

impl<'de, T: DeserializeOwned> Deserialize<'de> for Expandable<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match Value::deserialize(d)? {
            Value::String(id) => Ok(Self::Id(id)),
            object @ Value::Object(_) => T::deserialize(object)
                .map(Self::Object)
                .map_err(serde::de::Error::custom),
            _ => Err(serde::de::Error::custom("neither an id nor an object")),
        }
    }
}

impl<T> Expandable<T> {
    pub(super) fn object(&self) -> Option<&T> {
        match self {
            Self::Object(o) => Some(o),
            Self::Id(_) => None,
        }
    }
}

impl<T: StripeObject> Expandable<T> {
    pub(super) fn id(&self) -> Option<&str> {
        match self {
            Self::Id(id) => Some(id),
            Self::Object(o) => o.id(),
        }
    }
}

/// A page of a list (`GET /v1/…`).
#[derive(Deserialize)]
#[serde(bound = "T: DeserializeOwned")]
pub(super) struct List<T> {
    #[serde(default = "Option::default", deserialize_with = "lenient")]
    pub(super) data: Option<Vec<T>>,
    #[serde(default, deserialize_with = "lenient")]
    pub(super) has_more: Option<bool>,
}

#[derive(Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(super) enum IntentStatus {
    RequiresPaymentMethod,
    RequiresConfirmation,
    RequiresAction,
    Processing,
    RequiresCapture,
    Canceled,
    Succeeded,
    #[serde(other)]
    Other,
}

#[derive(Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(super) enum RefundStatus {
    Succeeded,
    Pending,
    RequiresAction,
    Failed,
    Canceled,
    #[serde(other)]
    Other,
}

answer! {
    PaymentIntent {
        id: String,
        amount: i64,
        currency: String,
        status: IntentStatus,
        amount_received: i64,
        created: i64,
        latest_charge: Expandable<Charge>,
        payment_method: Expandable<PaymentMethod>,
        last_payment_error: ApiError,
        payment_method_types: Vec<String>,
        metadata: Metadata,
    }
}

answer! {
    /// The keys the terminal writes into `metadata`.
    Metadata {
        sale_id: String,
        terminal_id: String,
        till_name: String,
        staff_id: String,
        audit_head: String,
        refund_id: String,
    }
}

answer! {
    Charge {
        amount: i64,
        amount_captured: i64,
        amount_refunded: i64,
        outcome: RiskOutcome,
        payment_method_details: PaymentMethodDetails,
    }
}

answer! {
    /// Stripe's risk evaluation of a charge.
    RiskOutcome {
        network_status: String,
        risk_level: String,
        seller_message: String,
        rule: Expandable<Ref>,
    }
}

answer! {
    PaymentMethodDetails {
        /// A keyed card.
        card: Card,
        /// A card read on a reader.
        card_present: Card,
    }
}

answer! {
    Card {
        brand: String,
        last4: String,
        exp_month: u64,
        exp_year: u64,
        read_method: String,
        receipt: EmvReceipt,
        authorization_code: String,
        checks: CardChecks,
        /// A card-present authorisation's deadline, Unix seconds.
        capture_before: i64,
    }
}

answer! {
    /// The card networks' receipt fields of a card read on a reader.
    EmvReceipt {
        application_preferred_name: String,
        dedicated_file_name: String,
        account_type: String,
        authorization_code: String,
        authorization_response_code: String,
        cardholder_verification_method: String,
    }
}

answer! {
    CardChecks {
        cvc_check: String,
        address_postal_code_check: String,
    }
}

answer! {
    PaymentMethod {
        id: String,
        card: Card,
    }
}

answer! {
    Refund {
        id: String,
        amount: i64,
        currency: String,
        status: RefundStatus,
        failure_reason: String,
        created: i64,
        payment_intent: String,
        metadata: Metadata,
    }
}

answer! {
    /// The body of an error answer.
    ErrorBody {
        error: ApiError,
    }
}

answer! {
    ApiError {
        code: String,
        decline_code: String,
        payment_intent: Expandable<Ref>,
    }
}

answer! {
    /// Any object, by its id only.
    Ref {
        id: String,
    }
}

answer! {
    /// A card reader (Stripe Terminal).
    Reader {
        id: String,
        label: String,
        status: String,
        device_type: String,
        action: ReaderAction,
    }
}

answer! {
    /// What a reader is doing.
    ReaderAction {
        r#type: String,
        status: String,
        failure_code: String,
        process_payment_intent: ProcessIntent,
    }
}

answer! {
    ProcessIntent {
        payment_intent: Expandable<Ref>,
    }
}

stripe_object!(PaymentIntent, PaymentMethod, Refund, Ref, Reader);

/// The endpoint with ids replaced (`v1/payment_intents/{id}/capture`):
/// gateway ids are sealed at rest, so they stay out of the logs too.
pub(super) fn endpoint_label(path: &str) -> String {
    path.split('/')
        .map(|seg| {
            let is_id = seg.split_once('_').is_some_and(|(prefix, rest)| {
                prefix.len() <= 6 && rest.len() >= 8 && rest.chars().all(|c| c.is_ascii_alphanumeric())
            });
            if is_id {
                "{id}"
            } else {
                seg
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// Ids go into URL paths: only Stripe's id alphabet is accepted.
pub(super) fn path_id(id: &str) -> Option<&str> {
    (!id.is_empty() && id.len() <= 255 && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')).then_some(id)
}
