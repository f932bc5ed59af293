// GraphQL Mesh v1 compose config: the same five vendor APIs pbx-graph reads, described as
// OpenAPI (VitalPBX) and JSON Schema operations (the others), composed into one supergraph that
// Hive Gateway serves (gateway.mjs). Regenerate supergraph.graphql with `npm run compose` here.
//
// `{env.X}` placeholders stay in the supergraph and are read by the gateway per request, so the
// simulators' ports and the session tokens are chosen when the benchmark starts, not at compose time.
//
// Batching: Mesh's only batching is @resolveTo with keysArg/keyField (a DataLoader per request over
// an operation that takes a list of keys). Of these APIs only PortSIP has such an endpoint
// (POST extensions/status); everything else is one REST call per parent object.
import { defineConfig } from '@graphql-mesh/compose-cli';
import { loadJSONSchemaSubgraph } from '@omnigraph/json-schema';
import { loadOpenAPISubgraph } from '@omnigraph/openapi';

const str = { type: 'string' };
const bool = { type: 'boolean' };
const int = { type: 'integer' };
const obj = (title, properties) => ({ type: 'object', title, properties });
const arr = (items) => ({ type: 'array', items });

// ---- PortSIP (token-in-query generation): token from account/credentials/verify, passed in env.
const portsipSummary = obj('PortsipExtension', {
  extension_number: str, first_name: str, last_name: str, email: str,
  status: str, user_agent: str, phone_mac_address: str, phone_model: str,
});
const portsipStatus = obj('PortsipExtensionStatus', { extension_number: str, status: str, user_agent: str });
const portsipGroupDetail = obj('PortsipGroupDetail', {
  group_id: str, group_name: str, group_description: str, enable_intercom: bool, enable_external_call: bool,
  enable_management_console_access: bool, members: arr(str),
});

// ---- Telecom X: a persistent login token (POST /auth/login {persist:true}) passed in env.
const txPhone = obj('TelecomxPhone', { _id: str, type: str, model: str, identification: str, online: bool, dnd: bool, notes: str });
const txExtension = obj('TelecomxExtension', {
  _id: str, type: str, customer: str, name: str, number: str, notes: str, employee: str, direct: str, phones: arr(txPhone),
});

// ---- eTelecom: POST <base>.Etelecom/GetExtensions with a Bearer key.
const etExtension = obj('EtelecomExtension', {
  id: str, extension_number: str, tenant_id: str, tenant_domain: str, hotline_id: str, user_id: str,
  subscription_id: str, state: str, created_at: str, updated_at: str, expires_at: str,
});

// ---- Point VoIP portal: POST get/extensions with credentials in the body.
const portalItem = obj('PortalListItem', { number: int, firstName: str, lastName: str, status: str });

