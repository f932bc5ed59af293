import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import { parseConfig } from '../src/core/config.ts';
import { silentLogger } from '../src/core/logger.ts';
import type { SimulatorHandle } from '../src/core/vendor-module.ts';
import { startDemo } from '../src/demo.ts';
import { startGateway } from '../src/server/app.ts';
import { VENDORS } from '../src/vendors/registry.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const EXAMPLE = fileURLToPath(new URL('../config.example.yaml', import.meta.url));
const TEXT = readFileSync(EXAMPLE, 'utf8');
const RAW = YAML.parse(TEXT) as { sources: Record<string, unknown>[]; apiKeys: Record<string, unknown>[]; [k: string]: unknown };

const DASHBOARD_KEY = 'example-dashboard-key-0123456789';
const ADMIN_KEY = 'example-hq-admin-key-0123456789';

/** Each environment variable the example references, as the field of the vendor's demo source that holds its value. */
const FROM_DEMO: Record<string, Record<string, string>> = {
  vitalpbx: { VITALPBX_URL: 'baseUrl', VITALPBX_APP_KEY: 'appKey' },
  portsip: { PORTSIP_URL: 'baseUrl', PORTSIP_USERNAME: 'username', PORTSIP_PASSWORD: 'password' },
  telecomx: { TELECOMX_URL: 'baseUrl', TELECOMX_USERNAME: 'username', TELECOMX_PASSWORD: 'password', TELECOMX_CUSTOMER: 'customer' },
  etelecom: { ETELECOM_URL: 'baseUrl', ETELECOM_API_KEY: 'apiKey' },
  portal: { PORTAL_URL: 'baseUrl', PORTAL_AUTH_ID: 'authId', PORTAL_AUTH_KEY: 'authKey', PORTAL_PBX_ID: 'pbxId' },
};

/** Starts every vendor's simulator and returns the environment that points the example at them. */
async function simulatorEnv(sims: SimulatorHandle[]): Promise<Record<string, string>> {
  const env: Record<string, string> = { DASHBOARD_API_KEY: DASHBOARD_KEY, HQ_ADMIN_API_KEY: ADMIN_KEY };
  for (const [vendor, vars] of Object.entries(FROM_DEMO)) {
    const mod = VENDORS.get(vendor);
    assert.ok(mod, `${vendor} is registered`);
    const sim = await mod.startSimulator({ size: 20 });
    sims.push(sim);
    const demo = mod.demoSources(sim)[0]!;
    for (const [name, field] of Object.entries(vars)) env[name] = String(demo[field]);
  }
  return env;
}

