// The floor: a bare node:http server that replays pre-serialised pbx-graph answers, one per path
// (POST /Q1 ... /Q4). It reads the request body like a GraphQL server would, then writes the stored
// bytes: what is left of a query's cost when no resolver, loader or vendor call runs at all.
// Usage: PORT=0 node floor.mjs ANSWERS.json   (prints {"port": N} when listening)
import http from 'node:http';
import { readFileSync } from 'node:fs';

const answers = new Map(Object.entries(JSON.parse(readFileSync(process.argv[2], 'utf8'))).map(([k, v]) => [`/${k}`, Buffer.from(v, 'utf8')]));
const server = http.createServer((req, res) => {
  const body = answers.get(req.url ?? '');
  req.on('data', () => {});
  req.on('end', () => {
    if (!body) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': body.length });
    res.end(body);
  });
});
server.keepAliveTimeout = 65_000;
server.listen(Number(process.env.PORT || 0), '127.0.0.1', () => process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`));
process.once('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
