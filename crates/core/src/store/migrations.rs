//! Schema history of the transaction cache. Append new migrations; never edit
//! a released one (the `validate()` test guards the list).
//!
//! Plain columns are what reports and the journal need (time, amount,
//! currency, status, kind, staff, idempotency key). Every `BLOB` column except
//! the blind index holds a sealed value (see `vault::seal`).

use rusqlite_migration::{Migrations, M};

pub fn migrations() -> Migrations<'static> {
    Migrations::new(vec![
        M::up(
            r#"
        CREATE TABLE sales (
            id               TEXT    PRIMARY KEY NOT NULL,
            terminal_id      TEXT    NOT NULL,
            kind             TEXT    NOT NULL CHECK (kind IN ('sale')),
            status           TEXT    NOT NULL CHECK (status IN
                                ('pending', 'authorized', 'approved', 'declined', 'failed', 'cancelled',
                                 'voided', 'in_doubt')),
            created_at_ms    INTEGER NOT NULL,
            updated_at_ms    INTEGER NOT NULL,
            amount_minor     INTEGER NOT NULL CHECK (amount_minor > 0),
            currency         TEXT    NOT NULL CHECK (length(currency) = 3),
            staff_id         TEXT,
            idempotency_key  TEXT    NOT NULL UNIQUE,
            source           TEXT    NOT NULL,
            capture_method   TEXT    NOT NULL CHECK (capture_method IN ('automatic', 'manual')),
            captured_minor   INTEGER CHECK (captured_minor >= 0),
            -- A capture or void journaled before its request: kind, key, amount.
            op_kind          TEXT    CHECK (op_kind IN ('capture', 'void')),
            op_key           TEXT    UNIQUE,
            op_amount_minor  INTEGER,
            -- The gateway's fraud/verification signals (JSON; no card data).
            risk             TEXT,
            outcome_code     TEXT,
            key_version      INTEGER NOT NULL,
            gateway_ref      BLOB,
            card_brand       BLOB,
            card_last4       BLOB,
            card_expiry      BLOB,
            description      BLOB,
            card_last4_bidx  BLOB
        ) STRICT;
        CREATE INDEX sales_by_time   ON sales (created_at_ms);
        CREATE INDEX sales_by_status ON sales (status, created_at_ms);
        CREATE INDEX sales_by_last4  ON sales (card_last4_bidx) WHERE card_last4_bidx IS NOT NULL;
        "#,
        ),
        // Refunds journal: like sales, written `pending` with its key before
        // the gateway is asked. `amount_minor` counts against the sale's
        // refundable amount while pending, in doubt or succeeded.
        M::up(
            r#"
        CREATE TABLE refunds (
            id               TEXT    PRIMARY KEY NOT NULL,
            sale_id          TEXT    NOT NULL REFERENCES sales (id),
            terminal_id      TEXT    NOT NULL,
            status           TEXT    NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed', 'in_doubt')),
            created_at_ms    INTEGER NOT NULL,
            updated_at_ms    INTEGER NOT NULL,
            amount_minor     INTEGER NOT NULL CHECK (amount_minor > 0),
            currency         TEXT    NOT NULL CHECK (length(currency) = 3),
            reason           TEXT    NOT NULL CHECK (reason IN ('requested_by_customer', 'duplicate', 'fraudulent')),
            staff_id         TEXT,
            idempotency_key  TEXT    NOT NULL UNIQUE,
            outcome_code     TEXT,
            key_version      INTEGER NOT NULL,
            gateway_ref      BLOB,
            note             BLOB
        ) STRICT;
        CREATE INDEX refunds_by_sale ON refunds (sale_id);
        CREATE INDEX refunds_by_time ON refunds (created_at_ms);
        "#,
        ),
        // Reports: a blind index of the card brand (group by brand without
        // opening every row), covering indexes for the day view, and the
        // close-of-day (Z) reports. A closing and the fingerprints of what it
        // covered can be written once and never changed; numbers run 1, 2, 3…
        // with no gap, enforced by SQLite itself.
        M::up(
            r#"
        ALTER TABLE sales ADD COLUMN card_brand_bidx BLOB;
        -- The report indexes lead with the time, so they serve time ranges
        -- too; one index fewer to maintain on every charge.
        DROP INDEX sales_by_time;
        DROP INDEX refunds_by_time;
        CREATE INDEX sales_report ON sales
            (created_at_ms, status, currency, amount_minor, captured_minor, staff_id, card_brand_bidx);
        CREATE INDEX refunds_report ON refunds (created_at_ms, status, currency, amount_minor, staff_id);
        CREATE TABLE closings (
            number        INTEGER PRIMARY KEY NOT NULL CHECK (number > 0),
            closed_at_ms  INTEGER NOT NULL,
            from_ms       INTEGER NOT NULL,
            to_ms         INTEGER NOT NULL CHECK (to_ms > from_ms),
            closed_by     TEXT    NOT NULL,
            time_zone     TEXT    NOT NULL,
            figures       TEXT    NOT NULL,
            covered_hash  TEXT    NOT NULL
        ) STRICT;
        CREATE TABLE closing_items (
            closing      INTEGER NOT NULL REFERENCES closings (number),
            kind         TEXT    NOT NULL CHECK (kind IN ('sale', 'refund')),
            id           TEXT    NOT NULL,
            fingerprint  TEXT    NOT NULL,
            PRIMARY KEY (closing, kind, id)
        ) STRICT, WITHOUT ROWID;
        CREATE TRIGGER closings_consecutive BEFORE INSERT ON closings
            WHEN NEW.number <> COALESCE((SELECT MAX(number) FROM closings), 0) + 1
              OR NEW.from_ms < COALESCE((SELECT MAX(to_ms) FROM closings), NEW.from_ms)
            BEGIN SELECT RAISE(ABORT, 'closings are numbered consecutively and never overlap'); END;
        CREATE TRIGGER closings_immutable_update BEFORE UPDATE ON closings
            BEGIN SELECT RAISE(ABORT, 'a closed day is immutable'); END;
        CREATE TRIGGER closings_immutable_delete BEFORE DELETE ON closings
            BEGIN SELECT RAISE(ABORT, 'a closed day is immutable'); END;
        CREATE TRIGGER closing_items_immutable_update BEFORE UPDATE ON closing_items
            BEGIN SELECT RAISE(ABORT, 'a closed day is immutable'); END;
        CREATE TRIGGER closing_items_immutable_delete BEFORE DELETE ON closing_items
            BEGIN SELECT RAISE(ABORT, 'a closed day is immutable'); END;
        "#,
        ),
        // Every cache key version this cache has had (see `store::rotation`).
        // Exactly one is current.
        M::up(
            r#"
        CREATE TABLE cache_keys (
            version        INTEGER PRIMARY KEY NOT NULL CHECK (version > 0),
            state          TEXT    NOT NULL CHECK (state IN ('current', 'retiring', 'retired', 'destroyed')),
            created_at_ms  INTEGER NOT NULL,
            retired_at_ms  INTEGER
        ) STRICT;
        CREATE UNIQUE INDEX cache_keys_one_current ON cache_keys (state) WHERE state = 'current';
        "#,
        ),
        // A refund carries its sale's brand blind index, so the day view
        // reads refunds from one covering index instead of joining every
        // refund to its sale. The last-4 index also holds the time, so a
        // search within a day fetches only the rows of that day.
        M::up(
            r#"
        DROP INDEX sales_by_last4;
        CREATE INDEX sales_by_last4 ON sales (card_last4_bidx, created_at_ms) WHERE card_last4_bidx IS NOT NULL;
        ALTER TABLE refunds ADD COLUMN card_brand_bidx BLOB;
        UPDATE refunds SET card_brand_bidx = (SELECT card_brand_bidx FROM sales WHERE sales.id = refunds.sale_id);
        DROP INDEX refunds_report;
        CREATE INDEX refunds_report ON refunds
            (created_at_ms, status, currency, amount_minor, staff_id, card_brand_bidx);
        "#,
        ),
        // When the gateway stops honouring an authorisation (Unix ms; card
        // reader authorisations lapse, Stripe's `capture_before`).
        M::up("ALTER TABLE sales ADD COLUMN capture_before_ms INTEGER;"),
        // Which key a version's blind index uses: 0, derived from the master
        // key alone (caches made before indexes were rotated); 1, bound to
        // that version's epoch like its cache key (see `store::rotation`).
        M::up(
            r#"
        ALTER TABLE cache_keys ADD COLUMN index_key INTEGER NOT NULL DEFAULT 0 CHECK (index_key IN (0, 1));
        "#,
        ),
        // The card networks' receipt fields of a payment (`CardReceipt` as
        // JSON), sealed like the card. Sales settled before have none.
        M::up("ALTER TABLE sales ADD COLUMN card_receipt BLOB;"),
        // Days of the shop's combined ledger that can no longer change at the
        // gateway, sealed whole (`store::shop_days`): a copy, dropped when
        // the cache key rotates.
        M::up(
            r#"
        CREATE TABLE shop_days (
            zone        TEXT    NOT NULL,
            day         TEXT    NOT NULL,
            ledger      BLOB    NOT NULL,
            kept_at_ms  INTEGER NOT NULL,
            PRIMARY KEY (zone, day)
        ) STRICT, WITHOUT ROWID;
        "#,
        ),
    ])
}

