//! Roles, PINs, delays and lockouts against a real SQLite file.

use std::sync::atomic::{AtomicI64, Ordering};

use super::sign_in::{Gate, STALE_CHECK_MS};
use super::*;
use argon2::password_hash::PasswordHash;

struct FakeClock(AtomicI64);
impl Clock for FakeClock {
    fn now_ms(&self) -> i64 {
        self.0.load(Ordering::SeqCst)
    }
}
impl FakeClock {
    fn advance(&self, ms: i64) {
        self.0.fetch_add(ms, Ordering::SeqCst);
    }
}

fn setup() -> (TerminalDb, tempfile::TempDir, Staff) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let db = TerminalDb::open(&dir.path().join("t.sqlite3")).expect("a fresh database");
    (db, dir, Staff::new(SecretBox::new(Box::new([5u8; 32]))))
}

fn pin(p: &str) -> SecretString {
    SecretString::from(p.to_string())
}

#[test]
fn permission_matrix() {
    use Permission::*;
    for p in Permission::ALL {
        let cashier = matches!(p, Charge | CancelCharge | ListSales | Refund | ResolveInDoubt);
        assert_eq!(Role::Cashier.allows(p), cashier, "cashier {p:?}");
        assert!(Role::Manager.allows(p), "manager {p:?}");
        assert_eq!(
            Role::Support.allows(p),
            matches!(p, ExportBundle | VerifyAudit),
            "support {p:?}"
        );
    }
}

#[test]
fn owner_once_and_pins_checked() -> Result<(), AuthError> {
    let (db, _d, staff) = setup();
    assert!(matches!(
        staff.create_owner(&db, "Ann", &pin("12345")),
        Err(AuthError::WeakPin)
    ));
    assert!(matches!(
        staff.create_owner(&db, "Ann", &pin("12345a")),
        Err(AuthError::WeakPin)
    ));
    assert!(matches!(
        staff.create_owner(&db, "'; DROP TABLE staff; --", &pin("123456")),
        Err(AuthError::BadName)
    ));
    let owner = staff.create_owner(&db, "Ann", &pin("424242"))?;
    assert_eq!(owner.role, Role::Manager);
    assert!(matches!(
        staff.create_owner(&db, "Bob", &pin("123456")),
        Err(AuthError::OwnerExists)
    ));
    assert!(matches!(
        staff.create(&db, "ann", Role::Cashier, &pin("123456")),
        Err(AuthError::NameTaken)
    ));
    let clock = SystemClock;
    assert_eq!(
        staff.sign_in(&db, &clock, "Ann", &pin("424242"))?.staff_id,
        owner.staff_id
    );
    assert!(matches!(
        staff.sign_in(&db, &clock, "Nobody", &pin("424242")),
        Err(AuthError::WrongPin)
    ));
    // The stored hash is Argon2id with the required cost.
    let hash: String = db.conn().query_row("SELECT pin_hash FROM staff", [], |r| r.get(0))?;
    assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{hash}");
    assert!(!hash.contains("424242"));
    Ok(())
}

#[test]
fn lockout_timeline_with_a_fake_clock() -> Result<(), AuthError> {
    let (db, _d, staff) = setup();
    staff.create_owner(&db, "Ann", &pin("424242"))?;
    staff.create(&db, "Cas", Role::Cashier, &pin("111111"))?;
    let clock = FakeClock(AtomicI64::new(1_000_000));
    let mut locked_at = None;
    for attempt in 1..=LOCKOUT_AFTER {
        // Wait out any delay so every attempt is really checked.
        clock.advance(400_000);
        match staff.sign_in(&db, &clock, "Cas", &pin("000000")) {
            Err(AuthError::WrongPin) => assert!(attempt < LOCKOUT_AFTER),
            Err(AuthError::LockedOut(_)) => {
                locked_at = Some(attempt);
                break;
            }
            other => panic!("attempt {attempt}: {other:?}"),
        }
    }
    assert_eq!(locked_at, Some(LOCKOUT_AFTER), "locked at the tenth failure");
    // Even the right PIN is refused while locked: at 29:59 still locked.
    clock.advance(LOCKOUT_MS - 1_000);
    assert!(matches!(
        staff.sign_in(&db, &clock, "Cas", &pin("111111")),
        Err(AuthError::LockedOut(1))
    ));
    // At 30:00 it opens.
    clock.advance(1_000);
    assert_eq!(staff.sign_in(&db, &clock, "Cas", &pin("111111"))?.role, Role::Cashier);
    Ok(())
}

