import { graphql } from './gql/index.ts';

/** Every source and one page of extensions with their status (the page asks page after page). */
export const DashboardQuery = graphql(`
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
`);

/** Every status change of every source the key can see. */
export const StatusSubscription = graphql(`
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
`);

/** Sources going down and coming back. */
export const HealthSubscription = graphql(`
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
`);
