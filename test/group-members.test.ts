import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startStack, type TestStack } from './helpers.ts';

/*
 * `groups { members { number } }` over PortSIP. The documented minimum (vendor-docs/portsip.txt):
 * extensions/group/list (one page), one extensions/group/show per group (its `members` are
 * extension numbers), and the extension list walked at its largest page to answer only members that
 * exist (1,000 per call); never an extensions/show per member.
 */
describe('PortSIP group members cost the documented minimum of vendor calls', () => {
  let stack: TestStack;
  before(async () => {
    stack = await startStack({ vendors: ['portsip'], size: 50 });
  });
  after(() => stack.close());

  const calls = () => Object.fromEntries(stack.sims.get('portsip')!.requests);

  test('a cold request: login, one group list, one show per group, one extension list page', async () => {
    stack.reset();
    const r = await stack.gql('{ groups { vendorId members { number } } }');
    assert.equal(r.errors, undefined);
    const groups = r.data.groups as { members: { number: string }[] }[];
    assert.ok(groups.length >= 2 && groups.some((g) => g.members.length > 1), 'the demo has groups with members');
    assert.deepEqual(calls(), {
      'POST /account/credentials/verify': 1,
      'GET /extensions/group/list': 1,
      'GET /extensions/group/show': groups.length,
      'GET /extensions/list': 1,
    });
  });

  test('within the group cache time, only the extension list page', async () => {
    stack.reset();
    const r = await stack.gql('{ groups { members { number firstName lastName } } }');
    assert.equal(r.errors, undefined);
    assert.deepEqual(calls(), { 'GET /extensions/list': 1 });
  });
});
