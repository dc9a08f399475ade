// An exhaustive visitor must handle every event; here each one maps to its wire name.
use emma_events::*;

struct Names;

impl ExhaustiveEventVisitor<&'static str> for Names {
    fn visit_member_signup(&mut self, _: &MemberSignup) -> &'static str { "member_signup" }
    fn visit_message_open(&mut self, _: &MessageOpen) -> &'static str { "message_open" }
    fn visit_message_click(&mut self, _: &MessageClick) -> &'static str { "message_click" }
    fn visit_member_optout(&mut self, _: &MemberOptout) -> &'static str { "member_optout" }
    fn visit_message_share(&mut self, _: &MessageShare) -> &'static str { "message_share" }
    fn visit_message_share_click(&mut self, _: &MessageShareClick) -> &'static str { "message_share_click" }
    fn visit_message_forward(&mut self, _: &MessageForward) -> &'static str { "message_forward" }
    fn visit_mailing_finish(&mut self, _: &MailingFinish) -> &'static str { "mailing_finish" }
    fn visit_import_finish(&mut self, _: &ImportFinish) -> &'static str { "import_finish" }
    fn visit_member_add(&mut self, _: &MemberAdd) -> &'static str { "member_add" }
    fn visit_member_update(&mut self, _: &MemberUpdate) -> &'static str { "member_update" }
    fn visit_member_delete(&mut self, _: &MemberDelete) -> &'static str { "member_delete" }
    fn visit_member_add_to_group(&mut self, _: &MemberAddToGroup) -> &'static str { "member_add_to_group" }
    fn visit_member_remove_from_group(&mut self, _: &MemberRemoveFromGroup) -> &'static str { "member_remove_from_group" }
    fn visit_group_create(&mut self, _: &GroupCreate) -> &'static str { "group_create" }
    fn visit_group_delete(&mut self, _: &GroupDelete) -> &'static str { "group_delete" }
    fn visit_group_update(&mut self, _: &GroupUpdate) -> &'static str { "group_update" }
    fn visit_field_create(&mut self, _: &FieldCreate) -> &'static str { "field_create" }
    fn visit_field_delete(&mut self, _: &FieldDelete) -> &'static str { "field_delete" }
    fn visit_field_update(&mut self, _: &FieldUpdate) -> &'static str { "field_update" }
    fn visit_member_status_update(&mut self, _: &MemberStatusUpdate) -> &'static str { "member_status_update" }
    fn visit_unknown(&mut self, _: &UnknownEvent) -> &'static str { "unknown" }
}

fn main() {
    let event: Event = r#"{"event_name": "group_delete", "data": {"group_id": 1, "account_id": 2, "timestamp": "t"}}"#.parse().unwrap();
    assert_eq!(event.accept_exhaustive(&mut Names), "group_delete");
}
