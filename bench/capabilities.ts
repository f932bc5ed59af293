/**
 * The capability rows of `npm run bench` (after the dashboard bench of run.ts): each capability's
 * own bench module, run one after another in a child process of its own so one's heap and timers
 * never colour the next, each writing its table to bench/<name>.md. This collects those tables into
 * bench/CAPABILITIES.md, the page the README links.
 *
 *   node --import tsx bench/capabilities.ts                  (every row)
 *   node --import tsx bench/capabilities.ts live mutation    (some rows)
 *   BENCH_QUICK=1 node --import tsx bench/capabilities.ts    (each module's quick setting)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './lib.ts';

/** One capability row: its module, the issue it answers, and its quick-check environment. */
interface Row {
  /** Module name under bench/ (without .ts); it writes bench/<name>.md. */
  name: string;
  /** What it measures, as a heading. */
  title: string;
  /** Environment for a quick check (BENCH_QUICK=1). */
  quick: Record<string, string>;
  /** Arguments for a quick check. */
  quickArgs?: string[];
}

const ROWS: readonly Row[] = [
  { name: 'validation', title: 'Vendor answers validated at the edge', quick: {}, quickArgs: ['30'] },
  { name: 'mutation', title: 'Mutations', quick: { N: '50' } },
  { name: 'live', title: 'Live status subscriptions', quick: { LIVE_QUICK: '1' } },
  { name: 'scaleout', title: 'Scale-out: replicas over Redis', quick: { SCALEOUT_QUICK: '1' } },
];

const wanted = process.argv.slice(2);
const rows = wanted.length > 0 ? ROWS.filter((r) => wanted.includes(r.name)) : ROWS;
const quick = process.env['BENCH_QUICK'] === '1';
const parts: string[] = ['# pbx-graph capability benchmarks', '', 'Written by `npm run bench` (bench/capabilities.ts), one module per capability, each in a process of its own; the dashboard figures are in [RESULTS.md](RESULTS.md).', ''];
let failed = 0;
for (const row of rows) {
  const file = join(ROOT, 'bench', `${row.name}.ts`);
  if (!existsSync(file)) {
    parts.push(`## ${row.title}`, '', `_bench/${row.name}.ts is missing._`, '');
    failed++;
    continue;
  }
  process.stderr.write(`[capabilities] ${row.name}\n`);
  const run = spawnSync(process.execPath, ['--import', 'tsx', file, ...(quick ? (row.quickArgs ?? []) : [])], {
    cwd: ROOT,
    env: { ...process.env, ...(quick ? row.quick : {}) },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const md = join(ROOT, 'bench', `${row.name}.md`);
  if (run.status !== 0 || !existsSync(md)) {
    parts.push(`## ${row.title}`, '', `_bench/${row.name}.ts failed (exit ${String(run.status)})._`, '');
    failed++;
    continue;
  }
  // Each module's page opens with its own H1: nested one level under this page's heading.
  const body = readFileSync(md, 'utf8').replace(/^# .*\n/, '').replace(/^(#+) /gm, '#$1 ');
  parts.push(`## ${row.title}`, '', `From [bench/${row.name}.md](${row.name}.md):`, body.trim(), '');
}
writeFileSync(join(ROOT, 'bench', 'CAPABILITIES.md'), `${parts.join('\n')}\n`);
process.stderr.write(`[capabilities] bench/CAPABILITIES.md written${failed ? `, ${failed} row(s) failed` : ''}\n`);
process.exitCode = failed ? 1 : 0;