/// Schema history of `terminal.sqlite3` (staff and the audit log).
///
/// The audit table refuses UPDATE and DELETE with triggers: no code path
/// edits the trail, and a bug that tried would fail loudly. (Someone editing
/// the file directly is caught by the HMAC chain instead.)
pub fn terminal_migrations() -> Migrations<'static> {
    Migrations::new(vec![
        M::up(
            r#"
        CREATE TABLE staff (
            id               TEXT    PRIMARY KEY NOT NULL,
            name             TEXT    NOT NULL UNIQUE COLLATE NOCASE CHECK (length(name) BETWEEN 1 AND 40),
            role             TEXT    NOT NULL CHECK (role IN ('cashier', 'manager', 'support')),
            pin_hash         TEXT    NOT NULL,
            active           INTEGER NOT NULL DEFAULT 1,
            failed_attempts  INTEGER NOT NULL DEFAULT 0,
            last_failure_ms  INTEGER,
            locked_until_ms  INTEGER,
            created_at_ms    INTEGER NOT NULL
        ) STRICT;
        CREATE TABLE audit (
            seq      INTEGER PRIMARY KEY,
            at_ms    INTEGER NOT NULL,
            actor    TEXT,
            action   TEXT    NOT NULL,
            object   TEXT,
            outcome  TEXT    NOT NULL,
            origin   TEXT    NOT NULL,
            detail   TEXT,
            mac      BLOB    NOT NULL
        ) STRICT;
        CREATE TRIGGER audit_append_only_update BEFORE UPDATE ON audit
            BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
        CREATE TRIGGER audit_append_only_delete BEFORE DELETE ON audit
            BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
        "#,
        ),
        // Sign-in attempts, shared by every process on the terminal (see
        // `auth`). Failures are counted per typed name, known or not, under
        // an HMAC of the normalised name (never the name itself), so an
        // unknown name meets the same delays and lockout as a staff member's.
        // `pin_attempts` holds the times of wrong PINs for the terminal-wide
        // rate limit; `pin_checks` the checks running now (recorded before
        // the hash, so parallel guesses are seen). The `staff` columns of the
        // first schema are folded into these rows at a name's next sign-in.
        M::up(
            r#"
        CREATE TABLE pin_failures (
            name_key         BLOB    PRIMARY KEY NOT NULL CHECK (length(name_key) = 32),
            failed_attempts  INTEGER NOT NULL CHECK (failed_attempts >= 0),
            last_failure_ms  INTEGER,
            locked_until_ms  INTEGER
        ) STRICT, WITHOUT ROWID;
        CREATE TABLE pin_attempts (
            id     INTEGER PRIMARY KEY,
            at_ms  INTEGER NOT NULL
        ) STRICT;
        CREATE INDEX pin_attempts_by_time ON pin_attempts (at_ms);
        CREATE TABLE pin_checks (
            id        INTEGER PRIMARY KEY,
            name_key  BLOB    NOT NULL CHECK (length(name_key) = 32),
            at_ms     INTEGER NOT NULL
        ) STRICT;
        CREATE INDEX pin_checks_by_name ON pin_checks (name_key);
        -- Per-terminal rate limits (`store::rate`), e.g. charges a minute.
        CREATE TABLE rate_slots (
            id     INTEGER PRIMARY KEY,
            kind   TEXT    NOT NULL CHECK (kind IN ('charge')),
            at_ms  INTEGER NOT NULL
        ) STRICT;
        CREATE INDEX rate_slots_by_kind ON rate_slots (kind, at_ms);
        "#,
        ),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_valid() {
        assert_eq!(migrations().validate(), Ok(()));
        assert_eq!(terminal_migrations().validate(), Ok(()));
    }
}
