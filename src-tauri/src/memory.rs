//! How the window keeps its memory small over a day at the counter: glibc's
//! malloc with a fixed mmap threshold.
//!
//! By default glibc raises its mmap threshold each time a large mapped
//! block is freed, up to 32 MiB. The window frees such blocks early (argon2
//! frees 19 MiB at every login). After that, the blocks a printed paper
//! allocates and frees again (the font subsetter's ~230 KB, a deflate
//! state of ~380 KB) come from the heap instead of mappings of their own,
//! and the holes they leave are kept: measured, the app held 120 MiB of
//! anonymous memory after 101 intakes and a ledger export, against 63 MiB
//! with the threshold fixed at glibc's initial 128 KiB (docs/BENCHMARKS.md).
//! Fixing the threshold turns that adjustment off: every block from 128 KiB
//! up is its own mapping, given back to the system when freed.

/// glibc's own initial threshold.
const THRESHOLD: libc::c_int = 128 * 1024;

/// Fixes malloc's mmap threshold for this process. Called first thing in
/// `main`; an explicit `GLIBC_TUNABLES` threshold in the environment wins.
pub fn fix_malloc_threshold() {
    let tunables = std::env::var("GLIBC_TUNABLES").unwrap_or_default();
    if tunables.contains("glibc.malloc.mmap_threshold=") {
        return;
    }
    // SAFETY: mallopt(3) only sets a parameter of the allocator, under its
    // own lock; it has no precondition on the caller's memory. It returns
    // 0 on failure, which leaves glibc's defaults (nothing to undo).
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, THRESHOLD);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Bytes of the blocks malloc has given mappings of their own.
    fn mapped_bytes() -> usize {
        // SAFETY: mallinfo2(3) only reads the allocator's counters.
        unsafe { libc::mallinfo2() }.hblkhd
    }

    #[test]
    fn a_block_freed_early_does_not_move_later_blocks_onto_the_heap() {
        fix_malloc_threshold();
        // A large block freed, as argon2's at a login: with glibc's
        // default this raises the threshold to its size.
        drop(std::hint::black_box(vec![1u8; 24 << 20]));
        // A block the size of a deflate state is then still a mapping of
        // its own, not a piece of a heap.
        let before = mapped_bytes();
        let block = std::hint::black_box(vec![1u8; 380 * 1024]);
        let after = mapped_bytes();
        assert!(
            after >= before + block.len(),
            "a 380 KiB block was not given a mapping: {before} → {after} bytes mapped"
        );
    }
}
