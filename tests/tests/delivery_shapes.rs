//! What real deliveries look like beyond the page: keys in any order, unknown keys at both
//! levels, unknown events, `"all"` selections, nullable and optional fields.

use emma_events::runtime::Selection;
use emma_events::{Event, EventKind, MemberAdd, MemberStatus, MemberStatusUpdate};
use serde_json::{Value, json};

/// An event name no schema would declare (not a real-looking one such as `mailing_start`,
/// which the docs show how to add), so an unknown event stays unknown whatever the schema says.
const UNKNOWN_EVENT: &str = "no_schema_declares_this";

fn parse(text: &str) -> Event {
    Event::from_slice(text.as_bytes()).unwrap_or_else(|error| panic!("{error}\n{text}"))
}

#[test]
fn data_before_event_name_parses_the_same_as_after() {
    let first = parse(
        r#"{"event_name": "member_update", "data": {"member_id": 1, "account_id": 2, "timestamp": "@D:2017-12-21T11:01:11"}}"#,
    );
    let second = parse(
        r#"{"data": {"member_id": 1, "account_id": 2, "timestamp": "@D:2017-12-21T11:01:11"}, "event_name": "member_update"}"#,
    );
    assert_eq!(first, second);
    assert_eq!(second.kind(), Some(EventKind::MemberUpdate));
}

#[test]
fn unknown_keys_at_both_levels_are_kept_and_written_back() {
    let text = r#"{"event_name": "member_add", "resource_url": "https://api.e2ma.net/1/members/2",
        "data": {"member_id": 2, "account_id": 1, "timestamp": "@D:2017-12-21T11:01:11",
                 "signup_form_id": null, "source": {"deep": [1, {"x": null}]}}}"#;
    let event = parse(text);
    let Event::MemberAdd(member_add) = &event else {
        panic!("{event:?}")
    };
    assert_eq!(
        member_add.extra["source"].get(),
        r#"{"deep": [1, {"x": null}]}"#
    );
    assert_eq!(
        event.envelope()["resource_url"].parse::<String>().unwrap(),
        "https://api.e2ma.net/1/members/2"
    );
    let original: Value = serde_json::from_str(text).unwrap();
    assert_eq!(serde_json::to_value(&event).unwrap(), original);
}

