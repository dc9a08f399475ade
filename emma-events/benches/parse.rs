//! How fast deliveries parse, and what the generated `Event` reader saves over the
//! alternatives: serde's adjacently tagged derive (which buffers `data` into its private
//! `Content` tree when `data` comes first) and parsing into a `serde_json::Value` tree.
//!
//! Run with `cargo bench -p emma-events --bench parse`.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use emma_events::{Event, MemberAddToGroup, MessageClick};
use serde::Deserialize;
use std::hint::black_box;

/// The same deliveries through serde's derive, for comparison (two variants suffice: the
/// derive's cost is in how it reads `data`, not in how many variants it has).
#[derive(Deserialize)]
#[serde(tag = "event_name", content = "data")]
#[allow(dead_code)] // The variants are only built, never read.
enum DerivedAdjacentlyTagged {
    #[serde(rename = "message_click")]
    MessageClick(MessageClick),
    #[serde(rename = "member_add_to_group")]
    MemberAddToGroup(MemberAddToGroup),
}

fn deliveries() -> Vec<(&'static str, String)> {
    let ids: Vec<String> = (0..200)
        .map(|id| (6_120_458_131u64 + id).to_string())
        .collect();
    let group_data = format!(
        r#"{{"member_ids": [{}], "account_id": 1755030, "timestamp": "@D:2017-12-21T11:10:00", "group_ids": [5012, 5013]}}"#,
        ids.join(", ")
    );
    let click_data = r#"{"account_id": 1755030, "member_id": 6120458131, "mailing_id": 4296212601, "subject": "Our winter sale starts now", "timestamp": "@D:2017-12-21T11:03:40", "link_id": 8589934593}"#;
    vec![
        (
            "click/name_first",
            format!(r#"{{"event_name": "message_click", "data": {click_data}}}"#),
        ),
        (
            "click/data_first",
            format!(r#"{{"data": {click_data}, "event_name": "message_click"}}"#),
        ),
        (
            "group_200_ids/name_first",
            format!(r#"{{"event_name": "member_add_to_group", "data": {group_data}}}"#),
        ),
        (
            "group_200_ids/data_first",
            format!(r#"{{"data": {group_data}, "event_name": "member_add_to_group"}}"#),
        ),
    ]
}

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
