/**
 * The benchmark's queries, for pbx-graph and for the GraphQL Mesh supergraph (bench/mesh), and the
 * analysis of each: the fewest vendor calls that can answer it and the sequential vendor rounds on
 * its critical path.
 */

/** Query keys. */
export type QueryKey = 'Q1' | 'Q1c' | 'Q2' | 'Q3' | 'Q4';

/** A POST /graphql body. */
export interface GqlBody {
  query: string;
  variables?: Record<string, unknown>;
}

/** The source ids of the benchmark configuration, by vendor (from each vendor's demoSources). */
export type SourceIds = Record<string, string>;

/** Vendors in the order the dashboard shows them. */
export const VENDOR_ORDER = ['vitalpbx', 'portsip', 'telecomx', 'etelecom', 'portal'] as const;

/** The source that fails in Q4 (its simulator answers every call with HTTP 500). */
export const Q4_FAILING_VENDOR = 'portsip';

/** The source whose extensions Q2 and Q3 ask for. */
export const Q23_VENDOR = 'vitalpbx';

/** Extensions per source on the dashboard. */
export const PAGE = 50;

/** Everything the dashboard shows of one extension. */
const DASH_NODE = /* GraphQL */ `
  id number name
  status
  devices { id technology userAgent online }
  queues { penalty queue { id name } }
  groups { id name }`;

/** Q1 (and Q4): the dashboard, one alias per source so the sources are fetched in parallel. */
export function pbxQ1(ids: SourceIds): GqlBody {
  const aliases = VENDOR_ORDER.filter((v) => ids[v]).map((v) => `  ${v}: pbx(id: "${ids[v]}") { ...Dash }`);
  return {
    query: `query Dashboard {\n${aliases.join('\n')}\n}\nfragment Dash on Pbx { id name extensions(first: ${PAGE}) { edges { node { ${DASH_NODE} } } } }`,
  };
}

/** What each vendor can supply of the dashboard (its capabilities), for the capability-aware Q1. */
const DASH_BY_VENDOR: Record<string, string> = {
  vitalpbx: 'id number name devices { id technology userAgent online } queues { penalty queue { id name } }',
  portsip: 'id number name status groups { id name }',
  telecomx: 'id number name status devices { id technology userAgent online }',
  etelecom: 'id number name',
  portal: 'id number name status',
};

/**
 * Q1c: the dashboard asking each source only for the fields its `Pbx.capabilities` lists (as a
 * client that reads them would): the same data as Q1 without the UNSUPPORTED_BY_VENDOR errors, and
 * the same data Mesh's Q1 asks for.
 */
export function pbxQ1c(ids: SourceIds): GqlBody {
  const aliases = VENDOR_ORDER.filter((v) => ids[v]).map(
    (v) => `  ${v}: pbx(id: "${ids[v]}") { id name extensions(first: ${PAGE}) { edges { node { ${DASH_BY_VENDOR[v] ?? 'id number name'} } } } }`,
  );
  return { query: `query DashboardByCapability {\n${aliases.join('\n')}\n}` };
}

/** Q2: one extension with every field the schema has. */
export function pbxQ2(id: string): GqlBody {
  return {
    query: /* GraphQL */ `query OneExtension($id: ID!) {
  extension(id: $id) {
    id vendorId number name firstName lastName email language enabled restricted
    callerIds { internal external emergency outbound }
    directNumber notes tenant sipDomain lastUpdated
    status statusDetail { status vendorStatus userAgent updatedAt }
    devices { id technology name description userAgent macAddress model online dnd }
    queues { penalty queue { id name } }
    groups { id name memberCount }
    voicemail { enabled mailbox language hasVoicemailPin playCallerId messages { id folder receivedAt callerId durationSeconds recordingPath } }
    greetings { name enabled isDefault }
    e911 { subscriber address1 address2 city state zip }
    forwarding { condition callers hours action number timeoutSeconds }
    presenceRules { presence action }
    officeHours { mode days { day from to } }
    callStatistics { local incoming outgoing transit }
    outboundDestinations mobileDelaySeconds
    subscription { state vendorState expiresAt }
  }
}`,
    variables: { id },
  };
}

/** Q3: federation `_entities` with extension representations (50 of one source). */
export function pbxQ3(ids: string[]): GqlBody {
  return {
    query: /* GraphQL */ `query Entities($reps: [_Any!]!) {
  _entities(representations: $reps) {
    ... on Extension { id number name devices { id technology online } queues { penalty queue { id name } } }
  }
}`,
    variables: { reps: ids.map((id) => ({ __typename: 'Extension', id })) },
  };
}

/**
 * The Mesh dashboard: the same data as close as Mesh can ask for it. Differences (Mesh cannot
 * express them): no common Extension type, so each vendor's own shape; VitalPBX and Point VoIP lists
 * have no paging parameter, so Mesh returns the whole list (no `first: 50`); PortSIP groups per
 * extension cannot be inverted from the group index, so groups are a separate root field (group
 * list + one group/show per group) that the client joins.
 */
export function meshQ1(telecomxCustomer: string): GqlBody {
  return {
    query: /* GraphQL */ `query Dashboard {
  vitalpbx: vitalExtensions { data { extension_id extension name devices { device_id technology device_name } queues_info { queues queues_name queues_penalty } } }
  portsip: portsipExtensions(pagination: 1, pagesize: ${PAGE}) { extensions { extension_number first_name last_name liveStatus { status user_agent } } }
  portsipGroups: portsipGroups(pagination: 1, pagesize: 100) { groups { group_id group_name detail { members enable_intercom enable_external_call } } }
  telecomx: telecomxExtensions(offset: 0, limit: ${PAGE}, customer: "${telecomxCustomer}") { extensions { _id number name phones { _id type model identification online dnd } } }
  etelecom: etelecomExtensions(input: { paging: { limit: ${PAGE} } }) { extensions { id extension_number tenant_domain state expires_at } }
  portal: portalExtensions { result { number firstName lastName status } }
}`,
  };
}

