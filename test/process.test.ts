import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';

const ROOT = new URL('../', import.meta.url).pathname;

/** Runs src/main.ts with these arguments and environment, collecting its output. */
function runMain(args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => out, exited };
}

async function waitFor(what: () => boolean, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (what()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return what();
}

/** A configuration with one source that is never called (start-up does not reach vendors). */
function configFile(server: Record<string, unknown> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'pbxg-proc-'));
  const file = join(dir, 'config.json');
  writeFileSync(
    file,
    JSON.stringify({
      server: { port: 0, host: '127.0.0.1', ...server },
      apiKeys: [{ name: 'ops', key: 'ops-key-0123456789abcdef', scopes: ['read'] }],
      sources: [{ id: 'hq', vendor: 'vitalpbx', baseUrl: 'http://127.0.0.1:9/api/v2', appKey: 'not-used', tenant: '1' }],
    }),
  );
  return file;
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('production guard', () => {
  test('NODE_ENV=production with no configuration fails loudly and serves nothing', async () => {
    const run = runMain([], { NODE_ENV: 'production', PBX_GRAPH_CONFIG: '', PBX_GRAPH_DEMO: '', PORT: '0' });
    assert.equal(await run.exited, 1);
    assert.match(run.output(), /NODE_ENV=production and no configuration: set PBX_GRAPH_CONFIG/);
    assert.match(run.output(), /--demo/);
    assert.doesNotMatch(run.output(), /pbx-graph ready/);
  });

  test('--demo (or PBX_GRAPH_DEMO=1) asks for the demo in production', async () => {
    for (const [args, env] of [[['--demo'], {}], [[], { PBX_GRAPH_DEMO: '1' }]] as const) {
      const run = runMain([...args], { NODE_ENV: 'production', PBX_GRAPH_CONFIG: '', PORT: '0', ...env });
      assert.ok(await waitFor(() => /pbx-graph ready/.test(run.output()), 20_000), run.output());
      run.child.kill('SIGTERM');
      assert.equal(await run.exited, 0);
    }
  });
});

describe('shutdown', () => {
  test('ends within its deadline when the log reader is dead (parent SIGKILLed, then SIGTERM)', async () => {
    const deadlineMs = 2000;
    // A parent that pipes the gateway's stdout and stderr, reads until it is ready, then stops reading.
    const parentCode = `
      const { spawn } = require('node:child_process');
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', '--config', ${JSON.stringify(configFile({ shutdownTimeoutMs: deadlineMs }))}], { cwd: ${JSON.stringify(ROOT)}, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (d) => { out += d; if (out.includes('pbx-graph ready')) { child.stdout.pause(); child.stderr.pause(); process.stdout.write('CHILD ' + child.pid + '\\n'); } });
      setInterval(() => {}, 1000);
    `;
    const parent = spawn(process.execPath, ['-e', parentCode], { stdio: ['ignore', 'pipe', 'inherit'] });
    let said = '';
    parent.stdout.on('data', (d) => (said += d));
    assert.ok(await waitFor(() => /CHILD \d+/.test(said), 20_000), 'the gateway did not start');
    const pid = Number(/CHILD (\d+)/.exec(said)![1]);
    try {
      parent.kill('SIGKILL');
      await new Promise((r) => parent.once('exit', r));
      const sent = Date.now();
      process.kill(pid, 'SIGTERM');
      const ended = await waitFor(() => !alive(pid), deadlineMs + 1500);
      assert.ok(ended, 'the gateway is still running after its shutdown deadline');
      assert.ok(Date.now() - sent < deadlineMs + 1500);
    } finally {
      if (alive(pid)) process.kill(pid, 'SIGKILL');
    }
  });

  test('production with a configuration starts; SIGTERM drains, closes and exits 0, logging each step', async () => {
    const run = runMain(['--config', configFile({ shutdownTimeoutMs: 3000 })], { NODE_ENV: 'production' });
    assert.ok(await waitFor(() => /pbx-graph ready/.test(run.output()), 15_000), run.output());
    run.child.kill('SIGTERM');
    assert.equal(await run.exited, 0);
    assert.match(run.output(), /"msg":"shutting down"/);
    assert.match(run.output(), /"msg":"stopped"/);
  });
});
