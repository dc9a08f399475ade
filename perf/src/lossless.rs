//! Emma's 21 events with serde's derive, made lossless the way serde offers: every struct has a
//! `#[serde(flatten)]` map of the keys it does not declare, at the `data` level and at the
//! envelope level ([`LosslessDelivery`] flattens the adjacently tagged [`LosslessEvent`] beside
//! its own extras). The fields are those of [`crate::derived`].

use crate::derived::Selection;
use serde::Deserialize;
use serde_json::{Map, Value};

/// A delivery: the event (its `event_name` and `data`) and every other top-level key.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct LosslessDelivery {
    /// The event, from `event_name` and `data`.
    #[serde(flatten)]
    pub event: LosslessEvent,
    /// Every other top-level key (`resource_url` in real captures), kept as received.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The event's wire name in `event_name`, its payload in `data`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(tag = "event_name", content = "data", rename_all = "snake_case")]
pub enum LosslessEvent {
    /// `member_signup`.
    MemberSignup(MemberSignup),
    /// `message_open`.
    MessageOpen(MessageOpen),
    /// `message_click`.
    MessageClick(MessageClick),
    /// `member_optout`.
    MemberOptout(MemberOptout),
    /// `message_share`.
    MessageShare(MessageShare),
    /// `message_share_click`.
    MessageShareClick(MessageShareClick),
    /// `message_forward`.
    MessageForward(MessageForward),
    /// `mailing_finish`.
    MailingFinish(MailingFinish),
    /// `import_finish`.
    ImportFinish(ImportFinish),
    /// `member_add`.
    MemberAdd(MemberAdd),
    /// `member_update`.
    MemberUpdate(MemberUpdate),
    /// `member_delete`.
    MemberDelete(MemberDelete),
    /// `member_add_to_group`.
    MemberAddToGroup(MemberAddToGroup),
    /// `member_remove_from_group`.
    MemberRemoveFromGroup(MemberRemoveFromGroup),
    /// `group_create`.
    GroupCreate(GroupCreate),
    /// `group_delete`.
    GroupDelete(GroupDelete),
    /// `group_update`.
    GroupUpdate(GroupUpdate),
    /// `field_create`.
    FieldCreate(FieldCreate),
    /// `field_delete`.
    FieldDelete(FieldDelete),
    /// `field_update`.
    FieldUpdate(FieldUpdate),
    /// `member_status_update`.
    MemberStatusUpdate(MemberStatusUpdate),
}

