import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { demoDirectory, EMPLOYEES_SDL, startEmployeesSubgraph, type EmployeeRecord, type EmployeesSubgraph } from '../examples/supergraph/employees.ts';
import { composeSupergraph, fetchSubgraphSdl, startSupergraphGateway, type SupergraphGateway } from '../examples/supergraph/gateway.ts';
import { startStack, type TestStack } from './helpers.ts';

const CROSS_QUERY = '{ employees { name extension { number status pbx { vendor } } } }';
const SOURCE_VENDOR: Record<string, string> = { 'vital-hq': 'vitalpbx', 'etelecom-demo': 'etelecom', 'portal-demo': 'portal', 'telecomx-demo': 'telecomx', 'portsip-demo': 'portsip' };

/** Errors other than the documented one: a vendor with no status API answers `status` null with UNSUPPORTED_BY_VENDOR. */
function unexpected(errors: { extensions?: { code?: string } }[] | undefined): unknown[] {
  return (errors ?? []).filter((e) => e.extensions?.code !== 'UNSUPPORTED_BY_VENDOR');
}

async function post(url: string, query: string, variables: Record<string, unknown> = {}): Promise<{ status: number; body: any }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
  return { status: res.status, body: await res.json() };
}

describe('the supergraph example: employees + pbx-graph behind Apollo Gateway', () => {
  let stack: TestStack;
  let employees: EmployeesSubgraph;
  let gateway: SupergraphGateway;
  let directory: EmployeeRecord[];
  const perSource = 3;

  before(async () => {
    // No list cache: every question below reaches the vendors, so the counts are the plan's own.
    const noCache = { listCacheMs: 0 };
    stack = await startStack({ size: 6, sourceOverrides: { vitalpbx: noCache, portal: noCache, portsip: { groupCacheMs: 0 } } });
    directory = await demoDirectory(stack.gateway.url, perSource);
    employees = await startEmployeesSubgraph(directory);
    gateway = await startSupergraphGateway(
      [
        { name: 'pbx', url: stack.gateway.url, sdl: await fetchSubgraphSdl(stack.gateway.url) },
        { name: 'employees', url: employees.url, sdl: EMPLOYEES_SDL },
      ],
      0,
    );
  });
  after(async () => {
    await gateway?.stop();
    await employees?.stop();
    await stack?.close();
  });

  test('the published schema.graphql composes with the employees subgraph (what rover reads)', () => {
    const published = readFileSync(new URL('../schema.graphql', import.meta.url), 'utf8');
    const supergraph = composeSupergraph([
      { name: 'pbx', url: 'http://pbx.invalid/graphql', sdl: published },
      { name: 'employees', url: 'http://employees.invalid/', sdl: EMPLOYEES_SDL },
    ]);
    const head = supergraph.slice(supergraph.indexOf('type Extension '), supergraph.indexOf('{', supergraph.indexOf('type Extension ')));
    assert.match(head, /@join__type\(graph: PBX, key: "id"\)/);
    assert.match(head, /@join__type\(graph: EMPLOYEES, key: "id"\)/);
    assert.match(supergraph, /employee: Employee @join__field\(graph: EMPLOYEES\)/);
  });

  test('the cross-subgraph query answers through pbx-graph `_entities`: one request, one batched lookup per source', async () => {
    await post(gateway.url, CROSS_QUERY); // logins happen once per source; counted separately below
    // What one representation alone costs each source: the batched lookup's floor.
    const single = new Map<string, number>();
    for (const e of directory.filter((d) => d.extensionId)) {
      const sourceId = Buffer.from(e.extensionId!, 'base64url').toString('utf8').split(':')[1]!;
      if (single.has(sourceId)) continue;
      stack.reset();
      const one = await stack.gql(`query($r: [_Any!]!) { _entities(representations: $r) { ... on Extension { number status pbx { vendor } } } }`, {
        r: [{ __typename: 'Extension', id: e.extensionId }],
      });
      assert.deepEqual(unexpected(one.errors), []);
      single.set(sourceId, stack.sims.get(SOURCE_VENDOR[sourceId]!)!.totalRequests());
    }
    assert.equal(single.size, 5);

    stack.reset();
    const before = stack.logLines.length;
    const res = await post(gateway.url, CROSS_QUERY);
    assert.equal(res.status, 200);
    assert.deepEqual(unexpected(res.body.errors), []);
    const people = res.body.data.employees as { name: string; extension: { number: string; status: string; pbx: { vendor: string } } | null }[];
    assert.equal(people.length, directory.length);
    assert.equal(people.at(-1)!.extension, null, 'an employee without an extension costs pbx-graph nothing');
    const withPhones = people.filter((p) => p.extension);
    assert.equal(withPhones.length, 5 * perSource);
    const unsupported = new Set((res.body.errors ?? []).map((e: { extensions: { pbx?: string } }) => SOURCE_VENDOR[e.extensions.pbx ?? '']));
    people.forEach((p, i) => {
      if (!p.extension) return;
      assert.match(p.extension.number, /^\d+$/);
      // A vendor without a status API answers null with an error naming its source; the others a status.
      if (p.extension.status === null) assert.ok(unsupported.has(p.extension.pbx.vendor), `employees.${i}: null status without an error`);
      else assert.equal(typeof p.extension.status, 'string');
    });
    assert.ok(!JSON.stringify(res.body).includes('stacktrace'), 'no stack trace reaches a client');
    assert.deepEqual([...new Set(withPhones.map((p) => p.extension!.pbx.vendor))].sort(), ['etelecom', 'portal', 'portsip', 'telecomx', 'vitalpbx']);

    // The gateway sent pbx-graph one request (one `_entities` for every employee's extension)...
    const requests = stack.logLines.slice(before).map((l) => JSON.parse(l)).filter((l) => l.msg === 'request');
    assert.equal(requests.length, 1, JSON.stringify(requests));
    // ...and each source answered three extensions with the calls it needs for one.
    for (const [sourceId, floor] of single) {
      const calls = stack.sims.get(SOURCE_VENDOR[sourceId]!)!.totalRequests();
      assert.ok(calls > 0, `${sourceId}: no vendor call`);
      assert.equal(calls, floor, `${sourceId}: ${calls} vendor calls for ${perSource} extensions, ${floor} for one`);
      assert.equal(requests[0].vendorCalls[sourceId], calls);
    }
  });

  test('Extension.employee is contributed by the employees subgraph through the entity key', async () => {
    const first = directory[0]!;
    const res = await post(gateway.url, 'query($id: ID!) { extension(id: $id) { number employee { name } } }', { id: first.extensionId });
    assert.equal(res.body.errors, undefined, JSON.stringify(res.body.errors));
    assert.equal(res.body.data.extension.employee.name, first.name);
  });
});
