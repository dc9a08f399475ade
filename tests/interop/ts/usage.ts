// Type-checked with `tsc --strict --noEmit` against the declarations json-schema-to-typescript
// generates from emma-events/schema/export/emma-events.schema.json (see ../run.sh). Nothing here runs.
//
// The bundle's last branch accepts any event name the schema does not know, so its generated
// `UnknownDelivery` has `event_name: string`. Comparing `event_name` with a literal on the whole
// union therefore cannot rule that branch out (a known name is also a string): the
// `@ts-expect-error` below pins that down. A delivery is narrowed in two steps instead: a type
// guard separates the known events, then `event_name` discriminates between them.

import type { EmmaWebhooks, MemberAddDelivery, MessageClickDelivery } from "./generated/deliveries";

/**
 * Every delivery of an event the schema knows: the branches whose `event_name` is a literal.
 * (`Exclude<EmmaWebhooks, UnknownDelivery>` would be `never`: every known delivery is also
 * structurally an `UnknownDelivery`.)
 */
type LiteralNamed<D> = D extends { event_name: infer N } ? (string extends N ? never : D) : never;
export type KnownDelivery = LiteralNamed<EmmaWebhooks>;
export type KnownEventName = KnownDelivery["event_name"];

// A `Record` over the known names: leaving a name out, or adding one the schema does not
// know, is a compile error, so this list cannot drift from the generated types.
const KNOWN_EVENT_NAMES: Record<KnownEventName, true> = {
  member_signup: true,
  message_open: true,
  message_click: true,
  member_optout: true,
  message_share: true,
  message_share_click: true,
  message_forward: true,
  mailing_finish: true,
  import_finish: true,
  member_add: true,
  member_update: true,
  member_delete: true,
  member_add_to_group: true,
  member_remove_from_group: true,
  group_create: true,
  group_delete: true,
  group_update: true,
  field_create: true,
  field_delete: true,
  field_update: true,
  member_status_update: true,
};

export function isKnown(delivery: EmmaWebhooks): delivery is KnownDelivery {
  return Object.prototype.hasOwnProperty.call(KNOWN_EVENT_NAMES, delivery.event_name);
}

/** What an app might do with a delivery: reads typed fields of a few events. */
export function describe(delivery: EmmaWebhooks): string {
  if (!isKnown(delivery)) {
    const name: string = delivery.event_name;
    const data: { [key: string]: unknown } = delivery.data;
    return `unknown event ${name} with ${Object.keys(data).length} keys`;
  }
  switch (delivery.event_name) {
    case "message_click": {
      const linkId: number = delivery.data.link_id;
      const subject: string = delivery.data.subject;
      return `link ${linkId} clicked in "${subject}"`;
    }
    case "member_add": {
      const form: number | null = delivery.data.signup_form_id;
      const url: string | undefined = delivery.data.resource_url;
      const groups = delivery.data.group_ids;
      const groupCount = groups === undefined ? 0 : groups === "all" ? Infinity : groups.length;
      return `member ${delivery.data.member_id} added (form ${form}, ${groupCount} groups, ${url ?? "no url"})`;
    }
    case "member_add_to_group": {
      const members = delivery.data.member_ids;
      if (members === "all") {
        return "every member added to groups";
      }
      const ids: number[] = members;
      return `${ids.length} members added`;
    }
    case "member_status_update": {
      const status: string = delivery.data.new_status;
      return `status now ${status}`;
    }
    case "import_finish": {
      const importId: number = delivery.data.import_id;
      return `import ${importId} finished at ${delivery.data.timestamp}`;
    }
    default: {
      // Every delivery still carries the fields all events share.
      const account: number = delivery.data.account_id;
      return `${delivery.event_name} on account ${account}`;
    }
  }
}

/** Exhaustive handling: adding an event to the schema makes this fail to compile. */
export function subjectOf(delivery: KnownDelivery): string | undefined {
  switch (delivery.event_name) {
    case "message_open":
    case "message_click":
    case "member_optout":
    case "message_share":
    case "message_share_click":
    case "message_forward":
    case "mailing_finish":
      return delivery.data.subject;
    case "member_signup":
    case "import_finish":
    case "member_add":
    case "member_update":
    case "member_delete":
    case "member_add_to_group":
    case "member_remove_from_group":
    case "group_create":
    case "group_delete":
    case "group_update":
    case "field_create":
    case "field_delete":
    case "field_update":
    case "member_status_update":
      return undefined;
    default: {
      const unreachable: never = delivery;
      return unreachable;
    }
  }
}

/** Narrowing the whole union on a literal keeps `UnknownDelivery` in (see the top). */
export function narrowingTheWholeUnion(delivery: EmmaWebhooks): void {
  if (delivery.event_name === "message_click") {
    // @ts-expect-error `data` may be an UnknownDelivery's, whose `link_id` is `unknown`.
    const linkId: number = delivery.data.link_id;
    void linkId;
  }
}

/** The per-event types are usable on their own, and reject a wrong name or a missing field. */
export const click: MessageClickDelivery = {
  event_name: "message_click",
  data: {
    account_id: 1755030,
    member_id: 6120458131,
    mailing_id: 4296212601,
    subject: "Our winter sale starts now",
    timestamp: "@D:2017-12-21T11:03:40",
    link_id: 8589934593,
  },
};

export const wrongName: MessageClickDelivery = {
  // @ts-expect-error a message_click delivery has the event name "message_click".
  event_name: "message_open",
  data: click.data,
};

export const missingField: MemberAddDelivery = {
  event_name: "member_add",
  // @ts-expect-error signup_form_id is required (it may be null, not absent).
  data: { member_id: 1, account_id: 1, timestamp: "@D:2017-12-21T11:01:11" },
};
