//! The deliveries both benchmarks parse, and serde's derive to compare with.

use emma_events::{MemberAddToGroup, MessageClick};
use serde::Deserialize;

/// The same deliveries through serde's derive, for comparison (two variants suffice: the
/// derive's cost is in how it reads `data`, not in how many variants it has).
#[derive(Deserialize)]
#[serde(tag = "event_name", content = "data")]
#[allow(dead_code)] // The variants are only built, never read.
pub enum DerivedAdjacentlyTagged {
    #[serde(rename = "message_click")]
    MessageClick(MessageClick),
    #[serde(rename = "member_add_to_group")]
    MemberAddToGroup(MemberAddToGroup),
}

pub fn deliveries() -> Vec<(&'static str, String)> {
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
