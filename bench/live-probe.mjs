// A preload for bench/live.ts: on SIGUSR2 the gateway process collects garbage (it runs with
// --expose-gc) and prints one line `LIVE-MEM {"heapUsed":…,"rss":…}`, so the bench can read the
// gateway's own memory with and without open subscriptions.
process.on('SIGUSR2', () => {
  globalThis.gc?.();
  globalThis.gc?.();
  const m = process.memoryUsage();
  process.stdout.write(`LIVE-MEM ${JSON.stringify({ heapUsed: m.heapUsed, rss: m.rss, external: m.external })}\n`);
});
