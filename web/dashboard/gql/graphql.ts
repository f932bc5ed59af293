/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
/** Something a vendor's API can supply. Clients can check it before asking. */
export type Capability =
  /** originateCall. */
  | 'CALL_ORIGINATE'
  /** Call statistics. */
  | 'CALL_STATISTICS'
  /** Phones and SIP endpoints of an extension. */
  | 'DEVICES'
  /** E911 emergency address. */
  | 'E911'
  /** createExtension. */
  | 'EXTENSION_CREATE'
  /** deleteExtension. */
  | 'EXTENSION_DELETE'
  /** Extensions can be listed. */
  | 'EXTENSION_LIST'
  /** Extensions can be searched with free text. */
  | 'EXTENSION_SEARCH'
  /** updateExtension (patch: fields left out keep their values). */
  | 'EXTENSION_UPDATE'
  /** assignExtensionUser and removeExtensionUser (the user an extension is assigned to). */
  | 'EXTENSION_USER_ASSIGN'
  /** Call forwarding rules. */
  | 'FORWARDING'
  /** Voicemail greeting files. */
  | 'GREETINGS'
  /** addGreeting, setDefaultGreeting and deleteGreeting. */
  | 'GREETING_WRITE'
  /** Extension groups. */
  | 'GROUPS'
  /** createGroup, updateGroup, addGroupMembers, removeGroupMembers and deleteGroup. */
  | 'GROUP_WRITE'
  /** An extension can be looked up by e-mail. */
  | 'LOOKUP_BY_EMAIL'
  /** An extension can be looked up by phone number. */
  | 'LOOKUP_BY_PHONE'
  /** Office hours. */
  | 'OFFICE_HOURS'
  /** Call queue membership. */
  | 'QUEUES'
  /** Live registration or call status. */
  | 'STATUS'
  /** Subscription (validity, expiry) of the extension. */
  | 'SUBSCRIPTION'
  /** Voicemail settings. */
  | 'VOICEMAIL'
  /** Voicemail messages. */
  | 'VOICEMAIL_MESSAGES';

/** State of a source's circuit breaker. */
export type CircuitState =
  /** Calls go out. */
  | 'CLOSED'
  /** One trial call is let through. */
  | 'HALF_OPEN'
  /** The vendor has been failing: calls fail at once for a while. */
  | 'OPEN';

/** Live status of an extension, vendor-neutral. */
export type ExtensionStatus =
  /** Registered and idle. */
  | 'AVAILABLE'
  /** Away. */
  | 'AWAY'
  /** Busy (not necessarily in a call). */
  | 'BUSY'
  /** Do not disturb. */
  | 'DND'
  /** Not registered. */
  | 'OFFLINE'
  /** In a call. */
  | 'ON_CALL'
  /** Ringing. */
  | 'RINGING'
  /** The vendor gave a status pbx-graph does not know; see `statusDetail.vendorStatus`. */
  | 'UNKNOWN';

export type DashboardQueryVariables = Exact<{
  after?: string | null | undefined;
}>;


export type DashboardQuery = { pbxes: Array<{ sourceId: string, name: string, vendor: string, capabilities: Array<Capability> }>, extensions: { edges: Array<{ node: { id: string, number: string, name: string | null, status: ExtensionStatus | null, pbx: { sourceId: string } } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } | null };

export type DashboardStatusSubscriptionVariables = Exact<{ [key: string]: never; }>;


export type DashboardStatusSubscription = { extensionStatusChanged: { status: ExtensionStatus, previousStatus: ExtensionStatus, at: string, extension: { id: string, number: string, name: string | null, status: ExtensionStatus | null, pbx: { sourceId: string } } } };

export type DashboardHealthSubscriptionVariables = Exact<{ [key: string]: never; }>;


export type DashboardHealthSubscription = { pbxHealthChanged: { up: boolean, state: CircuitState, at: string, pbx: { sourceId: string } } };

export class TypedDocumentString<TResult, TVariables>
  extends String
  implements DocumentTypeDecoration<TResult, TVariables>
{
  __apiType?: NonNullable<DocumentTypeDecoration<TResult, TVariables>['__apiType']>;
  private value: string;
  public __meta__?: Record<string, any> | undefined;

  constructor(value: string, __meta__?: Record<string, any> | undefined) {
    super(value);
    this.value = value;
    this.__meta__ = __meta__;
  }

  override toString(): string & DocumentTypeDecoration<TResult, TVariables> {
    return this.value;
  }
}

export const DashboardDocument = new TypedDocumentString(`
    query Dashboard($after: String) {
  pbxes {
    sourceId
    name
    vendor
    capabilities
  }
  extensions(first: 500, after: $after) {
    edges {
      node {
        id
        number
        name
        status
        pbx {
          sourceId
        }
      }
    }
    pageInfo {
      hasNextPage
      endCursor
    }
  }
}
    `) as unknown as TypedDocumentString<DashboardQuery, DashboardQueryVariables>;
export const DashboardStatusDocument = new TypedDocumentString(`
    subscription DashboardStatus {
  extensionStatusChanged {
    extension {
      id
      number
      name
      status
      pbx {
        sourceId
      }
    }
    status
    previousStatus
    at
  }
}
    `) as unknown as TypedDocumentString<DashboardStatusSubscription, DashboardStatusSubscriptionVariables>;
export const DashboardHealthDocument = new TypedDocumentString(`
    subscription DashboardHealth {
  pbxHealthChanged {
    pbx {
      sourceId
    }
    up
    state
    at
  }
}
    `) as unknown as TypedDocumentString<DashboardHealthSubscription, DashboardHealthSubscriptionVariables>;