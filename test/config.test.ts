import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ConfigError, loadConfigFile, parseConfig } from '../src/core/config.ts';
import { VENDORS } from '../src/vendors/registry.ts';

const vital = { id: 'hq', vendor: 'vitalpbx', baseUrl: 'http://pbx.example/api/v2', appKey: '${VITALPBX_APP_KEY}', tenant: '1' };
const env = { VITALPBX_APP_KEY: 'k-123' };

function throwsConfig(fn: () => unknown, ...fragments: string[]): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof ConfigError, `expected ConfigError, got ${String(err)}`);
    for (const f of fragments) assert.ok(err.message.includes(f), `message ${JSON.stringify(err.message)} lacks ${JSON.stringify(f)}`);
    return true;
  });
}

describe('configuration', () => {
  test('the documented shape parses, reading ${NAME} from the environment', () => {
    const cfg = parseConfig({ server: { port: 4000 }, sources: [vital] }, VENDORS, env);
    assert.equal(cfg.server.port, 4000);
    assert.equal(cfg.sources[0]!.id, 'hq');
    assert.equal((cfg.sources[0] as unknown as { appKey: string }).appKey, 'k-123');
    assert.equal(cfg.sources[0]!.timeoutMs, 5000);
    assert.equal(cfg.sources[0]!.name, 'hq');
  });

  test('PORT overrides the port; a bad PORT is named', () => {
    assert.equal(parseConfig({ sources: [vital] }, VENDORS, { ...env, PORT: '5123' }).server.port, 5123);
    throwsConfig(() => parseConfig({ sources: [vital] }, VENDORS, { ...env, PORT: 'http' }), 'PORT', '"http"');
  });

  test('a missing field names the field', () => {
    const { appKey: _drop, ...noKey } = vital;
    throwsConfig(() => parseConfig({ sources: [noKey] }, VENDORS, env), 'sources[0].appKey', 'missing');
    throwsConfig(() => parseConfig({ server: { port: 1 } }, VENDORS, env), 'sources');
  });

  test('an unknown vendor names the field, the value and the choices', () => {
    throwsConfig(() => parseConfig({ sources: [{ ...vital, vendor: 'asterisk' }] }, VENDORS, env), 'sources[0].vendor', '"asterisk"', 'vitalpbx');
  });

  test('an unknown environment variable names the field and the variable', () => {
    throwsConfig(() => parseConfig({ sources: [vital] }, VENDORS, {}), 'sources[0].appKey', 'VITALPBX_APP_KEY');
  });

  test('bad values name field and value; secret values are not echoed', () => {
    throwsConfig(() => parseConfig({ sources: [{ ...vital, baseUrl: 'ftp://x' }] }, VENDORS, env), 'sources[0].baseUrl', '"ftp://x"');
    throwsConfig(() => parseConfig({ sources: [{ ...vital, id: 'no spaces' }] }, VENDORS, env), 'sources[0].id', '"no spaces"');
    throwsConfig(() => parseConfig({ server: { port: 99999 }, sources: [vital] }, VENDORS, env), 'server.port', '99999');
    throwsConfig(() => parseConfig({ sources: [{ ...vital, breaker: { openMs: 5 } }] }, VENDORS, env), 'sources[0].breaker.openMs', '5');
    throwsConfig(() => parseConfig({ sources: [{ ...vital, breaker: 'off' }] }, VENDORS, env), 'sources[0].breaker', 'must be false or', '"off"');
    throwsConfig(() => parseConfig({ sources: [{ ...vital, answerMemoBytes: -1 }] }, VENDORS, env), 'sources[0].answerMemoBytes', '-1');
    assert.throws(() => parseConfig({ sources: [{ ...vital, appKey: 42 }] }, VENDORS, env), (e: Error) => e.message.includes('sources[0].appKey') && !e.message.includes('42'));
  });

  test('unknown keys (typos) and duplicate ids fail fast', () => {
    throwsConfig(() => parseConfig({ sources: [{ ...vital, tennant: '1' }] }, VENDORS, env), 'sources[0]', 'tennant');
    throwsConfig(() => parseConfig({ sources: [vital, vital] }, VENDORS, env), 'sources[1].id', 'duplicate');
  });

  test('JSON and YAML files load the same; an unreadable file is named', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pbxg-'));
    writeFileSync(join(dir, 'c.json'), JSON.stringify({ sources: [vital] }));
    writeFileSync(join(dir, 'c.yaml'), `sources:\n  - id: hq\n    vendor: vitalpbx\n    baseUrl: http://pbx.example/api/v2\n    appKey: \${VITALPBX_APP_KEY}\n    tenant: "1"\n`);
    assert.deepEqual(loadConfigFile(join(dir, 'c.json'), VENDORS, env), loadConfigFile(join(dir, 'c.yaml'), VENDORS, env));
    throwsConfig(() => loadConfigFile(join(dir, 'nope.yaml'), VENDORS, env), 'nope.yaml');
    writeFileSync(join(dir, 'bad.json'), '{ nope');
    throwsConfig(() => loadConfigFile(join(dir, 'bad.json'), VENDORS, env), 'bad.json');
  });
  test('errors never print a secret: not by key name, not a value read from the environment (canaries)', () => {
    const canaryEnv = { ...env, VITALPBX_APP_KEY: 'sk_live_CANARY_env_1234', PORTSIP_PASS: 'CANARY-pass-from-env', MY_TENANT_SECRET: 'CANARY-tenant-77' };
    const raw = {
      apiKeys: [{ name: 'ops', key: 'CANARY-api-key-0123456789', scopes: ['read'], extra: 1 }],
      sources: [
        // A typo'd key beside secrets: the message names the typo, never the object around it.
        { ...vital, timeoutMS: 5000 },
        { id: 'ps', vendor: 'portsip', baseUrl: 'http://pbx.example', username: 'admin', password: '${PORTSIP_PASS}', timeoutMs: 'CANARY-pass-from-env' },
        { id: 'v2', vendor: 'vitalpbx', baseUrl: 'not a url ${MY_TENANT_SECRET}', appKey: 'CANARY-literal-app-key', tenant: 7 },
        { id: 'v3', vendor: 'vitalpbx', baseUrl: 'http://pbx.example', appKey: { nested: 'CANARY-nested-secret' }, tenant: '1' },
      ],
    };
    let message = '';
    try {
      parseConfig(raw, VENDORS, canaryEnv);
    } catch (err) {
      assert.ok(err instanceof ConfigError);
      message = err.message;
    }
    assert.ok(message, 'the configuration was accepted');
    assert.ok(!/CANARY/.test(message), `a secret leaked: ${message}`);
    // Every problem at once, each named.
    for (const fragment of ['sources[0].timeoutMS', 'did you mean "timeoutMs"', 'sources[1].timeoutMs', 'sources[2].baseUrl', 'sources[2].tenant', 'sources[3].appKey', 'apiKeys[0].extra']) {
      assert.ok(message.includes(fragment), `${JSON.stringify(fragment)} missing from:\n${message}`);
    }
  });

  test('all errors of a file come in one run', () => {
    assert.throws(
      () => parseConfig({ server: { prot: 4000, debgu: true }, limits: { maxDepht: 3 }, sources: [{ ...vital, tennant: '1' }] }, VENDORS, env),
      (err: unknown) => {
        assert.ok(err instanceof ConfigError);
        assert.equal(err.issues.length, 4, err.message);
        assert.match(err.message, /server\.prot: unknown key; did you mean "port"\?/);
        assert.match(err.message, /server\.debgu: unknown key; did you mean "debug"\?/);
        assert.match(err.message, /limits\.maxDepht: unknown key; did you mean "maxDepth"\?/);
        assert.match(err.message, /sources\[0\]\.tennant: unknown key; did you mean "tenant"\?/);
        return true;
      },
    );
  });
  test('a file that does not parse is located by line and column, without quoting the line (it may hold a secret)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pbxg-'));
    writeFileSync(join(dir, 'bad.yaml'), 'sources:\n  - id: x\n    password: CANARY-yaml: nested\n');
    writeFileSync(join(dir, 'bad.json'), '{"sources": [{"password": "CANARY-json" nope}]}');
    for (const [file, where] of [['bad.yaml', 'line 3'], ['bad.json', 'line 1']] as const) {
      assert.throws(() => loadConfigFile(join(dir, file), VENDORS, env), (err: unknown) => {
        assert.ok(err instanceof ConfigError);
        assert.ok(err.message.includes(file) && err.message.includes(where), err.message);
        assert.doesNotMatch(err.message, /CANARY/);
        return true;
      });
    }
  });
});
