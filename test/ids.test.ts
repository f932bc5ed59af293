import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decodeId, encodeId, GlobalIds, type NodeType } from '../src/core/ids.ts';

describe('global ids', () => {
  test('round trip, and anything malformed or non-canonical is refused', () => {
    const id = encodeId('Extension', 'vital-hq', '101');
    assert.deepEqual(decodeId(id), { type: 'Extension', sourceId: 'vital-hq', localId: '101' });
    assert.deepEqual(decodeId(encodeId('Pbx', 'hq')), { type: 'Pbx', sourceId: 'hq', localId: '' });
    for (const bad of ['', 'not base64!', `${id}=`, Buffer.from('Thing:hq:1').toString('base64url'), Buffer.from('Extension::1').toString('base64url'), Buffer.from('Extension:hq:').toString('base64url')]) {
      assert.equal(decodeId(bad), null, bad);
    }
  });

  test('GlobalIds encodes exactly as encodeId, before and after it starts over', () => {
    const ids = new GlobalIds(50);
    const types: NodeType[] = ['Extension', 'Device', 'Queue', 'Group'];
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 40; i++) {
        const type = types[i % types.length]!;
        const source = i % 3 ? 'portsip-demo' : 'vital-hq';
        const local = String(1000 + (i % 17));
        assert.equal(ids.encode(type, source, local), encodeId(type, source, local));
      }
    }
    assert.equal(ids.encode('Pbx', 'hq'), encodeId('Pbx', 'hq'));
  });
});