#[test]
fn increasing_delay_and_manager_unlock() -> Result<(), AuthError> {
    let (db, _d, staff) = setup();
    let owner = staff.create_owner(&db, "Ann", &pin("424242"))?;
    let cashier = staff.create(&db, "Cas", Role::Cashier, &pin("111111"))?;
    let clock = FakeClock(AtomicI64::new(1_000_000));
    for _ in 0..FREE_ATTEMPTS {
        assert!(matches!(
            staff.sign_in(&db, &clock, "Cas", &pin("000000")),
            Err(AuthError::WrongPin)
        ));
    }
    // The fourth try comes too soon: told to wait, and not even checked.
    assert!(matches!(
        staff.sign_in(&db, &clock, "Cas", &pin("111111")),
        Err(AuthError::SlowDown(2))
    ));
    clock.advance(2_000);
    assert!(matches!(
        staff.sign_in(&db, &clock, "Cas", &pin("000000")),
        Err(AuthError::WrongPin)
    ));
    assert!(matches!(
        staff.sign_in(&db, &clock, "Cas", &pin("111111")),
        Err(AuthError::SlowDown(4))
    ));
    // A cashier cannot unlock; a manager can.
    assert!(matches!(
        staff.unlock(&db, &cashier, "Cas"),
        Err(AuthError::Forbidden(_))
    ));
    staff.unlock(&db, &owner, "Cas")?;
    assert_eq!(staff.sign_in(&db, &clock, "Cas", &pin("111111"))?.name, "Cas");
    Ok(())
}

/// Every answer of a sequence of sign-ins, as a comparable word.
fn answers(staff: &Staff, db: &TerminalDb, clock: &FakeClock, name: &str, p: &str, waits: &[i64]) -> Vec<String> {
    waits
        .iter()
        .map(|w| {
            clock.advance(*w);
            match staff.sign_in(db, clock, name, &pin(p)) {
                Ok(_) => "ok".to_string(),
                Err(e) => e.to_string(),
            }
        })
        .collect()
}

#[test]
fn unknown_disabled_and_wrong_answer_alike() -> Result<(), AuthError> {
    let (db, _d, staff) = setup();
    let owner = staff.create_owner(&db, "Ann", &pin("424242"))?;
    staff.create(&db, "Cas", Role::Cashier, &pin("111111"))?;
    staff.create(&db, "Dis", Role::Cashier, &pin("333333"))?;
    staff.set_active(&db, &owner, "Dis", false)?;
    // Three quick failures, a too-early try, then waits long enough for
    // every delay until the lockout, and one more.
    let mut waits = vec![0, 0, 0, 0];
    waits.extend([400_000; 8]);
    let clock = FakeClock(AtomicI64::new(1_000_000));
    let known = answers(&staff, &db, &clock, "Cas", "000000", &waits);
    assert_eq!(known[2], AuthError::WrongPin.to_string());
    assert_eq!(known[3], AuthError::SlowDown(2).to_string());
    assert_eq!(known[9], AuthError::WrongPin.to_string(), "{known:?}");
    assert_eq!(known[10], AuthError::LockedOut(30).to_string(), "{known:?}");
    for (name, p) in [
        ("Nobody", "000000"),
        ("Dis", "000000"),
        ("Dis", "333333"),
        ("  DIS ", "333333"),
    ] {
        let (db, _d, staff2) = setup();
        let owner = staff2.create_owner(&db, "Ann", &pin("424242"))?;
        staff2.create(&db, "Dis", Role::Cashier, &pin("333333"))?;
        staff2.set_active(&db, &owner, "Dis", false)?;
        let clock = FakeClock(AtomicI64::new(1_000_000));
        assert_eq!(answers(&staff2, &db, &clock, name, p, &waits), known, "{name} {p}");
    }
    Ok(())
}

