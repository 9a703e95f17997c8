//! Operations in flight, across processes: while a till waits for the
//! gateway's answer to a sale, refund, capture or void, an OS file lock says
//! so, and recovery in any process leaves that operation alone.

use std::path::PathBuf;

use super::{Result, Store, StoreError};

/// Proof that this process has an operation (a sale, refund, capture or
/// void, by id) in flight: an exclusive OS lock on a file named for it.
/// Recovery in any process (which takes the same hold first) leaves such an
/// operation alone: it is not interrupted, only slow. The OS drops the lock
/// when the process dies, so a crash hands the operation to recovery.
#[derive(Debug)]
pub struct InFlight {
    _file: std::fs::File,
    path: PathBuf,
}

impl Drop for InFlight {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

impl Store {
    /// Marks operation `id` in flight in this process until the returned
    /// guard is dropped. Taken before the operation is journaled.
    pub fn hold_in_flight(&self, id: &str) -> Result<InFlight> {
        std::fs::create_dir_all(&self.inflight_dir)
            .map_err(|e| StoreError::Database(format!("in-flight folder: {}", e.kind())))?;
        let path = self.inflight_dir.join(id);
        let file = std::fs::File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| StoreError::Database(format!("in-flight lock: {}", e.kind())))?;
        match file.try_lock() {
            Ok(()) => Ok(InFlight { _file: file, path }),
            Err(std::fs::TryLockError::WouldBlock) => Err(StoreError::Database(
                "another process is already working on this payment".into(),
            )),
            Err(std::fs::TryLockError::Error(e)) => Err(StoreError::Database(format!("in-flight lock: {}", e.kind()))),
        }
    }
}