/** The Mesh Q2: one VitalPBX extension with its devices, queues, call statistics and voicemail. */
export function meshQ2(vitalExtensionId: number): GqlBody {
  return {
    query: /* GraphQL */ `query OneExtension($id: Int!) {
  vitalExtension(id: $id) { data {
    extension_id extension name email language internal_cid external_cid emergency_cid mailbox call_waiting
    devices { device_id technology device_name description ring_device }
    queues_info { queues queues_name queues_penalty }
    cdr { local incoming outgoing transit }
    voicemailRecords
  } }
}`,
    variables: { id: vitalExtensionId },
  };
}

/**
 * The fewest vendor calls that can answer Q1 per vendor, derived from each adapter and its vendor
 * API (cold: no cross-request cache; warm: inside the adapters' short-lived list/group caches).
 * `groups` is the number of PortSIP groups in the simulator's data (filled in at run time).
 */
export function minimumQ1(groups: number): Record<string, { cold: number; warm: number; how: string }> {
  return {
    vitalpbx: { cold: 1, warm: 0, how: 'GET /extensions (whole tenant, embeds devices + queues_info); no status or groups API (null + UNSUPPORTED_BY_VENDOR). Warm: the adapter reuses the list for listCacheMs (5 s).' },
    portsip: {
      cold: 2 + 1 + groups,
      warm: 2,
      how: `GET extensions/list (1 page of ${PAGE}) + POST extensions/status (one batch) + groups: GET extensions/group/list (1 page) + GET extensions/group/show per group (${groups} groups) — the group index is inverted, 50 extensions/show calls would be the alternative. Warm: the group index is reused for groupCacheMs (5 s). The list's own status snapshot is not used (the adapter reads live status from the batch endpoint); no devices/queues API.`,
    },
    telecomx: { cold: 1, warm: 1, how: 'GET /pbx/extension?limit=50&includePhones=true (phones give status and devices); no queues/groups API.' },
    etelecom: { cold: 1, warm: 1, how: 'POST .Etelecom/GetExtensions {paging:{limit:50}}; no status/devices/queues/groups API.' },
    portal: { cold: 1, warm: 0, how: 'POST get/extensions (whole PBX, carries the registration status); no devices/queues/groups API. Warm: listCacheMs (5 s).' },
  };
}

/** One row of the critical-path analysis. */
export interface RoundsRow {
  /** Sequential vendor rounds on the critical path (warm adapter caches for pbx-graph). */
  rounds: number;
  /** Why. */
  why: string;
}

/** Sequential vendor rounds per query and system, derived from the resolvers and adapters. */
export const ROUNDS: Record<string, Partial<Record<QueryKey, RoundsRow>>> = {
  'pbx-graph': {
    Q1: { rounds: 1, why: "sources in parallel (one alias each); PortSIP: list and status batch together, the batch for the ids the page's last answer lacked status for (src/server/page-hints.ts; a page not seen before: list, then status = 2); group index cached (cold: group/list → group/show = 2, also started with the list); VitalPBX and portal lists cached (cold: 1); Telecom X, eTelecom: 1" },
    Q1c: { rounds: 1, why: 'as Q1' },
    Q2: { rounds: 2, why: 'VitalPBX GET /extensions/{id} (embeds devices, queues), then voicemail_records and cdr_summary in parallel' },
    Q3: { rounds: 0, why: '50 VitalPBX keys in one DataLoader batch = the tenant list, cached (cold: 1)' },
    Q4: { rounds: 1, why: "PortSIP list fails (HTTP 500, not retried) in round 1 (the first time with the status batch and group list predicted beside it; then the page is forgotten until its list answers again) until PortSIP's circuit opens (more than half of its calls in the last 30 s failed), then it is not called but for one trial call every 10 s; Telecom X and eTelecom lists: 1; VitalPBX and portal lists cached" },
  },
  'pbx-graph (graphql-js)': {
    Q1: { rounds: 1, why: 'as pbx-graph' },
  },
  'pbx-graph (answer memo off)': {
    Q1: { rounds: 1, why: 'as pbx-graph; every vendor answer parsed and its rows mapped again, as when every answer changed since the last poll' },
  },
  'pbx-graph (caches off)': {
    Q1: { rounds: 2, why: 'as pbx-graph cold: PortSIP group/list → group/show, started with the list and the status batch; every other source 1' },
    Q4: { rounds: 1, why: "every healthy source: one list round; PortSIP's circuit open, as pbx-graph" },
  },
  mesh: {
    Q1: { rounds: 2, why: 'root fields in parallel; PortSIP list → batched status; PortSIP group/list → group/show per group; others 1' },
    Q2: { rounds: 2, why: 'GET /extensions/{id}, then @resolveTo cdr_summary and voicemail_records in parallel' },
    Q4: { rounds: 1, why: 'PortSIP list and group list fail in round 1; others 1' },
  },
  floor: {
    Q1: { rounds: 0, why: 'replays a stored answer' },
    Q1c: { rounds: 0, why: 'replays a stored answer' },
    Q2: { rounds: 0, why: 'replays a stored answer' },
    Q3: { rounds: 0, why: 'replays a stored answer' },
    Q4: { rounds: 0, why: 'replays a stored answer' },
  },
};
