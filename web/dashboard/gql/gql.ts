/* eslint-disable */
import * as types from './graphql';



/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  query Dashboard($after: String) {\n    pbxes {\n      sourceId\n      name\n      vendor\n      capabilities\n    }\n    extensions(first: 500, after: $after) {\n      edges {\n        node {\n          id\n          number\n          name\n          status\n          pbx {\n            sourceId\n          }\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": typeof types.DashboardDocument,
    "\n  subscription DashboardStatus {\n    extensionStatusChanged {\n      extension {\n        id\n        number\n        name\n        status\n        pbx {\n          sourceId\n        }\n      }\n      status\n      previousStatus\n      at\n    }\n  }\n": typeof types.DashboardStatusDocument,
    "\n  subscription DashboardHealth {\n    pbxHealthChanged {\n      pbx {\n        sourceId\n      }\n      up\n      state\n      at\n    }\n  }\n": typeof types.DashboardHealthDocument,
};
const documents: Documents = {
    "\n  query Dashboard($after: String) {\n    pbxes {\n      sourceId\n      name\n      vendor\n      capabilities\n    }\n    extensions(first: 500, after: $after) {\n      edges {\n        node {\n          id\n          number\n          name\n          status\n          pbx {\n            sourceId\n          }\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": types.DashboardDocument,
    "\n  subscription DashboardStatus {\n    extensionStatusChanged {\n      extension {\n        id\n        number\n        name\n        status\n        pbx {\n          sourceId\n        }\n      }\n      status\n      previousStatus\n      at\n    }\n  }\n": types.DashboardStatusDocument,
    "\n  subscription DashboardHealth {\n    pbxHealthChanged {\n      pbx {\n        sourceId\n      }\n      up\n      state\n      at\n    }\n  }\n": types.DashboardHealthDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Dashboard($after: String) {\n    pbxes {\n      sourceId\n      name\n      vendor\n      capabilities\n    }\n    extensions(first: 500, after: $after) {\n      edges {\n        node {\n          id\n          number\n          name\n          status\n          pbx {\n            sourceId\n          }\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"): typeof import('./graphql').DashboardDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription DashboardStatus {\n    extensionStatusChanged {\n      extension {\n        id\n        number\n        name\n        status\n        pbx {\n          sourceId\n        }\n      }\n      status\n      previousStatus\n      at\n    }\n  }\n"): typeof import('./graphql').DashboardStatusDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription DashboardHealth {\n    pbxHealthChanged {\n      pbx {\n        sourceId\n      }\n      up\n      state\n      at\n    }\n  }\n"): typeof import('./graphql').DashboardHealthDocument;


export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}
