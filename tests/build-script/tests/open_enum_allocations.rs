//! An open enum reads a listed value without allocating: only an unlisted one is copied into
//! `Other`. Counted with a global allocator, in a test binary of its own.

use emma_build_script_test::parcel::Carrier;
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

struct Counting;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is forwarded to the system allocator unchanged; only a counter is added.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: the caller's guarantees for `layout` are passed on as they are.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` was allocated by `System` with `layout`, through `alloc` above.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// How many allocations reading `json` as a `Carrier` takes, and what it reads.
fn read(json: &str) -> (usize, Carrier) {
    let before = ALLOCATIONS.load(Ordering::Relaxed);
    let carrier: Carrier = serde_json::from_str(json).unwrap();
    (ALLOCATIONS.load(Ordering::Relaxed) - before, carrier)
}

#[test]
fn a_listed_value_is_read_without_allocating_and_an_unlisted_one_with_one_allocation() {
    // The test harness runs other tests on other threads; this binary has only this one.
    let (listed, carrier) = read(r#""ups""#);
    assert_eq!(carrier, Carrier::Ups);
    assert_eq!(listed, 0, "reading a listed value allocated");
    let (unlisted, carrier) = read(r#""fedex""#);
    assert_eq!(carrier.as_str(), "fedex");
    assert_eq!(unlisted, 1, "an unlisted value is copied once");
}
