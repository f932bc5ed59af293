import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startStack, type TestStack } from './helpers.ts';

/** A small seeded PRNG (mulberry32): the same seed gives the same inputs, so a failure replays. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  return { next, int, pick };
}

/** One fuzzed HTTP request. */
interface Input {
  kind: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

const VALID = [
  '{ pbxes { id sourceId vendor name capabilities } }',
  '{ extensions(first: 5) { totalCount edges { cursor node { id number firstName status } } pageInfo { hasNextPage endCursor } } }',
  '{ groups { id name members { number } } }',
  'query Q($id: ID!) { extension(id: $id) { number email } }',
  'query N($id: ID!) { node(id: $id) { id ... on Extension { number } ... on Pbx { name } } }',
  '{ findExtension(pbx: "vital-hq", number: "101") { number } }',
  'query P($first: Int) { extensions(pbx: "portsip-demo", first: $first) { edges { node { number } } } }',
  '{ pbx(id: "vital-hq") { health { ok } groups { name } } }',
  'mutation { refreshPbx(id: "vital-hq") { sourceId } }',
  '{ __schema { queryType { name } } }',
];

const UNICODE = ['é', 'ß', '中文', '🙂', '\u0000', '\u200b', '\ufeff', '\ud800', '\udfff', 'Ω', '\u202e', '\n', '\t', '"', '\\', '{', '}', '$', '…'];

function generate(seed: number, count: number): Input[] {
  const r = prng(seed);
  const json = { 'content-type': 'application/json' };
  const post = (kind: string, body: string, headers: Record<string, string> = json): Input => ({ kind, method: 'POST', path: '/graphql', headers, body });
  const gql = (kind: string, query: unknown, variables?: unknown, extra: Record<string, unknown> = {}) => post(kind, JSON.stringify({ query, variables, ...extra }));
  const mutate = (s: string): string => {
    const chars = [...s];
    const n = 1 + r.int(4);
    for (let i = 0; i < n; i++) {
      const at = r.int(chars.length + 1);
      const op = r.int(3);
      if (op === 0) chars.splice(at, 1);
      else if (op === 1) chars.splice(at, 0, r.pick(['{', '}', '(', ')', ':', '$', '!', '"', '...', '@', '#', ' ', 'x', '1', ',', '[', ']', '=']));
      else chars.splice(at, 1, r.pick(UNICODE));
    }
    return chars.join('');
  };
  const randomId = () =>
    r.pick([
      Buffer.from(`${r.pick(['Extension', 'Pbx', 'Group', 'Device', 'Queue', 'Nope'])}:${r.pick(['vital-hq', 'portsip-demo', 'x', ''])}:${r.int(2000)}`).toString('base64url'),
      'x'.repeat(r.int(3000)),
      r.pick(UNICODE).repeat(r.int(50)),
      '',
      '%%%',
    ]);
  const generators: (() => Input)[] = [
    // Malformed documents: valid ones mutated or cut short.
    () => gql('malformed', mutate(r.pick(VALID))),
    () => {
      const q = r.pick(VALID);
      return gql('truncated', q.slice(0, r.int(q.length)));
    },
    // Deep nesting, of selections and of brackets.
    () => {
      const depth = 1 + r.int(60);
      let q = 'number';
      for (let i = 0; i < depth; i++) q = r.pick([`pbx { extensions(first: 1) { edges { node { ${q} } } } }`, `... on Extension { ${q} }`, `groups { members { ${q} } }`]);
      return gql('deep', `{ extensions(first: 1) { edges { node { ${q} } } } }`);
    },
    () => {
      const n = 1 + r.int(5000);
      return gql('brackets', r.pick(['{', '[', '(', '{ a']).repeat(n) + r.pick(['}', ']', ')', '']).repeat(r.int(n + 1)));
    },
    () => {
      const n = 1 + r.int(3000);
      return gql('deep-variables', 'query($v: [Int]) { pbxes { id } }', { v: JSON.parse('['.repeat(n) + ']'.repeat(n)) });
    },
    // Aliases and many root fields.
    () => {
      const n = 1 + r.int(200);
      return gql('aliases', `{ ${Array.from({ length: n }, (_, i) => `a${i}: pbxes { id }`).join(' ')} }`);
    },
    () => {
      const n = 1 + r.int(200);
      return gql('field-aliases', `{ pbxes { ${Array.from({ length: n }, (_, i) => `f${i}: name`).join(' ')} } }`);
    },
    // Huge strings and odd unicode in arguments, names and variables.
    () => gql('huge-string', `{ extensions(search: "${'a'.repeat(r.int(120_000))}") { totalCount } }`),
    () => gql('huge-variable', 'query($s: String) { extensions(search: $s, first: 1) { totalCount } }', { s: r.pick(UNICODE).repeat(r.int(40_000)) }),
    () => gql('unicode-search', 'query($s: String) { extensions(search: $s, first: 2) { edges { node { number } } } }', { s: Array.from({ length: r.int(30) }, () => r.pick(UNICODE)).join('') }),
    () => gql('unicode-document', `{ ${r.pick(UNICODE)}pbxes${r.pick(UNICODE)} { id } }`),
    () => gql('random-ids', r.pick([VALID[3], VALID[4]]), { id: randomId() }),
    () => gql('pbx-ids', `query($p: ID) { groups(pbx: $p) { id } extensions(pbx: $p, first: 1) { totalCount } pbxes { id } }`, { p: r.pick(['nope', '', 'vital-hq', 'UGJ4OnZpdGFsLWhxOg', randomId()]) }),
    // Wrong variable types.
    () =>
      gql('wrong-variables', r.pick([VALID[3], VALID[4], VALID[6]]), r.pick([
        { id: 5 }, { id: null }, { id: { a: 1 } }, { id: [1, 2] }, { first: 'x' }, { first: 1e20 }, { first: -1 }, { first: 0 }, { first: 501 }, { first: 2.5 },
        { first: true }, 'not an object', [1, 2], 42, null, { ['__proto__']: { polluted: true } },
      ])),
    () => gql('first-literals', `{ extensions(first: ${r.pick(['0', '-1', '501', '100000', '99999999999999999999', '1.5', '"3"', 'null', 'true', '$x'])}) { totalCount } }`),
    // Batches (off) and odd JSON shapes.
    () => post('batch', JSON.stringify(Array.from({ length: r.int(5) }, () => ({ query: r.pick(VALID) })))),
    () => post('odd-json', r.pick(['null', '[]', '"str"', '123', 'true', '{}', '{"query": 5}', '{"query": null}', '{"query": {"a": 1}}', '{"query": ["{ pbxes { id } }"]}', '{"query": "{ pbxes { id } }", "operationName": 5}', '{"query": "{ pbxes { id } }", "operationName": "Nope"}', '{"query": "{ pbxes { id } }", "extensions": "x"}', '{"query": "{ pbxes { id } }", "variables": "x"}', '{"query": "{ pbxes { id } }", "extensions": {"persistedQuery": {"version": 1, "sha256Hash": "abc"}}}', '{"query": "query A { pbxes { id } } query B { pbxes { id } }"}', '{"query": "{ pbxes { id } }"', '{"query": "\\ud800"}', '\ufeff{"query": "{ pbxes { id } }"}', '1e999999', '{"a":' + '['.repeat(5000)])),
    // Odd bodies and content types.
    () => post('content-type', r.pick([JSON.stringify({ query: VALID[0] }), 'query={ pbxes { id } }', '', 'x'.repeat(r.int(200_000))]), r.pick<Record<string, string>>([
      { 'content-type': 'text/plain' }, { 'content-type': 'application/x-www-form-urlencoded' }, { 'content-type': 'multipart/form-data; boundary=x' }, {},
      { 'content-type': 'application/json; charset=latin1' }, { 'content-type': 'application/graphql' }, { 'content-type': 'application/json', 'apollo-require-preflight': 'true' },
      { 'content-type': 'application/json', 'content-encoding': 'gzip' }, { 'content-type': 'application/json', 'x-request-id': '../../etc/passwd\u00e9' },
    ])),
    // GET in all its forms.
    () => {
      const q = r.pick([...VALID, mutate(r.pick(VALID)), '', '{']);
      const params = new URLSearchParams({ query: q });
      if (r.int(3) === 0) params.set('variables', r.pick(['{"id": "x"}', '{', 'null', '[]', '{"first": "x"}']));
      if (r.int(4) === 0) params.set('extensions', r.pick(['{', '{}', '{"persistedQuery": {"version": 1, "sha256Hash": "x"}}']));
      const headers: Record<string, string> = r.int(2) ? { 'apollo-require-preflight': 'true' } : {};
      if (r.int(3) === 0) headers['accept'] = r.pick(['text/html', 'application/json', '*/*', 'application/graphql-response+json', 'nonsense/thing']);
      return { kind: 'get', method: 'GET', path: r.pick(['/graphql', '/']) + (r.int(8) ? `?${params}` : r.pick(['', '?query=%E0%A4%A', '?query', '?variables=1'])), headers };
    },
    // Other methods and paths.
    () => ({
      kind: 'method',
      method: r.pick(['PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD', 'GET', 'POST']),
      path: r.pick(['/graphql', '/', '/nope', '/graphql/', '//graphql', '/graphql?x=%', '/health?x=1', '/%2e%2e/']),
      headers: r.pick<Record<string, string>>([{}, json, { accept: 'text/html' }]),
      body: r.int(2) ? JSON.stringify({ query: r.pick(VALID) }) : undefined,
    }),
  ];
  return Array.from({ length: count }, (_, i) => generators[i % generators.length]!());
}

const CODES = new Set([
  'GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_USER_INPUT', 'BAD_REQUEST', 'PERSISTED_QUERY_NOT_FOUND', 'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE', 'NOT_FOUND', 'UNSUPPORTED_BY_VENDOR', 'UNAUTHENTICATED', 'FORBIDDEN', 'RATE_LIMITED',
]);

describe('fuzz: malformed and hostile requests', () => {
  let stack: TestStack;
  const unhandled: unknown[] = [];
  const onUnhandled = (err: unknown) => unhandled.push(err);
  before(async () => {
    process.on('unhandledRejection', onUnhandled);
    process.on('uncaughtException', onUnhandled);
    stack = await startStack({ vendors: ['vitalpbx', 'portsip'], size: 5, debug: false, extraConfig: { rateLimit: { capacity: 1_000_000, refillPerSecond: 1_000_000 } } });
  });
  after(async () => {
    process.off('unhandledRejection', onUnhandled);
    process.off('uncaughtException', onUnhandled);
    await stack.close();
  });

  test('1,200 seeded inputs: no 5xx, no unhandled error, every refusal a clear error with a public code', async () => {
    const inputs = generate(24_2026, 1200);
    const base = stack.gateway.url.replace(/\/graphql$/, '');
    const failures: string[] = [];
    const kinds = new Map<string, number>();
    // A few at a time, like clients would.
    for (let i = 0; i < inputs.length; i += 8) {
      await Promise.all(
        inputs.slice(i, i + 8).map(async (input, j) => {
          const where = `#${i + j} ${input.kind} ${input.method} ${input.path.slice(0, 60)} ${(input.body ?? '').slice(0, 80)}`;
          let res: Response;
          try {
            res = await fetch(base + input.path, { method: input.method, headers: input.headers, ...(input.body !== undefined && input.method !== 'GET' && input.method !== 'HEAD' ? { body: input.body } : {}), redirect: 'manual' });
          } catch (err) {
            failures.push(`${where}: no answer (${(err as Error).message})`);
            return;
          }
          kinds.set(input.kind, (kinds.get(input.kind) ?? 0) + 1);
          const text = await res.text();
          if (res.status >= 500) return void failures.push(`${where}: HTTP ${res.status} ${text.slice(0, 200)}`);
          if (input.method === 'HEAD' || res.status === 302 || res.status === 204) return;
          if ((res.headers.get('content-type') ?? '').startsWith('text/html')) return;
          let body: { data?: unknown; errors?: { message?: unknown; extensions?: { code?: unknown } }[]; status?: unknown };
          try {
            body = JSON.parse(text);
          } catch {
            return void failures.push(`${where}: HTTP ${res.status} answer is not JSON: ${text.slice(0, 120)}`);
          }
          if (input.path.startsWith('/health')) return;
          if (res.status >= 400 && !body.errors?.length) return void failures.push(`${where}: HTTP ${res.status} without errors`);
          if (!('data' in body) && !body.errors?.length) return void failures.push(`${where}: neither data nor errors`);
          for (const e of body.errors ?? []) {
            const code = e.extensions?.code;
            if (typeof e.message !== 'string' || e.message === '') failures.push(`${where}: an error without a message`);
            if (typeof code !== 'string' || !CODES.has(code)) failures.push(`${where}: error code ${String(code)}: ${String(e.message).slice(0, 160)}`);
          }
        }),
      );
    }
    assert.equal(unhandled.length, 0, `unhandled: ${unhandled.map(String).join('; ')}`);
    assert.ok(!stack.logLines.some((l) => l.includes('"request failed"')), 'the gateway logged a failed request');
    assert.deepEqual(failures.slice(0, 25), [], `${failures.length} failures`);
    assert.ok(inputs.length >= 1000 && kinds.size >= 15);
  });
});
