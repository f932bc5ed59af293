import { parseArgs } from 'node:util';
import { ConfigError, loadConfigFile, parseConfig, type AppConfig } from './core/config.ts';
import { createLogger } from './core/logger.ts';
import { createRedisStores } from './core/redis-stores.ts';
import type { Stores } from './core/stores.ts';
import { startDemo, type Demo } from './demo.ts';
import { startGateway, type Gateway } from './server/app.ts';
import { VENDORS } from './vendors/registry.ts';

/**
 * Entry point: `--config FILE` or PBX_GRAPH_CONFIG names a JSON/YAML configuration; with neither,
 * the built-in simulators of every vendor start and the gateway serves them (the demo).
 */
async function main(): Promise<void> {
  const logger = createLogger();
  const { values } = parseArgs({ options: { config: { type: 'string' } }, strict: true });
  const path = values.config ?? process.env['PBX_GRAPH_CONFIG'];
  let config: AppConfig;
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
    if (err instanceof ConfigError) {
      process.stderr.write(`pbx-graph: ${err.message}\n`);
      process.exit(1);
    }
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      process.stderr.write(`pbx-graph: port ${config!.server.port} is already in use (set PORT or server.port)\n`);
      process.exit(1);
    }
    throw err;
  }
  // The banner first: log lines are written asynchronously and would land after it anyway.
  if (config.demo) {
    process.stdout.write(
      `\npbx-graph demo: built-in simulators of ${[...demo!.simulators.keys()].join(', ')}\n` +
        `  Apollo Sandbox: ${gateway.url}\n  No configuration given, so no API key is needed (demo only).\n\n`,
    );
  }
  logger.info({ url: gateway.url, sources: config.sources.map((s) => `${s.id} (${s.vendor})`), demo: config.demo }, 'pbx-graph ready');
  if (config.apiKeys.length === 0 && !config.demo) {
    logger.warn('no apiKeys configured: every caller can read every source');
  }
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    // Drain in-flight requests, then close vendor sockets and simulators; never hang a deploy.
    setTimeout(() => {
      logger.error('graceful shutdown took too long; exiting');
      process.exit(1);
    }, 10_000).unref();
    void (async () => {
      await gateway.stop();
      await stores?.close();
      logger.debug('gateway stopped');
      await demo?.stop();
      logger.info('stopped');
      process.exit(0);
    })();
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

void main();