/// The envelope is the delivery's: two deliveries of the same data with different top-level
/// keys hold equal data structs (which serialize as the same `data`) and unequal events (which
/// serialize differently), so that equality and serialization agree on both.
#[test]
fn equality_and_serialization_agree_on_the_data_and_on_the_delivery() {
    let data = r#""data": {"member_id": 2, "account_id": 1, "timestamp": "@D:2017-12-21T11:01:11", "signup_form_id": null}"#;
    let one = parse(&format!(
        r#"{{"event_name": "member_add", "resource_url": "https://a", {data}}}"#
    ));
    let other = parse(&format!(
        r#"{{"event_name": "member_add", "resource_url": "https://b", {data}}}"#
    ));
    let (Event::MemberAdd(first), Event::MemberAdd(second)) = (&one, &other) else {
        panic!("not member_add")
    };
    assert_eq!(first.data(), second.data());
    assert_eq!(
        serde_json::to_value(first.data()).unwrap(),
        serde_json::to_value(second.data()).unwrap()
    );
    assert_ne!(one, other);
    assert_ne!(
        serde_json::to_value(&one).unwrap(),
        serde_json::to_value(&other).unwrap()
    );
    assert_eq!(first.envelope()["resource_url"].get(), r#""https://a""#);
}

#[test]
fn extras_are_written_back_in_the_order_received_at_every_depth() {
    // Neither level is in sorted order, so a sorted map anywhere would show.
    let text = r#"{"event_name":"member_add","data":{"member_id":2,"account_id":1,"timestamp":"@D:2017-12-21T11:01:11","signup_form_id":null,"zeta":{"y":[{"b":1,"a":2}],"x":1.50},"alpha":null},"resource_url":"https://api.e2ma.net/1/members/2","a_last":true}"#;
    let event = parse(text);
    assert_eq!(serde_json::to_string(&event).unwrap(), text);
    let Event::MemberAdd(member_add) = &event else {
        panic!("{event:?}")
    };
    assert_eq!(
        member_add.extra.keys().collect::<Vec<_>>(),
        ["zeta", "alpha"]
    );
}

#[test]
fn an_unknown_event_keeps_its_name_and_data_verbatim() {
    assert!(UNKNOWN_EVENT.parse::<EventKind>().is_err());
    let text = &format!(
        r#"{{"event_name": "{UNKNOWN_EVENT}", "data": {{"mailing_id": 9, "nested": {{"a": [1, 2.5, "x"]}}}}, "extra": true}}"#
    );
    let event = parse(text);
    let Event::Unknown(unknown) = &event else {
        panic!("{event:?}")
    };
    assert_eq!(unknown.event_name, UNKNOWN_EVENT);
    assert_eq!(event.name(), UNKNOWN_EVENT);
    assert_eq!(event.kind(), None);
    assert_eq!(
        unknown.fields().unwrap()["nested"]
            .parse::<Value>()
            .unwrap(),
        json!({"a": [1, 2.5, "x"]})
    );
    assert_eq!(
        serde_json::to_value(&event).unwrap(),
        serde_json::from_str::<Value>(text).unwrap()
    );
}

#[test]
fn an_unknown_event_can_send_data_first() {
    assert!(UNKNOWN_EVENT.parse::<EventKind>().is_err());
    let event = parse(&format!(
        r#"{{"data": {{"x": 1}}, "event_name": "{UNKNOWN_EVENT}"}}"#
    ));
    assert_eq!(event.name(), UNKNOWN_EVENT);
    assert_eq!(event.kind(), None);
}

#[test]
fn selections_are_all_or_a_list_of_typed_ids() {
    let event = parse(
        r#"{"event_name": "member_status_update", "data": {"member_ids": "all", "account_id": 1, "new_status": "o", "timestamp": "@D:2017-12-21T11:01:11"}}"#,
    );
    let Event::MemberStatusUpdate(update) = event else {
        panic!()
    };
    let MemberStatusUpdate {
        member_ids,
        new_status,
        ..
    } = update.into_data();
    assert_eq!(member_ids, Selection::All);
    assert_eq!(new_status, MemberStatus::OptOut);
}

#[test]
fn member_status_keeps_values_it_does_not_know() {
    let text = r#"{"event_name": "member_status_update", "data": {"member_ids": [5], "account_id": 1, "new_status": "active", "timestamp": "@D:2017-12-21T11:01:11"}}"#;
    let event = parse(text);
    let Event::MemberStatusUpdate(update) = &event else {
        panic!()
    };
    assert!(
        matches!(&update.new_status, MemberStatus::Other(other) if other == "active"),
        "{:?}",
        update.new_status
    );
    assert_eq!(
        serde_json::to_value(&event).unwrap()["data"]["new_status"],
        "active"
    );
}

#[test]
fn a_nullable_field_is_none_when_null_and_written_back_as_null() {
    let event = parse(
        r#"{"event_name": "member_add", "data": {"member_id": 2, "account_id": 1, "timestamp": "@D:2017-12-21T11:01:11", "signup_form_id": null}}"#,
    );
    let Event::MemberAdd(member_add) = &event else {
        panic!()
    };
    let MemberAdd {
        signup_form_id,
        resource_url,
        group_ids,
        ..
    } = member_add.data();
    assert_eq!(*signup_form_id, None);
    assert_eq!(*resource_url, None);
    assert_eq!(*group_ids, None);
    let written = serde_json::to_value(&event).unwrap();
    assert_eq!(written["data"]["signup_form_id"], Value::Null);
    assert!(written["data"].get("resource_url").is_none());
}

#[test]
fn ids_use_the_whole_unsigned_64_bit_range() {
    let event = parse(&format!(
        r#"{{"event_name": "member_signup", "data": {{"account_id": {}, "member_id": 4294967296, "mailing_id": 0}}}}"#,
        u64::MAX
    ));
    let Event::MemberSignup(signup) = event else {
        panic!()
    };
    assert_eq!(signup.account_id.get(), u64::MAX);
    assert_eq!(signup.member_id.get(), 1 << 32);
}

#[test]
fn timestamps_keep_the_exact_string_and_offer_a_typed_view() {
    let event = parse(
        r#"{"event_name": "member_delete", "data": {"member_id": 2, "account_id": 1, "timestamp": "@D:2017-12-21T11:01:11"}}"#,
    );
    let Event::MemberDelete(delete) = event else {
        panic!()
    };
    assert_eq!(delete.timestamp.as_str(), "@D:2017-12-21T11:01:11");
    assert_eq!(
        delete.timestamp.to_datetime().unwrap().to_string(),
        "2017-12-21 11:01:11"
    );
}

#[test]
fn event_kind_lists_every_event_in_schema_order_and_round_trips_names() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../schema/events.toml");
    let schema = emma_schema::load(&path).unwrap_or_else(|error| panic!("{error}"));
    let declared: Vec<&str> = schema
        .events
        .iter()
        .map(|event| event.name.as_str())
        .collect();
    let listed: Vec<&str> = EventKind::ALL.iter().map(|kind| kind.as_str()).collect();
    assert_eq!(listed, declared);
    for kind in EventKind::ALL.iter().copied() {
        assert_eq!(kind.as_str().parse::<EventKind>(), Ok(kind));
        assert_eq!(kind.to_string(), kind.as_str());
    }
    assert_eq!(
        UNKNOWN_EVENT.parse::<EventKind>().unwrap_err().to_string(),
        format!("unknown event name `{UNKNOWN_EVENT}`")
    );
}

#[test]
fn deeply_nested_unknown_values_are_kept_as_text_without_recursing() {
    // Kept values are held as their text, as serde_json's `RawValue` reads them: without
    // recursion, so no depth can overflow the stack, and without a depth limit.
    assert!(UNKNOWN_EVENT.parse::<EventKind>().is_err());
    let depth = 100_000;
    let nested = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
    let text = format!(r#"{{"event_name": "{UNKNOWN_EVENT}", "data": {{"x": {nested}}}}}"#);
    let Event::Unknown(unknown) = Event::from_slice(text.as_bytes()).unwrap() else {
        panic!("not an unknown event")
    };
    assert_eq!(unknown.fields().unwrap()["x"].get(), nested);
    // Unclosed, it is still an error, not a crash.
    let unclosed = format!(
        r#"{{"event_name": "{UNKNOWN_EVENT}", "data": {{"x": {}}}}}"#,
        "[".repeat(depth)
    );
    assert!(Event::from_slice(unclosed.as_bytes()).is_err());
}

#[test]
fn very_large_unknown_values_are_kept() {
    let big = "x".repeat(8 << 20);
    let text = format!(
        r#"{{"event_name": "member_update", "data": {{"member_id": 1, "account_id": 2, "timestamp": "t", "blob": "{big}"}}}}"#
    );
    let Event::MemberUpdate(update) = parse(&text) else {
        panic!()
    };
    assert_eq!(
        update.extra["blob"]
            .parse::<String>()
            .map(|blob| blob.len())
            .ok(),
        Some(8 << 20)
    );
}