/// `member_signup`: Fired when a member signs up through a signup form.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct MemberSignup {
    /// The account the member signed up to.
    pub account_id: u64,
    /// The member who signed up.
    pub member_id: u64,
    /// The mailing the signup came from.
    pub mailing_id: u64,
    /// Every other key of `data`, kept as received.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `message_open`: Fired when a message is opened.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct MessageOpen {
    /// The account that sent the mailing.
    pub account_id: u64,
    /// The member who opened the message.
    pub member_id: u64,
    /// The mailing the message belongs to.
    pub mailing_id: u64,
    /// The mailing's subject line.
    pub subject: String,
    /// When the message was opened.
    pub timestamp: String,
    /// Every other key of `data`, kept as received.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `message_click`: Fired when a link in a message is clicked.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct MessageClick {
    /// The account that sent the mailing.
    pub account_id: u64,
    /// The member who clicked.
    pub member_id: u64,
    /// The mailing the message belongs to.
    pub mailing_id: u64,
    /// The mailing's subject line.
    pub subject: String,
    /// When the link was clicked.
    pub timestamp: String,
    /// The link that was clicked.
    pub link_id: u64,
    /// Every other key of `data`, kept as received.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `member_optout`: Fired when a member opts out.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct MemberOptout {
    /// The account the member opted out of.
    pub account_id: u64,
    /// The member who opted out.
    pub member_id: u64,
    /// The mailing the opt-out came from.
    pub mailing_id: u64,
    /// The mailing's subject line.
    pub subject: String,
    /// When the member opted out.
    pub timestamp: String,
    /// Every other key of `data`, kept as received.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `message_share`: Fired when a message is shared on a social network.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct MessageShare {
    /// The account that sent the mailing.
    pub account_id: u64,
    /// The member who shared the message.
    pub member_id: u64,
    /// The mailing the message belongs to.
    pub mailing_id: u64,
    /// The mailing's subject line.
    pub subject: String,
    /// When the message was shared.
    pub timestamp: String,
    /// The social network the message was shared on, as Emma names it (no list of codes is published, so any string is kept).
    pub network: String,
    /// Every other key of `data`, kept as received.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `message_share_click`: Fired when a shared message is clicked.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct MessageShareClick {
    /// The account that sent the mailing.
    pub account_id: u64,
    /// The member who shared the message.
    pub member_id: u64,
    /// The mailing the message belongs to.
    pub mailing_id: u64,
    /// The mailing's subject line.
    pub subject: String,
    /// When the shared link was clicked.
    pub timestamp: String,
    /// The social network the share was clicked on, as Emma names it.
    pub network: String,
    /// Every other key of `data`, kept as received.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `message_forward`: Fired when a message is forwarded.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct MessageForward {
    /// The account that sent the mailing.
    pub account_id: u64,
    /// The member who forwarded the message.
    pub member_id: u64,
    /// The mailing the message belongs to.
    pub mailing_id: u64,
    /// The mailing's subject line.
    pub subject: String,
    /// When the message was forwarded.
    pub timestamp: String,
    /// Every other key of `data`, kept as received.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `mailing_finish`: Fired when a mailing is finished.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct MailingFinish {
    /// The mailing that finished.
    pub mailing_id: u64,
    /// The account that sent the mailing.
    pub account_id: u64,
    /// The mailing's subject line.
    pub subject: String,
    /// When the mailing finished.
    pub timestamp: String,
    /// Every other key of `data`, kept as received.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `import_finish`: Fired when a member import is finished.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ImportFinish {
    /// The import that finished.
    pub import_id: u64,
    /// The account the members were imported into.
    pub account_id: u64,
    /// When the import finished.
    pub timestamp: String,
    /// Emma API URL of the import.
    pub resource_url: Option<String>,
    /// Every other key of `data`, kept as received.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `member_add`: Fired when a member is added to the account.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct MemberAdd {
    /// The member who was added.
    pub member_id: u64,
    /// The account the member was added to.
    pub account_id: u64,
    /// When the member was added.
    pub timestamp: String,
    /// The signup form the member used; `null` when the member was added by hand.
    pub signup_form_id: Option<u64>,
    /// Emma API URL of the member.
    pub resource_url: Option<String>,
    /// The groups the member was added to (not on Emma's page, seen in real deliveries).
    pub group_ids: Option<Selection>,
    /// Every other key of `data`, kept as received.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `member_update`: Fired when a member is updated.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct MemberUpdate {
    /// The member who was updated.
    pub member_id: u64,
    /// The member's account.
    pub account_id: u64,
    /// When the member was updated.
    pub timestamp: String,
    /// Every other key of `data`, kept as received.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `member_delete`: Fired when a member is deleted.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct MemberDelete {
    /// The member who was deleted.
    pub member_id: u64,
    /// The member's account.
    pub account_id: u64,
    /// When the member was deleted.
    pub timestamp: String,
    /// Every other key of `data`, kept as received.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `member_add_to_group`: Fired when members are added to groups.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct MemberAddToGroup {
    /// The members that were added.
    pub member_ids: Selection,
    /// The account of the members and groups.
    pub account_id: u64,
    /// When the members were added.
    pub timestamp: String,
    /// The groups the members were added to.
    pub group_ids: Selection,
    /// Every other key of `data`, kept as received.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `member_remove_from_group`: Fired when members are removed from groups.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct MemberRemoveFromGroup {
    /// The members that were removed.
    pub member_ids: Selection,
    /// The account of the members and groups.
    pub account_id: u64,
    /// When the members were removed.
    pub timestamp: String,
    /// The groups the members were removed from.
    pub group_ids: Selection,
    /// Every other key of `data`, kept as received.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `group_create`: Fired when a group is created.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct GroupCreate {
    /// The group that was created.
    pub group_id: u64,
    /// The group's name.
    pub group_name: String,
    /// The group's account.
    pub account_id: u64,
    /// When the group was created.
    pub timestamp: String,
    /// Emma API URL of the group.
    pub resource_url: Option<String>,
    /// Every other key of `data`, kept as received.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `group_delete`: Fired when a group is deleted.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct GroupDelete {
    /// The group that was deleted.
    pub group_id: u64,
    /// The group's account.
    pub account_id: u64,
    /// When the group was deleted.
    pub timestamp: String,
    /// Emma API URL of the group.
    pub resource_url: Option<String>,
    /// Every other key of `data`, kept as received.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `group_update`: Fired when a group is updated.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct GroupUpdate {
    /// The group that was updated.
    pub group_id: u64,
    /// The group's name after the update.
    pub group_name: String,
    /// The group's account.
    pub account_id: u64,
    /// When the group was updated.
    pub timestamp: String,
    /// Emma API URL of the group.
    pub resource_url: Option<String>,
    /// Every other key of `data`, kept as received.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `field_create`: Fired when a custom member field is created.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct FieldCreate {
    /// The field that was created.
    pub field_id: u64,
    /// The field's account.
    pub account_id: u64,
    /// When the field was created.
    pub timestamp: String,
    /// Emma API URL of the field.
    pub resource_url: Option<String>,
    /// Every other key of `data`, kept as received.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `field_delete`: Fired when a custom member field is deleted.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct FieldDelete {
    /// The field that was deleted.
    pub field_id: u64,
    /// The field's account.
    pub account_id: u64,
    /// When the field was deleted.
    pub timestamp: String,
    /// Emma API URL of the field.
    pub resource_url: Option<String>,
    /// Every other key of `data`, kept as received.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `field_update`: Fired when a custom member field is updated.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct FieldUpdate {
    /// The field that was updated.
    pub field_id: u64,
    /// The field's account.
    pub account_id: u64,
    /// When the field was updated.
    pub timestamp: String,
    /// Emma API URL of the field.
    pub resource_url: Option<String>,
    /// Every other key of `data`, kept as received.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `member_status_update`: Fired when members' status changes.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct MemberStatusUpdate {
    /// The members whose status changed.
    pub member_ids: Selection,
    /// The members' account.
    pub account_id: u64,
    /// The members' new status.
    pub new_status: String,
    /// When the status changed.
    pub timestamp: String,
    /// Every other key of `data`, kept as received.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}
