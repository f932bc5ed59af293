import { parseArgs } from 'node:util';
import { ConfigError, loadConfigFile, parseConfig, type AppConfig } from './core/config.ts';
import { createProcessLogger } from './core/logger.ts';
import { createRedisStores } from './core/redis-stores.ts';
import type { Stores } from './core/stores.ts';
import { startWatchdog } from './core/watchdog.ts';
import { startDemo, type Demo } from './demo.ts';
import { startGateway, type Gateway } from './server/app.ts';
import { VENDORS } from './vendors/registry.ts';

/** Writes a start-up failure and exits: nothing is serving yet, so there is nothing to drain. */
function fatal(message: string): never {
  process.stderr.write(`pbx-graph: ${message}\n`);
  process.exit(1);
}

/**
 * Entry point: `--config FILE` or PBX_GRAPH_CONFIG names a JSON/YAML configuration; with neither,
 * the built-in simulators of every vendor start and the gateway serves them (the demo). In
 * production (NODE_ENV=production) no configuration is an error unless `--demo` or
 * PBX_GRAPH_DEMO=1 asks for the demo: a forgotten variable in a deployment must not serve fake data.
 */
async function main(): Promise<void> {
  const { logger, close: closeLog } = createProcessLogger();
  const { values } = parseArgs({ options: { config: { type: 'string' }, demo: { type: 'boolean' } }, strict: true });
  const path = values.config || process.env['PBX_GRAPH_CONFIG'] || undefined;
  const demoAsked = values.demo === true || process.env['PBX_GRAPH_DEMO'] === '1';
  if (!path && !demoAsked && process.env['NODE_ENV'] === 'production') {
    fatal(
      'NODE_ENV=production and no configuration: set PBX_GRAPH_CONFIG (or pass --config FILE); ' +
        'to serve the built-in demo simulators anyway, pass --demo or set PBX_GRAPH_DEMO=1',
    );
  }
  let config: AppConfig | undefined;
  let demo: Demo | undefined;
  let gateway: Gateway;
  let stores: Stores | undefined;
  try {
    if (path) {
      config = loadConfigFile(path, VENDORS);
    } else {
      demo = await startDemo(VENDORS);
      config = { ...parseConfig(demo.rawConfig, VENDORS), demo: true };
    }
    // With redis (or REDIS_URL) replicas share sessions, cached answers, leases and the change feed.
    stores = config.redis ? await createRedisStores({ url: config.redis.url, prefix: config.redis.prefix, logger: logger.child({ component: 'redis' }) }) : undefined;
    // Adapter factories may still refuse a source (an either/or of credentials).
    gateway = await startGateway({ config, vendors: VENDORS, logger, ...(stores ? { stores } : {}) });
  } catch (err) {
    if (err instanceof ConfigError) fatal(err.message);
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') fatal(`port ${config?.server.port ?? '?'} is already in use (set PORT or server.port)`);
    throw err;
  }
  const cfg = config;
  // The banner first: log lines are written asynchronously and would land after it anyway.
  if (cfg.demo) {
    process.stdout.write(
      `\npbx-graph demo: built-in simulators of ${[...demo!.simulators.keys()].join(', ')}\n` +
        `  Apollo Sandbox: ${gateway.url}\n  No configuration given, so no API key is needed (demo only).\n\n`,
    );
  }
  logger.info({ url: gateway.url, sources: cfg.sources.map((s) => `${s.id} (${s.vendor})`), demo: cfg.demo }, 'pbx-graph ready');
  if (cfg.apiKeys.length === 0 && !cfg.demo) {
    logger.warn('no apiKeys configured: every caller can read every source');
  }
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    const deadlineMs = cfg.server.shutdownTimeoutMs;
    // Armed before anything that could block: whatever state stdout or a vendor is in, the process ends.
    startWatchdog(deadlineMs);
    logger.info({ signal, deadlineMs }, 'shutting down');
    void (async () => {
      let code = 0;
      try {
        // Drain in-flight requests, then close vendor sockets and simulators.
        await gateway.stop();
        await stores?.close();
        await demo?.stop();
        logger.info('stopped');
      } catch (err) {
        code = 1;
        logger.error({ err: err instanceof Error ? err.message : String(err) }, 'shutdown failed');
      }
      // Bounded: a log destination nobody reads must not hold the exit.
      await closeLog(Math.min(1000, Math.floor(deadlineMs / 4)));
      process.exit(code);
    })();
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

void main();