#[test]
fn the_dummy_hash_costs_what_a_real_one_does() -> Result<(), AuthError> {
    let (_db, _d, staff) = setup();
    let real = staff.hash(&pin("123456"))?;
    let real = PasswordHash::new(&real).map_err(|_| AuthError::WeakPin)?;
    let dummy = PasswordHash::new(DUMMY_HASH).map_err(|_| AuthError::WeakPin)?;
    assert_eq!(real.algorithm, dummy.algorithm);
    assert_eq!(real.version, dummy.version);
    assert_eq!(real.params, dummy.params);
    assert_eq!(real.hash.map(|h| h.len()), dummy.hash.map(|h| h.len()));
    Ok(())
}

#[test]
fn parallel_failures_are_each_counted() -> Result<(), AuthError> {
    let (db, dir, staff) = setup();
    staff.create_owner(&db, "Ann", &pin("424242"))?;
    staff.create(&db, "Cas", Role::Cashier, &pin("111111"))?;
    let path = dir.path().join("t.sqlite3");
    let clock = FakeClock(AtomicI64::new(1_000_000));
    let outcomes: Vec<String> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..8)
            .map(|_| {
                s.spawn(|| {
                    // A connection of its own, as another process has.
                    let db = TerminalDb::open(&path).map_err(|e| e.to_string())?;
                    staff
                        .sign_in(&db, &clock, "Cas", &pin("000000"))
                        .map(|_| "ok".to_string())
                        .or_else(|e| Ok::<_, String>(e.to_string()))
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err("panicked".into()))
                    .unwrap_or_else(|e| e)
            })
            .collect()
    });
    let wrong = outcomes
        .iter()
        .filter(|o| **o == AuthError::WrongPin.to_string())
        .count();
    let slow = outcomes.iter().filter(|o| o.starts_with("Too many wrong PINs")).count();
    assert_eq!((wrong, slow), (3, 5), "{outcomes:?}");
    assert_eq!(staff.list(&db, clock.now_ms())?[1].failed_attempts, 3);
    Ok(())
}

#[test]
fn the_terminal_wide_rate_counts_checked_failures_only() -> Result<(), AuthError> {
    let (db, _d, staff) = setup();
    staff.create_owner(&db, "Ann", &pin("424242"))?;
    let clock = FakeClock(AtomicI64::new(1_000_000));
    // Right PINs do not use up the terminal's budget.
    for _ in 0..30 {
        staff.sign_in(&db, &clock, "Ann", &pin("424242"))?;
    }
    for i in 0..ATTEMPTS_PER_MINUTE {
        assert!(matches!(
            staff.sign_in(&db, &clock, &format!("Nobody {i}"), &pin("000000")),
            Err(AuthError::WrongPin)
        ));
    }
    assert!(matches!(
        staff.sign_in(&db, &clock, "Ann", &pin("424242")),
        Err(AuthError::TooManyAttempts)
    ));
    clock.advance(60_000);
    assert_eq!(staff.sign_in(&db, &clock, "Ann", &pin("424242"))?.name, "Ann");
    Ok(())
}

#[test]
fn counts_kept_by_an_older_version_still_hold() -> Result<(), AuthError> {
    let dir = tempfile::tempdir().map_err(|e| StoreError::Database(e.to_string()))?;
    let path = dir.path().join("t.sqlite3");
    let staff = Staff::new(SecretBox::new(Box::new([5u8; 32])));
    {
        // The first schema, with a cashier three failures in.
        let mut conn = rusqlite::Connection::open(&path)?;
        crate::store::terminal_migrations()
            .to_version(&mut conn, 1)
            .map_err(|e| StoreError::Migration(e.to_string()))?;
        conn.execute(
            "INSERT INTO staff (id, name, role, pin_hash, failed_attempts, last_failure_ms, created_at_ms)
             VALUES ('c', 'Cas', 'cashier', ?1, 3, 1000000, 0)",
            params![staff.hash(&pin("111111"))?],
        )?;
    }
    let db = TerminalDb::open(&path)?;
    let clock = FakeClock(AtomicI64::new(1_000_500));
    assert_eq!(staff.list(&db, clock.now_ms())?[0].failed_attempts, 3);
    assert!(matches!(
        staff.sign_in(&db, &clock, "Cas", &pin("111111")),
        Err(AuthError::SlowDown(2))
    ));
    clock.advance(2_000);
    assert_eq!(staff.sign_in(&db, &clock, "cas", &pin("111111"))?.name, "Cas");
    assert_eq!(staff.list(&db, clock.now_ms())?[0].failed_attempts, 0);
    Ok(())
}

