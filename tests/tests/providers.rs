//! Three providers beside Emma, each modelled on a public provider's published payloads
//! (`tests/fixtures/providers/`): a Standard-Webhooks-shaped billing provider (adjacent layout
//! with its own tag and content keys, a typed envelope field, string IDs, object types, a
//! recursive type, lists, maps, a closed enum, optional-and-nullable fields), a GitHub-style
//! code host (the event's name in an HTTP header) and a Slack-style chat provider (the tag
//! beside the fields). Every example round-trips, in its key order and in the awkward one.

mod billing {
    emma_runtime::include_events!("fixtures/providers/billing.toml");
}

mod code_host {
    emma_runtime::include_events!("fixtures/providers/code_host.toml");
}

mod chat {
    emma_runtime::include_events!("fixtures/providers/chat.toml");
}

use serde_json::{Value, json};

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|error| panic!("{error}: {text}"))
}

/// The same object with its keys in reverse order, as text.
fn reversed(value: &Value) -> String {
    let Value::Object(object) = value else {
        panic!("not an object: {value}");
    };
    let entries: Vec<String> = object
        .iter()
        .rev()
        .map(|(key, value)| format!("{}: {value}", Value::String(key.clone())))
        .collect();
    format!("{{{}}}", entries.join(", "))
}

#[test]
fn billing_examples_round_trip_in_both_key_orders() {
    for &kind in billing::EventKind::ALL {
        for text in kind.examples() {
            let expected = json(text);
            for order in [text.to_string(), reversed(&expected)] {
                let event = billing::Event::from_slice(order.as_bytes())
                    .unwrap_or_else(|error| panic!("{kind}: {error}\n{order}"));
                assert_eq!(event.kind(), Some(kind));
                assert_eq!(serde_json::to_value(&event).unwrap(), expected, "{order}");
            }
        }
    }
}

#[test]
fn billing_types_are_typed_at_every_depth() {
    let text = billing::EventKind::InvoicePaid.examples()[0];
    let billing::Event::InvoicePaid(paid) = billing::Event::from_slice(text.as_bytes()).unwrap()
    else {
        panic!("not invoice.paid");
    };
    let invoice = &paid.invoice;
    assert_eq!(invoice.id, billing::InvoiceId::from("in_1NxPqR2eZvKYlo2C"));
    assert_eq!(invoice.id.to_string(), "in_1NxPqR2eZvKYlo2C");
    assert_eq!(invoice.status, billing::InvoiceStatus::Paid);
    assert_eq!(invoice.lines[1].amount, -800);
    assert_eq!(invoice.lines[0].tax_rates.as_deref(), Some(&[25.0][..]));
    // A `number` is kept as received: the integer stays one, written back as `5000` where
    // an `f64` would write `5000.0`.
    let whole = invoice.lines[0].unit_price.as_ref().unwrap();
    assert_eq!(
        (whole.as_u64(), whole.to_string().as_str()),
        (Some(5000), "5000")
    );
    let part = invoice.lines[1].unit_price.as_ref().unwrap();
    assert_eq!(
        (part.as_f64(), part.to_string().as_str()),
        (Some(-8.5), "-8.5")
    );
    assert_eq!(invoice.customer.metadata["plan"], "pro");
    let address = invoice.customer.address.as_ref().unwrap().as_ref().unwrap();
    assert_eq!(address.postal_code.as_deref(), Some("0150"));
    // Optional and nullable: `null` is `Some(None)`.
    assert_eq!(invoice.discount_code, Some(None));
    // The envelope is the delivery's, not the event struct's: kept as received beside it, and
    // read typed through the event.
    assert_eq!(
        paid.envelope()["timestamp"].get(),
        r#""2026-11-03T20:26:10.344522Z""#
    );
    let event = billing::Event::from_slice(text.as_bytes()).unwrap();
    assert_eq!(
        event
            .envelope_fields()
            .map(|envelope| envelope.timestamp.as_str().to_owned()),
        Some("2026-11-03T20:26:10.344522Z".to_owned())
    );
}

