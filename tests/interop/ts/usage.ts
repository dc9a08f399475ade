// Type-checked with `tsc --strict --noEmit` against the declarations json-schema-to-typescript
// generates from schema/export/emma-events.schema.json (see ../run.sh). Nothing here runs.
//
// The bundle is `KnownDelivery | UnknownDelivery`. `KnownDelivery`, the union of the 21 known
// deliveries, narrows with a plain `switch (d.event_name)`. The catch-all `UnknownDelivery` has
// `event_name: string`, so comparing `event_name` with a literal on the whole union cannot rule
// it out (a known name is also a string; the `@ts-expect-error` in `narrowingTheWholeUnion`
// pins that down): a type guard separates the known events first. Its list of names comes from
// the exported bundle itself, so nobody copies 21 names by hand.

import type {
  AccountId,
  EmmaWebhooks,
  KnownDelivery,
  MemberAddDelivery,
  MemberStatus,
  MessageClickDelivery,
  UnknownDelivery,
} from "./generated/deliveries";
import bundle from "../../../schema/export/emma-events.schema.json" with { type: "json" };

/** `true` when `A` and `B` are the same type (not merely assignable either way). */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

export type KnownEventName = KnownDelivery["event_name"];

// The generated types say what the schema says: the root is the known union or the catch-all.
export const rootIsKnownOrUnknown: Equal<EmmaWebhooks, KnownDelivery | UnknownDelivery> = true;

// An open enum lists its known values for completion, and still takes any other string.
export const statusIsALiteralUnion: Equal<MemberStatus, "a" | "e" | "f" | "o" | (string & {})> = true;
// @ts-expect-error MemberStatus is not merely `string`.
export const statusIsNotJustString: Equal<MemberStatus, string> = true;
export const unlistedStatus: MemberStatus = "x";

/** The known names, read from the exported bundle (its catch-all excludes exactly them). */
const KNOWN_EVENT_NAMES: ReadonlySet<string> = new Set(
  bundle.$defs.UnknownDelivery.properties.event_name.not.enum,
);

export function isKnown(delivery: EmmaWebhooks): delivery is KnownDelivery {
  return KNOWN_EVENT_NAMES.has(delivery.event_name);
}

/** What an app might do with a delivery: reads typed fields of a few events. */
export function describe(delivery: EmmaWebhooks): string {
  if (!isKnown(delivery)) {
    const name: string = delivery.event_name;
    // An unknown event's data may be of any JSON type.
    const data: unknown = delivery.data;
    // @ts-expect-error: not declared an object, since it need not be one.
    const asObject: { [key: string]: unknown } = delivery.data;
    void asObject;
    return `unknown event ${name} with ${Array.isArray(data) ? "an array" : typeof data} as data`;
  }
  switch (delivery.event_name) {
    case "message_click": {
      const linkId: number = delivery.data.link_id;
      const subject: string = delivery.data.subject;
      return `link ${linkId} clicked in "${subject}"`;
    }
    case "member_signup": {
      // @ts-expect-error a member_signup's data has no typed link_id (only unknown extra keys).
      const linkId: number = delivery.data.link_id;
      return `member ${delivery.data.member_id} signed up (${linkId})`;
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
      // Every delivery still carries the fields all events share, of one shared type.
      const account: AccountId = delivery.data.account_id;
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
