import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, test } from 'node:test';
import { AnswerMemo } from '../src/core/answer-memo.ts';
import { PbxError } from '../src/core/errors.ts';
import { createSourceHttp, type SourceHttp } from '../src/core/http.ts';
import { silentLogger } from '../src/core/logger.ts';
import { newRequestScope } from '../src/core/request-scope.ts';

/**
 * One source's HTTP client (src/core/http.ts) over real HTTP, against a scripted server: which calls
 * are retried, what a retry costs in vendor calls, how bodies are read and errors named, and which
 * answers are parsed once and shared (core/answer-memo.ts).
 */
type Step = { status: number; body: string } | 'reset';

describe('source HTTP client', () => {
  let server: http.Server;
  let script: Step[] = [];
  let received: { method: string; url: string }[] = [];
  let client: SourceHttp;

  before(async () => {
    server = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        received.push({ method: req.method!, url: req.url! });
        const step = script.shift() ?? { status: 200, body: '{"ok":true}' };
        if (step === 'reset') {
          req.socket.destroy();
          return;
        }
        res.writeHead(step.status, { 'content-type': 'application/json' });
        res.end(step.body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    client = createSourceHttp({
      sourceId: 'stub',
      baseUrl: `http://127.0.0.1:${port}/api`,
      timeoutMs: 5000,
      logger: silentLogger(),
      // A vendor whose error bodies name the problem: a 404 body is read and classified.
      classify: (status, body) =>
        status === 404 && typeof body === 'object' && body !== null && (body as { error?: unknown }).error === 'no such extension'
          ? { code: 'NOT_FOUND', message: 'no such extension' }
          : undefined,
    });
  });
  after(async () => {
    client.close();
    await new Promise((resolve) => server.close(resolve));
  });
  beforeEach(() => {
    script = [];
    received = [];
  });

  const failure = async (p: Promise<unknown>) => {
    const err = await p.then(
      () => assert.fail('expected a failure'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof PbxError, `a public error, not ${String(err)}`);
    return err;
  };

  test('a read answered 503 is retried once, and both attempts are vendor calls of the request', async () => {
    script = [{ status: 503, body: '{}' }, { status: 200, body: '{"n":1}' }];
    const scope = newRequestScope();
    assert.deepEqual(await client.scoped(scope).get('things', { searchParams: { q: 'x', skip: undefined } }), { n: 1 });
    assert.equal(received.length, 2);
    assert.equal(received[1]!.url, '/api/things?q=x');
    assert.equal(scope.vendorCalls.get('stub'), 2);
  });

  test('a read whose connection is reset is retried once', async () => {
    script = ['reset', { status: 200, body: '{"n":2}' }];
    assert.deepEqual(await client.get('things'), { n: 2 });
    assert.equal(received.length, 2);
  });

  test('a read failing twice is VENDOR_UNAVAILABLE after two attempts', async () => {
    script = [{ status: 502, body: '{}' }, { status: 502, body: '{}' }];
    const err = await failure(client.get('things'));
    assert.equal(err.code, 'VENDOR_UNAVAILABLE');
    assert.equal(received.length, 2);
  });

  test('a write is never retried: a 503 is one call', async () => {
    script = [{ status: 503, body: '{}' }];
    const err = await failure(client.post('things', { a: 1 }));
    assert.equal(err.code, 'VENDOR_UNAVAILABLE');
    assert.equal(received.length, 1);
    assert.equal(received[0]!.method, 'POST');
  });

  test("a vendor's error body is read and classified; a malformed body is VENDOR_UNAVAILABLE; an empty one is ''", async () => {
    script = [{ status: 404, body: '{"error":"no such extension"}' }];
    const notFound = await failure(client.get('things/9'));
    assert.equal(notFound.code, 'NOT_FOUND');
    assert.equal(notFound.message, 'stub: no such extension');

    script = [{ status: 200, body: '<html>oops</html>' }];
    const malformed = await failure(client.get('things'));
    assert.equal(malformed.code, 'VENDOR_UNAVAILABLE');
    assert.match(malformed.message, /malformed body/);

    script = [{ status: 200, body: '' }];
    assert.equal(await client.get('empty'), '');
  });

  test('an answer the same bytes as the last one to that read is the same frozen object; a changed one is new', async () => {
    const body = JSON.stringify({ items: [{ id: 1, tags: ['a'] }] });
    script = [
      { status: 200, body },
      { status: 200, body },
      { status: 200, body: body.replace('"a"', '"b"') },
    ];
    const first = await client.get<{ items: { id: number; tags: string[] }[] }>('list', { searchParams: { page: 1 } });
    const second = await client.get<typeof first>('list', { searchParams: { page: 1 } });
    const third = await client.get<typeof first>('list', { searchParams: { page: 1 } });
    assert.equal(second, first, 'not parsed again');
    assert.notEqual(third, first);
    assert.equal(third.items[0]!.tags[0], 'b');
    // Shared answers cannot be written into (strict mode: a write throws).
    assert.ok(Object.isFrozen(first) && Object.isFrozen(first.items[0]!.tags));
    assert.throws(() => {
      first.items[0]!.id = 2;
    }, TypeError);
  });

  test('answers to other reads and to writes are never shared', async () => {
    const body = '{"v":1}';
    script = [
      { status: 200, body },
      { status: 200, body },
      { status: 200, body },
      { status: 200, body },
    ];
    const a = await client.get('list', { searchParams: { page: 1 } });
    const b = await client.get('list', { searchParams: { page: 2 } });
    const w1 = await client.post('things', { a: 1 });
    const w2 = await client.post('things', { a: 1 });
    assert.notEqual(a, b);
    assert.notEqual(w1, w2);
    assert.deepEqual(w1, w2);
  });

  test('answerMemoBytes 0: every answer is parsed (still frozen)', async () => {
    const { port } = server.address() as AddressInfo;
    const plain = createSourceHttp({ sourceId: 'stub', baseUrl: `http://127.0.0.1:${port}/api`, timeoutMs: 5000, logger: silentLogger(), answerMemoBytes: 0 });
    try {
      const a = await plain.get('list');
      const b = await plain.get('list');
      assert.notEqual(a, b);
      assert.deepEqual(a, b);
      assert.ok(Object.isFrozen(a));
    } finally {
      plain.close();
    }
  });
});

describe('AnswerMemo', () => {
  test('keeps at most maxBytes of answers, dropping the least recently used', () => {
    const memo = new AnswerMemo(20);
    const ten = (n: number) => Buffer.from(`{"n":"${String(n).padStart(2, '0')}"}`); // 10 bytes
    const a = memo.parse('a', ten(1));
    const b = memo.parse('b', ten(2));
    assert.equal(memo.bytes, 20);
    assert.equal(memo.parse('a', ten(1)), a, 'a used again: now the most recent');
    memo.parse('c', ten(3));
    assert.equal(memo.bytes, 20);
    assert.equal(memo.parse('a', ten(1)), a, 'b went, not a');
    assert.notEqual(memo.parse('b', ten(2)), b, 'b was dropped: parsed again');
    // An answer larger than the whole budget is parsed, not kept.
    memo.clear();
    memo.parse('big', Buffer.from(JSON.stringify({ s: 'x'.repeat(50) })));
    assert.equal(memo.bytes, 0);
  });
});