#[test]
fn no_typed_name_is_stored() -> Result<(), AuthError> {
    let (db, dir, staff) = setup();
    let clock = FakeClock(AtomicI64::new(1_000_000));
    let _ = staff.sign_in(&db, &clock, "Zebedee Quux", &pin("000000"));
    drop(db);
    for entry in std::fs::read_dir(dir.path()).map_err(|e| StoreError::Database(e.to_string()))? {
        let bytes = std::fs::read(entry.map_err(|e| StoreError::Database(e.to_string()))?.path())
            .map_err(|e| StoreError::Database(e.to_string()))?;
        assert!(!bytes.windows(7).any(|w| w.eq_ignore_ascii_case(b"zebedee")));
    }
    Ok(())
}

#[test]
fn parallel_right_pins_all_get_in() -> Result<(), AuthError> {
    let (db, dir, staff) = setup();
    staff.create_owner(&db, "Ann", &pin("424242"))?;
    let path = dir.path().join("t.sqlite3");
    let clock = FakeClock(AtomicI64::new(1_000_000));
    let signed_in = std::thread::scope(|s| {
        let handles: Vec<_> = (0..8)
            .map(|_| {
                s.spawn(|| {
                    let db = TerminalDb::open(&path).map_err(|e| e.to_string())?;
                    staff
                        .sign_in(&db, &clock, "Ann", &pin("424242"))
                        .map_err(|e| e.to_string())
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().map_err(|_| "panicked".to_string()).and_then(|r| r))
            .collect::<Vec<_>>()
    });
    assert!(signed_in.iter().all(Result::is_ok), "{signed_in:?}");
    Ok(())
}

#[test]
fn a_check_cut_off_counts_as_a_failure() -> Result<(), AuthError> {
    let (db, _d, staff) = setup();
    staff.create_owner(&db, "Ann", &pin("424242"))?;
    let clock = FakeClock(AtomicI64::new(1_000_000));
    // Three checks begin and their process dies before the hash ends.
    for _ in 0..FREE_ATTEMPTS {
        assert!(matches!(
            staff.begin_check(&db, clock.now_ms(), "Ann", &staff.name_key("Ann"))?,
            Gate::Go(..)
        ));
    }
    clock.advance(STALE_CHECK_MS);
    // Now three failures: the right PIN must wait.
    assert!(matches!(
        staff.sign_in(&db, &clock, "Ann", &pin("424242")),
        Err(AuthError::SlowDown(_))
    ));
    assert_eq!(staff.list(&db, clock.now_ms())?[0].failed_attempts, 3);
    Ok(())
}

/// Each role has its own word in every language's catalog, never an id or a
/// blank shown where a person's role belongs.
#[test]
fn each_role_is_named_by_the_catalog() {
    use crate::locale::Language;
    for language in [Language::En, Language::Fr, Language::De, Language::Es] {
        let words = crate::messages::Catalog::of(language);
        let names: Vec<String> = [Role::Cashier, Role::Manager, Role::Support]
            .into_iter()
            .map(|role| words.text(role.message_id()))
            .collect();
        for (role, name) in [Role::Cashier, Role::Manager, Role::Support].iter().zip(&names) {
            assert!(
                !name.trim().is_empty() && name != role.message_id(),
                "{language:?} {role:?}: {name:?}"
            );
        }
        let distinct: std::collections::BTreeSet<_> = names.iter().collect();
        assert_eq!(distinct.len(), 3, "{language:?}: {names:?}");
    }
    assert_eq!(crate::messages::english().text(Role::Manager.message_id()), "manager");
}
