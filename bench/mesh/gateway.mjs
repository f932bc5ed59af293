// Hive Gateway runtime serving the composed supergraph over node:http on loopback.
// Usage: <env from bench/run.ts> node gateway.mjs   (PORT=0: any free port; the port is printed)
// Prints one JSON line on stdout when listening: {"port": N}.
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { createGatewayRuntime } from '@graphql-hive/gateway-runtime';

const gateway = createGatewayRuntime({
  supergraph: fileURLToPath(new URL('./supergraph.graphql', import.meta.url)),
  pollingInterval: 0, // the default re-reads the supergraph file periodically
  logging: process.env.GW_LOG || 'warn',
  // The same setting pbx-graph runs with in the benchmark: no landing page, plain POST /graphql.
  landingPage: false,
  graphiql: false,
});
const server = createServer(gateway);
server.keepAliveTimeout = 65_000;
server.listen(Number(process.env.PORT || 0), '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`);
});
// The runtime disposes itself on SIGTERM/SIGINT but does not close our http server, so the
// process would survive the signal without this.
for (const sig of ['SIGTERM', 'SIGINT']) {
  process.once(sig, () => {
    server.closeAllConnections();
    server.close(() => process.exit(0));
    setTimeout(() => process.exit(0), 2000).unref();
  });
}