#[test]
fn optional_and_nullable_fields_keep_absent_null_and_value_apart() {
    let reasons: Vec<Option<Option<String>>> = billing::EventKind::InvoiceVoided
        .examples()
        .iter()
        .map(
            |text| match billing::Event::from_slice(text.as_bytes()).unwrap() {
                billing::Event::InvoiceVoided(voided) => voided.into_data().reason,
                other => panic!("not invoice.voided: {other:?}"),
            },
        )
        .collect();
    assert_eq!(
        reasons,
        [Some(Some("duplicate".to_owned())), Some(None), None]
    );
}

#[test]
fn a_closed_enum_rejects_other_values_and_names_the_allowed_ones() {
    let text = r#"{"type": "invoice.voided", "timestamp": "t", "data": {"invoice_id": "in_1", "status": "refunded"}}"#;
    let error = billing::Event::from_slice(text.as_bytes()).unwrap_err();
    assert_eq!(error.path(), Some("data.status"));
    assert!(
        error.message().contains(
            "expected one of `draft`, `open`, `paid`, `void`, `uncollectible` (InvoiceStatus)"
        ),
        "{error}"
    );
    assert_eq!(
        "refunded"
            .parse::<billing::InvoiceStatus>()
            .unwrap_err()
            .to_string(),
        "unknown value `refunded`, expected one of `draft`, `open`, `paid`, `void`, `uncollectible` (InvoiceStatus)"
    );
}

#[test]
fn a_wrong_type_deep_inside_names_its_path() {
    let mut delivery = json(billing::EventKind::InvoicePaid.examples()[0]);
    delivery["data"]["invoice"]["lines"][1]["amount"] = json!("-800");
    let error = billing::Event::from_slice(delivery.to_string().as_bytes()).unwrap_err();
    assert_eq!(error.path(), Some("data.invoice.lines[1].amount"));
    assert_eq!(error.event_name(), Some("invoice.paid"));
}

#[test]
fn a_missing_envelope_field_is_an_error_naming_it() {
    let text = r#"{"type": "invoice.voided", "data": {"invoice_id": "in_1", "status": "void"}}"#;
    let error = billing::Event::from_slice(text.as_bytes()).unwrap_err();
    assert!(error.to_string().contains("timestamp"), "{error}");
}

#[test]
fn a_recursive_type_nests_deeply_without_overflowing_the_stack() {
    let mut thread = json!({"author": "a", "body": "b", "replies": []});
    for _ in 0..40 {
        thread = json!({"author": "a", "body": "b", "replies": [thread]});
    }
    let delivery = json!({"type": "comment.created", "timestamp": "t", "data": {"invoice_id": "in_1", "thread": thread}});
    let event = billing::Event::from_slice(delivery.to_string().as_bytes()).unwrap();
    assert_eq!(serde_json::to_value(&event).unwrap(), delivery);

    // Far deeper than any real thread: an error (serde_json's recursion limit), not a crash.
    let deep = format!(
        r#"{{"type": "comment.created", "timestamp": "t", "data": {{"invoice_id": "in_1", "thread": {}{{"author": "a", "body": "b", "replies": []}}{}}}}}"#,
        r#"{"author": "a", "body": "b", "replies": ["#.repeat(5000),
        "]}".repeat(5000)
    );
    let error = billing::Event::from_slice(deep.as_bytes()).unwrap_err();
    assert!(error.message().contains("recursion limit"), "{error}");
}

