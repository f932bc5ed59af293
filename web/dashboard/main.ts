import { createClient, type Client } from 'graphql-ws';
import type { DashboardQuery, DashboardQueryVariables, ExtensionStatus } from './gql/graphql.ts';
import type { TypedDocumentString } from './gql/graphql.ts';
import { DashboardQuery as DashboardDoc, HealthSubscription, StatusSubscription } from './operations.ts';

/*
 * The dashboard: every source's extensions with their live status. One query lists them (page after
 * page), one subscription keeps their status current, another shows sources going down. No framework:
 * rows are plain table rows, and a status event touches its own row only.
 */

/** One extension row. */
interface Row {
  /** Global id. */
  id: string;
  /** Source id. */
  source: string;
  /** Extension number. */
  number: string;
  /** Display name. */
  name: string;
  /** Live status (null: the source has none). */
  status: ExtensionStatus | null;
  /** Its table row, once drawn. */
  tr?: HTMLTableRowElement;
}

/** A source as the filter lists it. */
interface Source {
  /** Source id. */
  id: string;
  /** Display name. */
  name: string;
  /** Vendor key. */
  vendor: string;
  /** True when the vendor reports live status. */
  live: boolean;
  /** False while its circuit is open. */
  up: boolean;
}

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const rows = new Map<string, Row>();
const sources = new Map<string, Source>();
const tbody = $<HTMLTableSectionElement>('rows');
const filter = $<HTMLSelectElement>('source');
const search = $<HTMLInputElement>('search');
const conn = $<HTMLSpanElement>('conn');
const summary = $<HTMLSpanElement>('summary');
const keyForm = $<HTMLFormElement>('keyform');
const keyInput = $<HTMLInputElement>('key');

/** The API key: from `#key=` in the address, or remembered from an earlier visit. */
function apiKey(): string | null {
  const fromHash = new URLSearchParams(location.hash.slice(1)).get('key');
  if (fromHash) {
    sessionStorage.setItem('pbx-graph-key', fromHash);
    history.replaceState(null, '', location.pathname + location.search);
  }
  return sessionStorage.getItem('pbx-graph-key');
}

/** Runs a typed query over HTTP. */
async function query<R, V>(doc: TypedDocumentString<R, V>, variables: V): Promise<R> {
  const key = apiKey();
  const res = await fetch('/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { 'x-api-key': key } : {}) },
    body: JSON.stringify({ query: doc.toString(), variables }),
  });
  if (res.status === 401) {
    keyForm.hidden = false;
    throw new Error('an API key is needed');
  }
  const body = (await res.json()) as { data?: R; errors?: { message: string }[] };
  if (!body.data) throw new Error(body.errors?.[0]?.message ?? `HTTP ${res.status}`);
  return body.data;
}

function setConnection(state: 'connecting' | 'live' | 'offline'): void {
  conn.textContent = state;
  conn.className = `conn ${state}`;
}

function statusCell(td: HTMLTableCellElement, status: ExtensionStatus | null): void {
  td.className = 'status';
  const badge = document.createElement('span');
  badge.className = `badge s-${(status ?? 'none').toLowerCase()}`;
  badge.textContent = status ? status.replace('_', ' ') : 'no live status';
  td.dataset['status'] = status ?? '';
  td.replaceChildren(badge);
}

function drawRow(r: Row): HTMLTableRowElement {
  const tr = document.createElement('tr');
  tr.dataset['id'] = r.id;
  tr.dataset['source'] = r.source;
  tr.dataset['number'] = r.number;
  const cells = [sources.get(r.source)?.name ?? r.source, r.number, r.name];
  for (const text of cells) {
    const td = document.createElement('td');
    td.textContent = text;
    tr.append(td);
  }
  const td = document.createElement('td');
  statusCell(td, r.status);
  tr.append(td);
  r.tr = tr;
  return tr;
}

/** Rows the filter and the search box let through. */
function visible(r: Row): boolean {
  const src = filter.value;
  if (src && r.source !== src) return false;
  const q = search.value.trim().toLowerCase();
  return !q || r.number.toLowerCase().includes(q) || r.name.toLowerCase().includes(q);
}