/** The keys named in the example's comments (`# key:`), for optional keys shown as an alternative. */
const COMMENTED = new Set([...TEXT.matchAll(/#\s*([A-Za-z]+):/g)].map((m) => m[1]!));

describe('config.example.yaml', () => {
  it('names every configuration key, each vendor its own keys', () => {
    // Values that only need to be valid: no simulator is asked here.
    const env: Record<string, string> = { DASHBOARD_API_KEY: DASHBOARD_KEY, HQ_ADMIN_API_KEY: ADMIN_KEY };
    for (const name of Object.values(FROM_DEMO).flatMap((v) => Object.keys(v))) env[name] = name.endsWith('_URL') ? 'http://pbx.example.com' : 'x';
    Object.assign(env, { TELECOMX_CUSTOMER: '0123456789abcdef01234567', PORTAL_AUTH_ID: 'a'.repeat(24), PORTAL_AUTH_KEY: 'b'.repeat(24), PORTAL_PBX_ID: '1' });
    const cfg = parseConfig(RAW, VENDORS, env);
    // The parsed configuration holds every key with a default, so each must be written in the example.
    for (const key of Object.keys(cfg).filter((k) => k !== 'demo')) assert.ok(key in RAW || COMMENTED.has(key), `${key} is in the example`);
    for (const [section, value] of Object.entries(cfg)) {
      if (!value || typeof value !== 'object' || Array.isArray(value)) continue;
      const written = RAW[section] && typeof RAW[section] === 'object' ? Object.keys(RAW[section] as object) : [];
      // `production` is derived from NODE_ENV, not configured.
      for (const key of Object.keys(value).filter((k) => k !== 'production')) assert.ok(written.includes(key) || COMMENTED.has(key), `${section}.${key} is in the example`);
    }
    const apiKeyKeys = new Set(RAW.apiKeys.flatMap((k) => Object.keys(k)));
    for (const key of ['name', 'key', 'scopes', 'sources']) assert.ok(apiKeyKeys.has(key), `apiKeys[].${key} is in the example`);
    const sourceKeys = new Set(RAW.sources.flatMap((s) => Object.keys(s)));
    for (const key of Object.keys(cfg.sources[0]!)) assert.ok(sourceKeys.has(key), `sources[].${key} is in the example`);
    // Every registered vendor has a source, and each of its own keys is set or shown commented out.
    for (const [vendor, mod] of VENDORS) {
      const source = RAW.sources.find((s) => s['vendor'] === vendor);
      assert.ok(source, `a ${vendor} source is in the example`);
      for (const key of Object.keys(mod.configShape)) assert.ok(key in source || COMMENTED.has(key), `${vendor}'s ${key} is in the example`);
    }
  });

  it('keeps every secret in the environment', () => {
    const secretish = /key|secret|password|token|auth/i;
    const literal = (v: unknown): boolean => typeof v === 'string' && !/^\$\{[A-Z0-9_]+\}$/.test(v);
    for (const k of RAW.apiKeys) assert.ok(!literal(k['key']), `apiKeys ${String(k['name'])}: key is a \${ENV} reference`);
    for (const s of RAW.sources) {
      for (const [key, v] of Object.entries(s)) {
        if (secretish.test(key)) assert.ok(!literal(v), `${String(s['id'])}.${key} is a \${ENV} reference`);
      }
    }
  });

  describe('npm start with it', () => {
    const sims: SimulatorHandle[] = [];
    let child: ChildProcess;
    let url: string;

    before(async () => {
      const env = await simulatorEnv(sims);
      const base: NodeJS.ProcessEnv = { ...process.env };
      for (const k of ['NODE_ENV', 'PBX_GRAPH_CONFIG', 'LOG_LEVEL']) delete base[k];
      child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', '--config', EXAMPLE], {
        cwd: ROOT,
        env: { ...base, ...env, PORT: '0' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr!.on('data', (d: Buffer) => (stderr += String(d)));
      url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout!.on('data', (d: Buffer) => {
          out += String(d);
          for (const line of out.split('\n')) {
            if (!line.includes('pbx-graph ready')) continue;
            resolve((JSON.parse(line) as { url: string }).url);
          }
        });
        child.once('exit', (code) => reject(new Error(`the gateway exited (${code}): ${stderr}`)));
        setTimeout(() => reject(new Error(`the gateway did not start: ${stderr}`)), 30_000).unref();
      });
    });

    after(async () => {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await once(child, 'exit');
      }
      await Promise.all(sims.map((s) => s.close()));
    });

    const gql = async (query: string, key?: string) => {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
        body: JSON.stringify({ query }),
      });
      return { status: res.status, body: (await res.json()) as { data?: any; errors?: { extensions?: { code?: string } }[] } };
    };

    it('serves every source of the example', async () => {
      const { status, body } = await gql('{ pbxes { sourceId vendor health { ok } } }', DASHBOARD_KEY);
      assert.equal(status, 200);
      assert.equal(body.errors, undefined);
      assert.deepEqual(
        body.data.pbxes.map((p: { sourceId: string; vendor: string; health: { ok: boolean } }) => [p.sourceId, p.vendor, p.health.ok]),
        RAW.sources.map((s) => [s['id'], s['vendor'], true]),
      );
    });

    it('answers with live status', async () => {
      const { body } = await gql('{ extensions(pbx: "portsip-main", first: 5) { edges { node { number name status } } } }', DASHBOARD_KEY);
      assert.equal(body.errors, undefined);
      const nodes = body.data.extensions.edges.map((e: { node: unknown }) => e.node);
      assert.equal(nodes.length, 5);
      for (const n of nodes) assert.ok(typeof n.status === 'string' && n.status.length > 0, `status of ${JSON.stringify(n)}`);
    });

    it('asks for its API keys, and a key sees only its sources', async () => {
      const anonymous = await gql('{ pbxes { sourceId } }');
      assert.equal(anonymous.status, 401);
      const admin = await gql('{ pbxes { sourceId } }', ADMIN_KEY);
      assert.deepEqual(admin.body.data.pbxes, [{ sourceId: 'vital-hq' }]);
    });
  });
});

describe('the README quick start', () => {
  it("its first query answers the demo's live status with no error", async () => {
    const readme = readFileSync(fileURLToPath(new URL('../README.md', import.meta.url)), 'utf8');
    const query = /```graphql\n([\s\S]*?)```/.exec(readme)?.[1];
    assert.ok(query, 'the README has a graphql block');
    const demo = await startDemo(VENDORS, { size: 20 });
    const gateway = await startGateway({ config: { ...parseConfig({ ...demo.rawConfig, server: { port: 0, host: '127.0.0.1' } }, VENDORS, {}), demo: true }, vendors: VENDORS, logger: silentLogger() });
    try {
      const res = await fetch(gateway.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
      const body = (await res.json()) as { data?: any; errors?: unknown[] };
      assert.equal(body.errors, undefined, JSON.stringify(body.errors));
      const nodes = body.data.extensions.edges.map((e: { node: { status: unknown } }) => e.node);
      assert.ok(nodes.length > 0);
      for (const n of nodes) assert.ok(typeof n.status === 'string', `status of ${JSON.stringify(n)}`);
    } finally {
      await gateway.stop();
      await demo.stop();
    }
  });
});