#[test]
fn code_host_bodies_are_read_with_the_name_from_the_header() {
    assert_eq!(code_host::Event::HEADER, "X-GitHub-Event");
    for &kind in code_host::EventKind::ALL {
        for text in kind.examples() {
            let expected = json(text);
            for order in [text.to_string(), reversed(&expected)] {
                let event = code_host::Event::from_parts(kind.as_str(), order.as_bytes())
                    .unwrap_or_else(|error| panic!("{kind}: {error}"));
                assert_eq!(event.kind(), Some(kind));
                assert_eq!(serde_json::to_value(&event).unwrap(), expected);
            }
        }
    }
    let push = code_host::EventKind::Push.examples()[0];
    let code_host::Event::Push(push) =
        code_host::Event::from_parts("push", push.as_bytes()).unwrap()
    else {
        panic!("not push");
    };
    assert_eq!(
        push.repository.owner.account_type,
        code_host::AccountType::User
    );
    assert_eq!(push.commits[0].modified, ["README.md"]);
    // An event the schema does not know keeps its body.
    let unknown = code_host::Event::from_parts("star", br#"{"action": "created"}"#).unwrap();
    assert_eq!(unknown.name(), "star");
    assert_eq!(unknown.kind(), None);
    // Without the header's name the body cannot be read, and the error says why.
    let error = code_host::Event::from_slice(push.repository.name.as_bytes()).unwrap_err();
    assert!(error.to_string().contains("X-GitHub-Event"), "{error}");
}

#[test]
fn code_host_errors_name_the_event_from_the_header_and_the_path() {
    let error = code_host::Event::from_parts("issues", br#"{"action": "deleted", "issue": {}}"#)
        .unwrap_err();
    assert_eq!(error.event_name(), Some("issues"));
    assert_eq!(error.path(), Some("action"));
}

#[test]
fn chat_events_sit_beside_their_tag_wherever_it_is() {
    for &kind in chat::EventKind::ALL {
        for text in kind.examples() {
            let expected = json(text);
            for order in [text.to_string(), reversed(&expected)] {
                let event = chat::Event::from_slice(order.as_bytes())
                    .unwrap_or_else(|error| panic!("{kind}: {error}\n{order}"));
                assert_eq!(event.kind(), Some(kind), "{order}");
                assert_eq!(serde_json::to_value(&event).unwrap(), expected, "{order}");
            }
        }
    }
    let text = chat::EventKind::Message.examples()[1];
    let chat::Event::Message(message) = chat::Event::from_slice(text.as_bytes()).unwrap() else {
        panic!("not a message");
    };
    assert_eq!(message.thread_ts, Some(None));
    assert_eq!(
        message.reactions.as_ref().unwrap()[0].users[1].as_str(),
        "U3"
    );
    // Under the internal layout the envelope fields sit beside the event's; they are moved to
    // the delivery's keys, and the event's struct keeps only what is its own.
    let event = chat::Event::from_slice(text.as_bytes()).unwrap();
    assert_eq!(
        event.envelope_fields().map(|envelope| envelope.event_ts),
        Some("1355517524.000001".to_owned())
    );
    assert!(message.envelope().contains_key("event_ts"));
    assert!(!message.extra.contains_key("event_ts"));
    assert_eq!(message.extra["client_msg_id"].get(), r#""abc""#);
}

#[test]
fn chat_errors_name_the_field_beside_the_tag() {
    let error =
        chat::Event::from_slice(br#"{"user": "U1", "reaction": 7, "item_user": null, "item": {}, "event_ts": "1", "type": "reaction_added"}"#)
            .unwrap_err();
    assert!(error.to_string().contains("reaction"), "{error}");
    assert_eq!(error.event_name(), Some("reaction_added"));
}

#[test]
fn generated_structs_expose_their_schema_metadata() {
    let fields: Vec<(&str, &str)> = billing::EventKind::CustomerUpdated
        .fields()
        .iter()
        .map(|field| (field.name, field.type_name))
        .collect();
    assert_eq!(
        fields,
        [
            ("customer", "Customer"),
            ("previous_attributes", "map<json>"),
            ("changed_by", "list<map<string>>"),
        ]
    );
    let _: emma_runtime::RawFields = billing::Comment {
        author: "a".into(),
        body: "b".into(),
        replies: vec![],
        parent: None,
        extra: emma_runtime::RawFields::new(),
    }
    .extra;
}

#[test]
fn an_unknown_event_keeps_data_of_any_json_type_under_every_layout() {
    // Adjacent (billing: `type` and `data`, with a typed envelope field): the content may be
    // an array, a string, `null`; it is kept and written back as received.
    for data in [r#"[{"attempt": 1}, 2]"#, r#""text""#, "null", "1.50", "{}"] {
        for text in [
            format!(r#"{{"type": "not.declared", "data": {data}, "timestamp": "t"}}"#),
            format!(r#"{{"data": {data}, "timestamp": "t", "type": "not.declared"}}"#),
        ] {
            let event = billing::Event::from_slice(text.as_bytes())
                .unwrap_or_else(|error| panic!("{error}: {text}"));
            let billing::Event::Unknown(unknown) = &event else {
                panic!("{event:?}")
            };
            assert_eq!(unknown.data.get(), data);
            assert_eq!(serde_json::to_value(&event).unwrap(), json(&text));
        }
    }
    // `data` itself is still required.
    assert!(billing::Event::from_slice(br#"{"type": "not.declared", "timestamp": "t"}"#).is_err());
    // Header (code host): the body is the data, whatever it is, and is written back whole.
    let unknown = code_host::Event::from_parts("star", b"[1, {\"a\": 2}]").unwrap();
    assert_eq!(unknown.kind(), None);
    assert_eq!(serde_json::to_string(&unknown).unwrap(), "[1, {\"a\": 2}]");
    // Internal (chat): the data is the object of the keys beside the tag.
    let text = br#"{"type": "not_declared", "event_ts": "1", "list": [1, 2]}"#;
    let chat::Event::Unknown(unknown) = chat::Event::from_slice(text).unwrap() else {
        panic!("not unknown");
    };
    assert_eq!(unknown.fields().unwrap()["list"].get(), "[1, 2]");
    assert_eq!(
        serde_json::to_value(chat::Event::Unknown(unknown)).unwrap(),
        json(std::str::from_utf8(text).unwrap())
    );
}

#[test]
fn an_event_whose_data_is_a_list_reads_and_writes_it_whole() {
    let text = billing::EventKind::InvoiceBatchFinalized.examples()[0];
    let event = billing::Event::from_slice(text.as_bytes()).unwrap();
    let billing::Event::InvoiceBatchFinalized(batch) = &event else {
        panic!("not invoice.batch_finalized: {event:?}");
    };
    let ids: Vec<&str> = batch.data.iter().map(billing::InvoiceId::as_str).collect();
    assert_eq!(ids, ["in_5", "in_6"]);
    assert_eq!(serde_json::to_value(&event).unwrap(), json(text));
    // Built by hand, it writes the same delivery.
    let built = billing::InvoiceBatchFinalized::new(vec![
        billing::InvoiceId::from("in_5".to_owned()),
        billing::InvoiceId::from("in_6".to_owned()),
    ]);
    assert_eq!(&built, batch.data());
    // An object where the list belongs is an error naming the event.
    let error = billing::Event::from_slice(
        br#"{"type": "invoice.batch_finalized", "timestamp": "t", "data": {"ids": []}}"#,
    )
    .unwrap_err();
    assert_eq!(error.event_name(), Some("invoice.batch_finalized"));
    assert!(error.to_string().contains("expected a sequence"), "{error}");
}

#[test]
fn unions_pick_their_variant_by_tag_or_by_shape_and_keep_other_tags() {
    let examples = billing::EventKind::PaymentSucceeded.examples();
    let read = |text: &str| {
        let billing::Event::PaymentSucceeded(payment) =
            billing::Event::from_slice(text.as_bytes()).unwrap()
        else {
            panic!("not payment.succeeded");
        };
        assert_eq!(
            serde_json::to_value(billing::Event::from(payment.data().clone())).unwrap()["data"],
            json(text)["data"]
        );
        payment
    };
    let card = read(examples[0]);
    let billing::PaymentMethod::Card(method) = &card.method else {
        panic!("{:?}", card.method);
    };
    assert_eq!(method.last4, "4242");
    assert_eq!(method.extra["brand"].get(), r#""visa""#);
    assert_eq!(card.amount, billing::Amount::Cents(4200));
    let bank = read(examples[1]);
    assert!(matches!(
        bank.method,
        billing::PaymentMethod::BankAccount(_)
    ));
    assert_eq!(bank.amount, billing::Amount::Decimal("42.00".to_owned()));
    // A tag no variant has is kept as received.
    let wallet = read(examples[2]);
    let billing::PaymentMethod::Other(raw) = &wallet.method else {
        panic!("{:?}", wallet.method);
    };
    assert_eq!(raw.get(), r#"{"type": "wallet", "provider": "x"}"#);
}

#[test]
fn union_errors_name_the_variant_or_every_alternative() {
    let payment = |method: &str, amount: &str| {
        format!(
            r#"{{"type": "payment.succeeded", "timestamp": "t", "data": {{"invoice_id": "in_1", "method": {method}, "amount": {amount}}}}}"#
        )
    };
    // The tag picks `Card`, which then lacks a field.
    let error =
        billing::Event::from_slice(payment(r#"{"type": "card"}"#, "1").as_bytes()).unwrap_err();
    assert!(
        error
            .to_string()
            .contains("PaymentMethod::Card: missing field `last4`"),
        "{error}"
    );
    // Not an object at all.
    let error = billing::Event::from_slice(payment(r#""card""#, "1").as_bytes()).unwrap_err();
    assert!(
        error
            .to_string()
            .contains("expected an object (PaymentMethod"),
        "{error}"
    );
    // No alternative reads a float: each is named, with why.
    let error =
        billing::Event::from_slice(payment(r#"{"type": "card", "last4": "1"}"#, "1.5").as_bytes())
            .unwrap_err();
    let text = error.to_string();
    assert!(
        text.contains("expected one of Amount's variants: not Cents (")
            && text.contains("; not Decimal ("),
        "{text}"
    );
    assert_eq!(error.event_name(), Some("payment.succeeded"));
}

#[test]
fn a_header_layout_body_declared_as_a_union_picks_its_variant_by_action() {
    for text in code_host::EventKind::LabelChanged.examples() {
        let event = code_host::Event::from_parts("label", text.as_bytes()).unwrap();
        assert_eq!(serde_json::to_value(&event).unwrap(), json(text));
    }
    let event =
        code_host::Event::from_parts("label", br#"{"action": "added", "label": "bug"}"#).unwrap();
    let code_host::Event::LabelChanged(label) = event else {
        panic!("not label");
    };
    let code_host::LabelEvent::Added(added) = &label.data else {
        panic!("{:?}", label.data);
    };
    assert_eq!(added.label, "bug");
    // An action the schema does not know is kept.
    let event =
        code_host::Event::from_parts("label", br#"{"action": "renamed", "label": "x"}"#).unwrap();
    let code_host::Event::LabelChanged(label) = event else {
        panic!("not label");
    };
    assert!(matches!(label.data, code_host::LabelEvent::Other(_)));
    // One tag value, two shapes: the variant is a union told apart by shape.
    let event = code_host::Event::from_parts(
        "label",
        br#"{"action": "edited", "label": "bug", "color": "d73a4a"}"#,
    )
    .unwrap();
    let code_host::Event::LabelChanged(label) = event else {
        panic!("not label");
    };
    let code_host::LabelEvent::Edited(code_host::LabelEdit::Recolored(recolored)) = &label.data
    else {
        panic!("{:?}", label.data);
    };
    assert_eq!(recolored.color, "d73a4a");
    let error = code_host::Event::from_parts("label", br#"{"action": "edited", "label": "bug"}"#)
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("LabelEvent::Edited")
            && error.contains("not Renamed (missing field `from`)")
            && error.contains("not Recolored (missing field `color`)"),
        "{error}"
    );
}

#[test]
fn an_error_inside_a_header_layout_body_union_points_into_the_body() {
    let body = b"\n  {\"action\": \"added\", \"label\": 5}";
    let error = code_host::Event::from_parts("label", body).unwrap_err();
    // At the `5`, on the body's second line: the variant's own position, moved to where
    // the body's value starts.
    assert_eq!((error.line(), error.column()), (2, 32), "{error}");
    assert!(error.to_string().contains("LabelEvent::Added"), "{error}");
    assert!(!error.to_string().contains("of the value"), "{error}");
}

/// A `payment.succeeded` delivery whose data has `extra` added (JSON text of members).
fn payment(extra: &str) -> String {
    format!(
        r#"{{"type": "payment.succeeded", "timestamp": "2026-11-08T10:00:00Z", "data": {{"invoice_id": "in_7", "method": {{"type": "card", "last4": "4242"}}, "amount": 1{extra}}}}}"#
    )
}

#[test]
fn a_value_failing_its_fields_checks_is_refused_at_the_field_and_one_passing_is_kept() {
    let read = billing::Event::from_slice(
        payment(r#", "status_code": 599, "fee_rate": 0.5, "retries": -2147483648"#).as_bytes(),
    )
    .unwrap();
    let billing::Event::PaymentSucceeded(payment_event) = &read else {
        panic!("{read:?}")
    };
    assert_eq!(payment_event.status_code, Some(599u16));
    assert_eq!(payment_event.retries, Some(i32::MIN));

    let refused = [
        (
            r#", "status_code": 600"#,
            "data.status_code",
            "is above the maximum 599",
        ),
        (
            r#", "status_code": 99"#,
            "data.status_code",
            "is below the minimum 100",
        ),
        (r#", "status_code": 65536"#, "data.status_code", "u16"),
        (
            r#", "fee_rate": 1.5"#,
            "data.fee_rate",
            "is above the maximum 1",
        ),
        (r#", "retries": 2147483648"#, "data.retries", "i32"),
    ];
    for (extra, path, message) in refused {
        let error = billing::Event::from_slice(payment(extra).as_bytes()).unwrap_err();
        assert_eq!(error.path(), Some(path), "{extra}: {error}");
        assert!(error.to_string().contains(message), "{extra}: {error}");
    }
}

#[test]
fn patterns_lengths_and_unique_items_are_checked_where_the_schema_declares_them() {
    let voided = |data: &str| {
        format!(
            r#"{{"type": "invoice.voided", "timestamp": "2026-11-05T10:00:00Z", "data": {data}}}"#
        )
    };
    let ok = voided(r#"{"invoice_id": "in_3", "status": "void", "reason": null, "attempts": 10}"#);
    billing::Event::from_slice(ok.as_bytes()).unwrap();
    let refused = [
        (
            voided(r#"{"invoice_id": "cus_3", "status": "void"}"#),
            "data.invoice_id",
            "does not match the pattern `^in_[A-Za-z0-9]+$`",
        ),
        (
            voided(r#"{"invoice_id": "in_3", "status": "void", "reason": "seventeen letters"}"#),
            "data.reason",
            "is 17 characters long, at most 16 expected",
        ),
        (
            voided(r#"{"invoice_id": "in_3", "status": "void", "attempts": 0}"#),
            "data.attempts",
            "is below the minimum 1",
        ),
    ];
    for (text, path, message) in refused {
        let error = billing::Event::from_slice(text.as_bytes()).unwrap_err();
        assert_eq!(error.path(), Some(path), "{text}: {error}");
        assert!(error.to_string().contains(message), "{text}: {error}");
    }

    // A list's items compare as the strings they spell: `"\u0061"` repeats `"a"`.
    let paid = |tags: &str| {
        format!(
            r#"{{"type": "invoice.paid", "timestamp": "2026-11-03T20:26:10Z", "data": {{"paid_at": "t", "invoice": {{"id": "in_1", "customer": {{"id": "cus_1", "email": null, "metadata": {{}}}}, "status": "paid", "currency": "eur", "total": 1, "lines": [], "metadata": {{}}, "tags": {tags}}}}}}}"#
        )
    };
    billing::Event::from_slice(paid(r#"["a", "b", "c"]"#).as_bytes()).unwrap();
    for (tags, message) in [
        (r#"["a", "\u0061"]"#, "repeats an item (at index 1)"),
        (r#"["a", "b", "c", "d"]"#, "has 4 items, at most 3 expected"),
    ] {
        let error = billing::Event::from_slice(paid(tags).as_bytes()).unwrap_err();
        assert_eq!(error.path(), Some("data.invoice.tags"), "{error}");
        assert!(error.to_string().contains(message), "{error}");
    }

    // An envelope field's checks too (`timestamp` may not be empty).
    let error = billing::Event::from_slice(
        r#"{"type": "invoice.voided", "timestamp": "", "data": {"invoice_id": "in_3", "status": "void"}}"#.as_bytes(),
    )
    .unwrap_err();
    assert!(
        error
            .to_string()
            .contains("is 0 characters long, at least 1 expected"),
        "{error}"
    );
}