function render(): void {
  const frag = document.createDocumentFragment();
  let shown = 0;
  const counts = new Map<string, number>();
  // Sources with live status first: extensions without it sink to the bottom of a live dashboard.
  const ordered = [...rows.values()].sort((a, b) => Number(sources.get(b.source)?.live ?? false) - Number(sources.get(a.source)?.live ?? false));
  for (const r of ordered) {
    if (!visible(r)) continue;
    shown++;
    const s = r.status ?? 'NONE';
    counts.set(s, (counts.get(s) ?? 0) + 1);
    frag.append(r.tr ?? drawRow(r));
  }
  tbody.replaceChildren(frag);
  const parts = [...counts].sort().map(([s, n]) => `${n} ${s === 'NONE' ? 'without live status' : s.toLowerCase().replace('_', ' ')}`);
  summary.textContent = `${shown} extensions${parts.length ? ': ' + parts.join(', ') : ''}`;
}

function renderSources(): void {
  const current = filter.value;
  const options = [new Option('All sources', '')];
  for (const s of sources.values()) {
    const label = `${s.name} (${s.vendor}${s.live ? '' : ', no live status'}${s.up ? '' : ', DOWN'})`;
    options.push(new Option(label, s.id));
  }
  filter.replaceChildren(...options);
  filter.value = current;
}

/** Lists every extension (page after page); the subscription keeps them current afterwards. */
async function load(): Promise<void> {
  let after: string | null = null;
  const fresh = new Map<string, Row>();
  for (;;) {
    const variables: DashboardQueryVariables = { after };
    const data: DashboardQuery = await query(DashboardDoc, variables);
    for (const p of data.pbxes) sources.set(p.sourceId, { id: p.sourceId, name: p.name, vendor: p.vendor, live: p.capabilities.includes('STATUS'), up: sources.get(p.sourceId)?.up ?? true });
    for (const { node } of data.extensions?.edges ?? []) {
      fresh.set(node.id, { id: node.id, source: node.pbx.sourceId, number: node.number, name: node.name ?? '', status: node.status });
    }
    if (!data.extensions?.pageInfo.hasNextPage) break;
    after = data.extensions.pageInfo.endCursor;
  }
  rows.clear();
  for (const [id, r] of fresh) rows.set(id, r);
  renderSources();
  render();
}

function onStatus(e: { extension: { id: string; number: string; name: string | null; pbx: { sourceId: string } }; status: ExtensionStatus }): void {
  let r = rows.get(e.extension.id);
  if (!r) {
    r = { id: e.extension.id, source: e.extension.pbx.sourceId, number: e.extension.number, name: e.extension.name ?? '', status: e.status };
    rows.set(r.id, r);
    render();
    return;
  }
  r.status = e.status;
  const td = r.tr?.lastElementChild as HTMLTableCellElement | null | undefined;
  if (td) {
    statusCell(td, e.status);
    td.classList.add('changed');
    setTimeout(() => td.classList.remove('changed'), 1500);
  }
}

function subscribe(client: Client): void {
  client.subscribe<{ extensionStatusChanged: Parameters<typeof onStatus>[0] }>(
    { query: StatusSubscription.toString() },
    {
      next: (msg) => {
        if (msg.data) onStatus(msg.data.extensionStatusChanged);
      },
      error: () => setConnection('offline'),
      complete: () => undefined,
    },
  );
  client.subscribe<{ pbxHealthChanged: { pbx: { sourceId: string }; up: boolean } }>(
    { query: HealthSubscription.toString() },
    {
      next: (msg) => {
        const e = msg.data?.pbxHealthChanged;
        const s = e && sources.get(e.pbx.sourceId);
        if (!s) return;
        s.up = e.up;
        renderSources();
      },
      error: () => undefined,
      complete: () => undefined,
    },
  );
}

function start(): void {
  let connectedOnce = false;
  const client = createClient({
    url: `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/graphql`,
    connectionParams: () => {
      const key = apiKey();
      return key ? { apiKey: key } : {};
    },
    lazy: false,
    keepAlive: 10_000,
    retryAttempts: Infinity,
    shouldRetry: () => true,
    on: {
      connecting: () => setConnection('connecting'),
      connected: () => {
        setConnection('live');
        // Changes made while the socket was down are not replayed: list again once it is back.
        if (connectedOnce) void load().catch(() => undefined);
        connectedOnce = true;
      },
      closed: () => setConnection('offline'),
    },
  });
  subscribe(client);
}

filter.addEventListener('change', render);
search.addEventListener('input', render);
keyForm.addEventListener('submit', (ev) => {
  ev.preventDefault();
  sessionStorage.setItem('pbx-graph-key', keyInput.value.trim());
  location.reload();
});
setConnection('connecting');
load()
  .then(start)
  .catch((err: unknown) => {
    summary.textContent = err instanceof Error ? err.message : 'failed to load';
    setConnection('offline');
  });
