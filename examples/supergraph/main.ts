import { parseConfig } from '../../src/core/config.ts';
import { createLogger } from '../../src/core/logger.ts';
import { startDemo } from '../../src/demo.ts';
import { startGateway } from '../../src/server/app.ts';
import { VENDORS } from '../../src/vendors/registry.ts';
import { demoDirectory, EMPLOYEES_SDL, startEmployeesSubgraph } from './employees.ts';
import { fetchSubgraphSdl, startSupergraphGateway } from './gateway.ts';

/**
 * `npm run example:supergraph`: pbx-graph's demo (simulators plus the subgraph), the employees
 * subgraph and Apollo Gateway over both on PORT (default 4100). Ctrl-C stops everything.
 */
async function main(): Promise<void> {
  const port = Number(process.env['PORT'] ?? 4100);
  const pbxPort = Number(process.env['PBX_GRAPH_PORT'] ?? 0);
  const logger = createLogger({ level: process.env['LOG_LEVEL'] ?? 'warn' });
  const demo = await startDemo(VENDORS, { gatewayPort: pbxPort });
  // An empty environment: PORT is the supergraph gateway's, not this subgraph's.
  const pbxGraph = await startGateway({ config: { ...parseConfig(demo.rawConfig, VENDORS, {}), demo: true }, vendors: VENDORS, logger });
  const employees = await startEmployeesSubgraph(await demoDirectory(pbxGraph.url));
  const gateway = await startSupergraphGateway(
    [
      { name: 'pbx', url: pbxGraph.url, sdl: await fetchSubgraphSdl(pbxGraph.url) },
      { name: 'employees', url: employees.url, sdl: EMPLOYEES_SDL },
    ],
    port,
  );
  process.stdout.write(
    `\nsupergraph gateway: ${gateway.url}\n  subgraph pbx (pbx-graph demo): ${pbxGraph.url}\n  subgraph employees: ${employees.url}\n\n` +
      `Try:\n  curl -s ${gateway.url} -H 'content-type: application/json' \\\n` +
      `    -d '{"query":"{ employees { name extension { number status pbx { vendor } } } }"}'\n\n`,
  );
  const stop = async () => {
    await gateway.stop();
    await employees.stop();
    await pbxGraph.stop();
    await demo.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

await main();
