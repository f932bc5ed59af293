// Preload for the "pbx-graph (no source maps)" diagnostic run: tsx turns on source-mapped stack
// traces when it registers (process.setSourceMapsEnabled(true)); this turns them off again, as a
// build run with plain `node dist/main.js` would have them. Used as `--import tsx --import <this>`.
process.setSourceMapsEnabled(false);
