'use strict';
// Variant (run only when named in --servers): the Rivet server on the build in BENCH_BEFORE_DIST.
require('./_at')('BENCH_BEFORE_DIST');
