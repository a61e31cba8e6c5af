'use strict';
// Preloaded (`node -r`) into every benchmarked server: exit cleanly on SIGTERM so that `--cpu-prof` is written.
process.on('SIGTERM', () => process.exit(0));
