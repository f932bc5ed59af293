import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import { DashboardDocument, SourcesDocument, type DashboardQuery } from './generated.ts';

/** A GraphQL error as pbx-graph sends it. */
export interface GraphQLErrorBody {
  /** What went wrong. */
  message: string;
  /** The public code (NOT_FOUND, VENDOR_UNAVAILABLE, ...) and the source it concerns. */
  extensions?: { code?: string; pbx?: string };
}

/** A typed answer: the data the operation's types say, plus any partial errors. */
export interface Answer<D> {
  /** The data (null where a whole root field failed). */
  data: D | null;
  /** Errors, one per failed source or field. */
  errors: GraphQLErrorBody[];
}

/** Sends one typed operation to a pbx-graph endpoint with an API key. */
export async function request<D, V extends Record<string, unknown>>(
  endpoint: string,
  apiKey: string | undefined,
  document: TypedDocumentNode<D, V>,
  variables?: V,
): Promise<Answer<D>> {
  const res = await fetch(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}) },
    body: JSON.stringify({ query: print(document), variables }),
  });
  const body = (await res.json()) as { data?: D | null; errors?: GraphQLErrorBody[] };
  return { data: body.data ?? null, errors: body.errors ?? [] };
}

/** Every extension of every source with its live status, page by page (the dashboard's question). */
export async function dashboard(endpoint: string, apiKey?: string): Promise<{ number: string; status: string; pbx: string }[]> {
  const sources = await request(endpoint, apiKey, SourcesDocument);
  const rows: { number: string; status: string; pbx: string }[] = [];
  for (const source of sources.data?.pbxes ?? []) {
    let after: string | null | undefined;
    do {
      const page: Answer<DashboardQuery> = await request(endpoint, apiKey, DashboardDocument, { pbx: source.sourceId, first: 100, ...(after ? { after } : {}) });
      const conn = page.data?.extensions;
      for (const edge of conn?.edges ?? []) rows.push({ number: edge.node.number, status: edge.node.status ?? 'UNKNOWN', pbx: edge.node.pbx.id });
      after = conn?.pageInfo.hasNextPage ? conn.pageInfo.endCursor : null;
    } while (after);
  }
  return rows;
}
