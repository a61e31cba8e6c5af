'use strict';
// Variant (run only when named in --servers): the Rivet server on the build in BENCH_AFTER_DIST.
require('./_at')('BENCH_AFTER_DIST');
