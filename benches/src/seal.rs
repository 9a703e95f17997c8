//! Sealing one field and bulk data, against `ring`'s ChaCha20-Poly1305.
//!
//! Same work on both sides: both draw their nonce from the same user-space
//! generator (`rand::thread_rng`, the one the sealer uses), both bind
//! associated data and copy the result into a fresh buffer. A second row
//! leaves the nonce draw out of both, and the floor row is what the cipher
//! alone costs per byte on this CPU (ring over 1 MiB).

use std::hint::black_box;

use merchant_core::vault::Cell;
use rand::RngCore;

use crate::figure::{cpu_ghz, ns_per_op, Report, Target};

fn ring_key() -> ring::aead::LessSafeKey {
    match ring::aead::UnboundKey::new(&ring::aead::CHACHA20_POLY1305, &[7u8; 32]) {
        Ok(k) => ring::aead::LessSafeKey::new(k),
        Err(_) => unreachable!("a 32-byte key"),
    }
}

fn ring_seal(key: &ring::aead::LessSafeKey, nonce: [u8; 12], ad: &[u8], data: &[u8]) -> Vec<u8> {
    let mut buf = Vec::with_capacity(data.len() + 16);
    buf.extend_from_slice(data);
    match key.seal_in_place_append_tag(
        ring::aead::Nonce::assume_unique_for_key(nonce),
        ring::aead::Aad::from(ad),
        &mut buf,
    ) {
        Ok(()) => buf,
        Err(_) => crate::figure::fail("ring seal", "failed"),
    }
}

pub fn run(report: &mut Report) {
    let s = crate::sealer();
    let key = ring_key();
    let field = [0x41u8; 64];
    let cell = Cell::new("sales", "description", "01a2b3c4-0000-7000-8000-000000000000");
    // The sealer binds a label, table, column, row id and key version as
    // associated data: the same number of bytes on the ring side.
    let ad = &[0x61u8; 26 + 4 + 5 + 4 + 11 + 4 + 36 + 4];
    // A sealed field must open again: a benchmark of a broken sealer stops.
    let sealed = s.seal(cell, &field);
    crate::figure::ok("open what was sealed", s.open(cell, &sealed));
    const N: usize = 100_000;
    let ours = ns_per_op(N, || {
        for _ in 0..N {
            black_box(s.seal(cell, black_box(&field)));
        }
    });
    let mut rng = rand::thread_rng();
    let base = ns_per_op(N, || {
        for _ in 0..N {
            let mut nonce = [0u8; 12];
            rng.fill_bytes(&mut nonce);
            black_box(ring_seal(&key, nonce, ad, black_box(&field)));
        }
    });
    report.add(
        "seal one 64-byte field, nonce drawn from the same generator on both sides",
        (ours, base),
        "ring ChaCha20-Poly1305",
        "ns",
        Target::RatioAndAtMost(3.0, 1000.0),
    );
    let nonce24 = [9u8; 24];
    let ours_fixed = ns_per_op(N, || {
        for _ in 0..N {
            black_box(s.seal_with_nonce(cell, black_box(&field), &nonce24));
        }
    });
    let base_fixed = ns_per_op(N, || {
        for _ in 0..N {
            black_box(ring_seal(&key, [9u8; 12], ad, black_box(&field)));
        }
    });
    report.add(
        "seal one 64-byte field, nonce draw left out of both",
        (ours_fixed, base_fixed),
        "ring ChaCha20-Poly1305",
        "ns",
        Target::Info,
    );

    // Bulk: 1 MiB, the size class of support-bundle chunks and logs. The
    // ring figure is the cipher's floor per byte on this CPU.
    let big = vec![0x42u8; 1 << 20];
    const M: usize = 20;
    let ours = ns_per_op(M, || {
        for _ in 0..M {
            black_box(s.seal(cell, black_box(&big)));
        }
    });
    let base = ns_per_op(M, || {
        for _ in 0..M {
            black_box(ring_seal(&key, [1u8; 12], b"", black_box(&big)));
        }
    });
    let gbps = |ns: f64| (1u64 << 20) as f64 / ns;
    report.add(
        "seal 1 MiB (throughput; XChaCha20-Poly1305 vs ChaCha20-Poly1305)",
        (gbps(ours), gbps(base)),
        "ring",
        "GB/s",
        Target::Info,
    );
    let floor_ns = base / (1u64 << 20) as f64 * 64.0;
    let cycles = cpu_ghz().map(|ghz| base / (1u64 << 20) as f64 * ghz);
    report.add(
        format!(
            "seal one 64-byte field against the cipher's bulk floor for 64 bytes ({})",
            cycles.map_or("clock not reported".into(), |c| format!("{c:.2} cycles/byte"))
        ),
        (ours_fixed, floor_ns),
        "ring at 1 MiB speed",
        "ns",
        Target::Info,
    );
}
