//! What each way of reading a delivery allocates: the generated `Event` reader against serde's
//! adjacently tagged derive and a `serde_json::Value` tree, side by side.
//!
//! Allocation counts and bytes are exact (a counting global allocator), so unlike timings they
//! do not depend on what else the machine is doing. Run with
//! `cargo bench -p emma-events --bench allocations`.

use emma_events::Event;
use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicUsize, Ordering};
use support::{DerivedAdjacentlyTagged, deliveries};

mod support;

struct Counting;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);
static BYTES: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is forwarded unchanged to the system allocator; only counters are added.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        BYTES.fetch_add(layout.size(), Ordering::Relaxed);
        // SAFETY: the caller upholds `alloc`'s contract, which is passed on as is.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` was allocated by `System` with this layout, through `alloc` above.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        BYTES.fetch_add(new_size, Ordering::Relaxed);
        // SAFETY: the caller upholds `realloc`'s contract, which is passed on as is.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Allocations and bytes allocated while running `parse` once.
fn measure(parse: impl FnOnce()) -> (usize, usize) {
    let (allocations, bytes) = (
        ALLOCATIONS.load(Ordering::Relaxed),
        BYTES.load(Ordering::Relaxed),
    );
    parse();
    (
        ALLOCATIONS.load(Ordering::Relaxed) - allocations,
        BYTES.load(Ordering::Relaxed) - bytes,
    )
}

fn main() {
    println!(
        "{:<26} {:<32} {:>12} {:>10}",
        "delivery", "reader", "allocations", "bytes"
    );
    for (name, body) in deliveries() {
        let bytes = body.as_bytes();
        // Once before counting: the reader builds its search for a `data`-first delivery's
        // name once per thread (4 allocations), which a receiver pays once, not per delivery.
        drop(black_box(Event::from_slice(bytes).unwrap()));
        let rows = [
            (
                "emma_events::Event",
                measure(|| drop(black_box(Event::from_slice(bytes).unwrap()))),
            ),
            (
                "serde_derive_adjacently_tagged",
                measure(|| {
                    drop(black_box(
                        serde_json::from_slice::<DerivedAdjacentlyTagged>(bytes).unwrap(),
                    ))
                }),
            ),
            (
                "serde_json_value_tree",
                measure(|| {
                    drop(black_box(
                        serde_json::from_slice::<serde_json::Value>(bytes).unwrap(),
                    ))
                }),
            ),
        ];
        for (reader, (allocations, allocated)) in rows {
            println!("{name:<26} {reader:<32} {allocations:>12} {allocated:>10}");
        }
    }
}
