//! How fast deliveries parse, and what the generated `Event` reader saves over the
//! alternatives: serde's adjacently tagged derive (which buffers `data` into its private
//! `Content` tree when `data` comes first) and parsing into a `serde_json::Value` tree.
//!
//! Run with `cargo bench -p emma-events --bench parse`.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use emma_events::Event;
use std::hint::black_box;
use support::{DerivedAdjacentlyTagged, deliveries};

mod support;

fn parse(c: &mut Criterion) {
    let mut group = c.benchmark_group("parse");
    for (name, body) in deliveries() {
        group.throughput(Throughput::Bytes(body.len() as u64));
        group.bench_with_input(
            BenchmarkId::new("emma_events::Event", name),
            &body,
            |b, body| b.iter(|| Event::from_slice(black_box(body.as_bytes())).unwrap()),
        );
        group.bench_with_input(
            BenchmarkId::new("serde_derive_adjacently_tagged", name),
            &body,
            |b, body| {
                b.iter(|| {
                    serde_json::from_slice::<DerivedAdjacentlyTagged>(black_box(body.as_bytes()))
                        .unwrap()
                })
            },
        );
        group.bench_with_input(
            BenchmarkId::new("serde_json_value_tree", name),
            &body,
            |b, body| {
                b.iter(|| {
                    serde_json::from_slice::<serde_json::Value>(black_box(body.as_bytes())).unwrap()
                })
            },
        );
    }
    group.finish();
}

criterion_group!(benches, parse);
criterion_main!(benches);