export const composeConfig = defineConfig({
  subgraphs: [
    {
      sourceHandler: loadOpenAPISubgraph('Vital', {
        source: './vitalpbx.openapi.json',
        endpoint: 'http://127.0.0.1:{env.VITAL_PORT}/api/v2',
        operationHeaders: { 'app-key': '{env.VITAL_APP_KEY}', tenant: '{env.VITAL_TENANT}' },
      }),
    },
    {
      sourceHandler: loadJSONSchemaSubgraph('PortSIP', {
        endpoint: 'http://127.0.0.1:{env.PORTSIP_PORT}/api',
        operations: [
          {
            type: 'Query',
            field: 'portsipExtensions',
            path: '/extensions/list?access_token={env.PORTSIP_TOKEN}&sort_by=DEFAULT',
            method: 'GET',
            argTypeMap: { pagination: { type: 'integer' }, pagesize: { type: 'integer' } },
            queryParamArgMap: { pagination: 'pagination', pagesize: 'pagesize' },
            responseSchema: obj('PortsipExtensionList', { pagination: int, pagesize: int, page_count: int, extensions: arr(portsipSummary) }),
          },
          {
            // The batch endpoint, declared as a Query (it is a read) so @resolveTo can batch into it.
            type: 'Query',
            field: 'portsipExtensionsStatus',
            path: '/extensions/status',
            method: 'POST',
            requestBaseBody: { access_token: '{env.PORTSIP_TOKEN}' },
            requestSchema: { type: 'object', title: 'PortsipStatusRequest', properties: { extensions: arr(str) }, required: ['extensions'] },
            responseSchema: obj('PortsipStatusResponse', { extension_status: arr(portsipStatus) }),
          },
          {
            type: 'Query',
            field: 'portsipExtension',
            path: '/extensions/show?access_token={env.PORTSIP_TOKEN}',
            method: 'GET',
            argTypeMap: { extension_number: { type: 'string' } },
            queryParamArgMap: { extension_number: 'extension_number' },
            responseSchema: obj('PortsipExtensionSettings', {
              extension_number: str,
              belong_groups: arr(obj('PortsipGroupRef', { group_id: str, group_name: str })),
            }),
          },
          {
            type: 'Query',
            field: 'portsipGroups',
            path: '/extensions/group/list?access_token={env.PORTSIP_TOKEN}&sort_by=DEFAULT',
            method: 'GET',
            argTypeMap: { pagination: { type: 'integer' }, pagesize: { type: 'integer' } },
            queryParamArgMap: { pagination: 'pagination', pagesize: 'pagesize' },
            responseSchema: obj('PortsipGroupList', {
              page_count: int,
              groups: arr(obj('PortsipGroupSummary', { group_id: str, group_name: str, members_count: int })),
            }),
          },
          {
            type: 'Query',
            field: 'portsipGroup',
            path: '/extensions/group/show?access_token={env.PORTSIP_TOKEN}',
            method: 'GET',
            argTypeMap: { group_id: { type: 'string' } },
            queryParamArgMap: { group_id: 'group_id' },
            responseSchema: portsipGroupDetail,
          },
        ],
      }),
    },
    {
      sourceHandler: loadJSONSchemaSubgraph('TelecomX', {
        endpoint: 'http://127.0.0.1:{env.TELECOMX_PORT}',
        operations: [
          {
            type: 'Query',
            field: 'telecomxExtensions',
            path: '/pbx/extension?token={env.TELECOMX_TOKEN}&includePhones=true&expandGoto=true&sort=number',
            method: 'GET',
            argTypeMap: { offset: { type: 'integer' }, limit: { type: 'integer' }, customer: { type: 'string' } },
            queryParamArgMap: { offset: 'offset', limit: 'limit', customer: 'customer' },
            responseSchema: obj('TelecomxExtensionList', { offset: int, limit: int, total: int, extensions: arr(txExtension) }),
          },
        ],
      }),
    },
    {
      sourceHandler: loadJSONSchemaSubgraph('ETelecom', {
        endpoint: 'http://127.0.0.1:{env.ETELECOM_PORT}/v1',
        operationHeaders: { Authorization: 'Bearer {env.ETELECOM_API_KEY}' },
        operations: [
          {
            type: 'Query',
            field: 'etelecomExtensions',
            path: '/etelecom.vpbx.api.Etelecom/GetExtensions',
            method: 'POST',
            requestSchema: {
              type: 'object',
              title: 'EtelecomGetExtensionsRequest',
              properties: { paging: obj('EtelecomPaging', { after: str, limit: int }) },
            },
            responseSchema: obj('EtelecomExtensionsPage', {
              extensions: arr(etExtension),
              paging: obj('EtelecomPagingAnswer', { next: str, prev: str, limit: int }),
            }),
          },
        ],
      }),
    },
    {
      sourceHandler: loadJSONSchemaSubgraph('Portal', {
        endpoint: 'http://127.0.0.1:{env.PORTAL_PORT}/api/v1',
        operations: [
          {
            type: 'Query',
            field: 'portalExtensions',
            path: '/get/extensions',
            method: 'POST',
            requestBaseBody: { authId: '{env.PORTAL_AUTH_ID}', authKey: '{env.PORTAL_AUTH_KEY}', module: 'pbx', pbxId: '{env.PORTAL_PBX_ID}' },
            responseSchema: obj('PortalListAnswer', { message: str, status: bool, count: int, result: arr(portalItem) }),
          },
        ],
      }),
    },
  ],
  additionalTypeDefs: /* GraphQL */ `
    extend type PortsipExtension {
      # Batched: every liveStatus field of one execution tick becomes ONE POST extensions/status.
      liveStatus: PortsipExtensionStatus
        @resolveTo(
          sourceName: "PortSIP"
          sourceTypeName: "Query"
          sourceFieldName: "portsipExtensionsStatus"
          keyField: "extension_number"
          keysArg: "input.extensions"
          result: "extension_status"
          valueKeyField: "extension_number"
        )
      # No batch form: one extensions/show per extension.
      settings: PortsipExtensionSettings
        @resolveTo(
          sourceName: "PortSIP"
          sourceTypeName: "Query"
          sourceFieldName: "portsipExtension"
          requiredSelectionSet: "{ extension_number }"
          sourceArgs: { extension_number: "{root.extension_number}" }
        )
    }
    extend type PortsipGroupSummary {
      # No batch form: one extensions/group/show per group.
      detail: PortsipGroupDetail
        @resolveTo(
          sourceName: "PortSIP"
          sourceTypeName: "Query"
          sourceFieldName: "portsipGroup"
          requiredSelectionSet: "{ group_id }"
          sourceArgs: { group_id: "{root.group_id}" }
        )
    }
    extend type VitalExtension {
      cdr: VitalCdrSummary
        @resolveTo(
          sourceName: "Vital"
          sourceTypeName: "Query"
          sourceFieldName: "vitalCdrSummary"
          requiredSelectionSet: "{ extension_id }"
          sourceArgs: { id: "{root.extension_id}" }
          result: "data"
        )
      voicemailRecords: JSON
        @resolveTo(
          sourceName: "Vital"
          sourceTypeName: "Query"
          sourceFieldName: "vitalVoicemailRecords"
          requiredSelectionSet: "{ extension_id }"
          sourceArgs: { id: "{root.extension_id}" }
          result: "data"
        )
    }
  `,
});
