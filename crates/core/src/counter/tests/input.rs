//! What a cashier asks for is checked before anything is written or sent:
//! amounts, text, currencies, payment method ids, test cards and phone
//! orders.

use super::*;

#[tokio::test]
async fn cad_on_the_reader_is_refused_in_training_as_in_live() -> Result<(), CounterError> {
    let dir = tempfile::tempdir().map_err(|_| CounterError::NothingToCancel)?;
    let c = counter(dir.path(), 1).await?;
    let r = c
        .charge(ChargeInput {
            currency: Some(Currency::Cad),
            ..input("10.00", SimulatedCard::Approve)
        })
        .await;
    assert!(matches!(&r, Err(CounterError::Input(InputError::CadOnReader))), "{r:?}");
    assert!(c.list_sales(0, i64::MAX)?.is_empty(), "nothing written");
    Ok(())
}

/// A phone order is checked before its card is asked for, by the same
/// rules as its charge: a bad amount or description, or a sale in doubt,
/// is said before the customer reads out a card. Its card comes later, so
/// the check does not ask for one (and a phone order in CAD is a card, not
/// the reader).
#[tokio::test]
async fn a_phone_order_is_checked_before_its_card_is_asked_for() -> Result<(), CounterError> {
    let dir = tempfile::tempdir().map_err(|_| CounterError::NothingToCancel)?;
    let c = counter(dir.path(), 1).await?;
    let phone = |amount: &str| ChargeInput {
        simulated_card: None,
        phone_order: true,
        ..input(amount, SimulatedCard::Approve)
    };
    c.check(&phone("18.00"))?;
    c.check(&ChargeInput {
        currency: Some(Currency::Cad),
        ..phone("18.00")
    })?;
    for bad in ["-1", "1e9", "12.345"] {
        let r = c.check(&phone(bad));
        assert!(matches!(r, Err(CounterError::Money(_))), "{bad}: {r:?}");
    }
    let r = c.check(&ChargeInput {
        description: Some("card 4242 4242 4242 4242".into()),
        ..phone("18.00")
    });
    assert!(
        matches!(r, Err(CounterError::Input(InputError::DescriptionCardNumber))),
        "{r:?}"
    );
    // The charge itself still wants the card.
    let r = c.charge(phone("18.00")).await;
    assert!(
        matches!(r, Err(CounterError::Input(InputError::PhoneOrderNeedsCard))),
        "{r:?}"
    );
    let sale = journaled_sale();
    let _held = c.store().hold_in_flight(&sale.id.to_string())?;
    c.store().insert_pending(&sale)?;
    let r = c.check(&phone("18.00"));
    assert!(matches!(r, Err(CounterError::InDoubt(1))), "{r:?}");
    assert_eq!(c.list_sales(0, i64::MAX)?.len(), 1, "a check writes nothing");
    Ok(())
}

#[tokio::test]
async fn bad_text_is_refused_before_anything_is_written() -> Result<(), CounterError> {
    let dir = tempfile::tempdir().map_err(|_| CounterError::NothingToCancel)?;
    let c = counter(dir.path(), 1).await?;
    let card_like = format!("{}{}", "4242".repeat(3), "4242");
    let groups = |sep: &str| {
        let g: Vec<&str> = (0..4).map(|i| &card_like[i * 4..i * 4 + 4]).collect();
        g.join(sep)
    };
    let full_width: String = groups(" ")
        .chars()
        .map(|c| c.to_digit(10).and_then(|d| char::from_u32(0xFF10 + d)).unwrap_or(c))
        .collect();
    let cases = [
        Some("x".repeat(10 * 1024 * 1024)),
        Some("line\nbreak".to_string()),
        Some(format!("card {card_like}")),
        // The same number however it is spelled (the detector's rule).
        Some(format!("Table 7 {}", groups(" "))),
        Some(groups(".")),
        Some(groups("  ")),
        Some(groups("\u{a0}")),
        Some(full_width),
        Some(format!("9{card_like}12")),
    ];
    for description in cases {
        let r = c
            .charge(ChargeInput {
                description,
                ..input("2", SimulatedCard::Approve)
            })
            .await;
        assert!(matches!(r, Err(CounterError::Input(_))), "{r:?}");
    }
    assert!(matches!(
        c.charge(input("-1", SimulatedCard::Approve)).await,
        Err(CounterError::Money(MoneyError::Negative))
    ));
    assert!(c.list_sales(0, i64::MAX)?.is_empty(), "refusals leave no rows");
    let sql = "'); DROP TABLE sales; --";
    let ok = c
        .charge(ChargeInput {
            description: Some(sql.into()),
            ..input("2", SimulatedCard::Approve)
        })
        .await?;
    assert_eq!(ok.description.as_deref(), Some(sql));
    Ok(())
}

/// A payment method id is the gateway's token and nothing else.
#[test]
fn only_payment_method_ids_are_taken() {
    assert!(check_payment_method_id("pm_card_visa").is_ok());
    for bad in [
        "tok_visa",
        "pm_card visa",
        "pm_",
        "card_4242",
        &format!("pm_{}", "a".repeat(100)),
    ] {
        assert!(check_payment_method_id(bad).is_err(), "{bad}");
    }
    assert!(
        check_payment_method_id(&format!("pm_{}", "4242".repeat(4))).is_err(),
        "a card number"
    );
}

/// The gateway's test cards are charged only with a test key: with any
/// other key, naming one is refused before anything is journaled, while a
/// card the hosted fields tokenised goes through.
#[tokio::test]
async fn a_test_card_needs_a_test_key_and_a_tokenised_card_does_not() -> Result<(), CounterError> {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let c = counter(dir.path(), 1).await?;
    assert!(!c.gateway().test_mode(), "the training gateway holds no test key");
    for card in TestCard::ALL {
        let refused = c
            .charge(ChargeInput {
                payment_method: Some(card.payment_method().into()),
                ..input("5.00", SimulatedCard::Approve)
            })
            .await;
        assert!(
            matches!(refused, Err(CounterError::Input(InputError::TestCardNeedsTestKey))),
            "{card:?}: {refused:?}"
        );
    }
    assert!(c.list_sales(0, i64::MAX)?.is_empty(), "nothing journaled");
    let keyed = c
        .charge(ChargeInput {
            payment_method: Some("pm_1QkZ2xExampleTokenised".into()),
            ..input("5.00", SimulatedCard::Approve)
        })
        .await?;
    assert_eq!(keyed.status, SaleStatus::Approved);
    Ok(())
}
