#!/usr/bin/env bash
# Instructions of one bench server process (rivet or a variant) serving n GET /hello requests, counted by valgrind's
# callgrind: deterministic where perf counters are unavailable. Run it for two counts and take
# (I(n2) - I(n1)) / (n2 - n1) as the instructions per request, e.g.:
#   bench/tools/callgrind-per-request.sh rivet 1000; bench/tools/callgrind-per-request.sh rivet 5000
# A third argument picks the route: hello (default, GET /hello with its guard) or users (POST /users, a valid
# 3-field DTO). Variants that read BENCH_BEFORE_DIST / BENCH_AFTER_DIST (rivet-before, rivet-after) compare builds.
# Needs valgrind (apt-get install valgrind) and a compiled bench (after one `node bench/run.js` run).
set -u
variant=$1; n=$2; route=${3:-hello}
mkdir -p "${TMPDIR:-/tmp}/rivet-callgrind"
out=${TMPDIR:-/tmp}/rivet-callgrind/$variant-$route-$n
rm -f $out.*
cd "$(dirname "$0")/.."
valgrind --tool=callgrind --callgrind-out-file=$out.%p node $( [ "$variant" = rivet ] && echo .build/servers/rivet.js || echo variants/$variant.js ) > $out.port 2>$out.err &
vpid=$!
for i in $(seq 1 600); do [ -s $out.port ] && break; sleep 0.2; done
port=$(head -1 $out.port)
if [ "$route" = users ]; then
  npx autocannon -c 4 -a $n -m POST -H 'content-type: application/json' -b '{"name":"Ada Lovelace","email":"ada@example.com","age":36}' http://127.0.0.1:$port/users > $out.ac 2>&1
else
  npx autocannon -c 4 -a $n -H 'x-api-key: secret' http://127.0.0.1:$port/hello > $out.ac 2>&1
fi
callgrind_control -d $vpid > /dev/null 2>&1 || callgrind_control -d > /dev/null 2>&1
sleep 2
kill $vpid; wait $vpid 2>/dev/null
total=$(grep -h "^summary:\|^totals:" $out.* 2>/dev/null | awk '{print $2}' | sort -n | tail -1)
echo "$variant $route $n $total"
