import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { chromium } from 'playwright-core';
import { startStack } from './helpers.ts';
import { served, waitFor } from './live-helpers.ts';

/** Debian's chromium (.ci/run installs it); CHROMIUM_PATH points elsewhere. */
const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const INTERVAL = 500;
// Outside CI a machine without chromium skips this test; in CI its absence is a failure.
const skip = !existsSync(CHROMIUM) && process.env['CI'] !== 'true' ? `no chromium at ${CHROMIUM}` : false;

test('the dashboard page lists every source\'s extensions and shows a status change live', { skip, timeout: 60_000 }, async () => {
  assert.ok(existsSync(CHROMIUM), `chromium is required in CI (${CHROMIUM}): .ci/run installs it with apt-get`);
  const overrides = Object.fromEntries(['vitalpbx', 'etelecom', 'portal', 'telecomx', 'portsip'].map((v) => [v, { watchIntervalMs: INTERVAL }]));
  const stack = await startStack({ sourceOverrides: overrides, debug: false });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1100, height: 760 } });
    const failures: string[] = [];
    page.on('pageerror', (err) => failures.push(err.message));
    // Everything the page loads comes from the gateway itself.
    const foreign: string[] = [];
    page.on('request', (r) => {
      if (!r.url().startsWith(`http://127.0.0.1:${stack.gateway.port}/`) && !r.url().startsWith(`ws://127.0.0.1:${stack.gateway.port}/`)) foreign.push(r.url());
    });
    await page.goto(`http://127.0.0.1:${stack.gateway.port}/dashboard`);
    await page.waitForSelector('#conn.live', { timeout: 10_000 });

    // The demo's extensions, from every source.
    const perSource: Record<string, number> = {};
    for (const id of await page.$$eval('tr[data-source]', (trs) => trs.map((t) => t.getAttribute('data-source') ?? ''))) perSource[id] = (perSource[id] ?? 0) + 1;
    const { data } = await stack.gql<{ extensions: { totalCount: number | null; edges: unknown[] } }>('{ pbxes { sourceId } }');
    const ids = (data as unknown as { pbxes: { sourceId: string }[] }).pbxes.map((p) => p.sourceId);
    for (const id of ids) assert.ok((perSource[id] ?? 0) >= 20, `${id}: ${perSource[id] ?? 0} rows`);
    const cell = 'tr[data-source="portsip-demo"][data-number="1000"] td.status';
    assert.equal(await page.getAttribute(cell, 'data-status'), 'AVAILABLE');

    // A change at the vendor reaches the page within watchIntervalMs + 1 s (after the watcher's baseline poll).
    const sim = stack.sims.get('portsip')!;
    await waitFor(() => served(sim.requests, 'extensions/status') > 0, 5000, 'the baseline poll');
    await new Promise((r) => setTimeout(r, 50));
    sim.setStatus!('1000', 'DND');
    const started = Date.now();
    await page.waitForSelector(`${cell}[data-status="DND"]`, { timeout: INTERVAL + 1000 });
    assert.ok(Date.now() - started <= INTERVAL + 1000);

    // The source filter and the search box.
    await page.selectOption('#source', 'portsip-demo');
    const sources = await page.$$eval('tr[data-source]', (trs) => [...new Set(trs.map((t) => t.getAttribute('data-source')))]);
    assert.deepEqual(sources, ['portsip-demo']);
    // DASHBOARD_SCREENSHOT=docs/dashboard.png renews the README's picture (the change still highlighted).
    if (process.env['DASHBOARD_SCREENSHOT']) await page.screenshot({ path: process.env['DASHBOARD_SCREENSHOT'] });
    await page.fill('#search', '1000');
    const numbers = await page.$$eval('tr[data-source]', (trs) => trs.map((t) => t.getAttribute('data-number')));
    assert.deepEqual(numbers, ['1000']);
    await page.fill('#search', '');
    await page.selectOption('#source', '');

    assert.deepEqual(failures, []);
    assert.deepEqual(foreign, []);
  } finally {
    await browser.close();
    await stack.close();
  }
});
