#!/usr/bin/env bash
# Runs one test file N times in a row and counts the passes; with --load the unit tests run
# in a loop beside it the whole time, so the file is proven on a busy machine (issue 19).
# Every run's output is kept in a temp dir, named in the summary, so a failure can be read.
#   scripts/repeat-test.sh 30 test/browser/two-tabs.test.ts --load
# Browser tests serve dist/: run `npm run build` first.
set -u
n=${1:?runs}; file=${2:?test file}; load=${3:-}
logs=$(mktemp -d -t repeat-test.XXXXXX)
loader=
if [ "$load" = --load ]; then
  # Its own process group, so the whole loop (and the vitest it is running) stops with the script.
  setsid bash -c 'while :; do npx vitest run --project unit; done' >>"$logs/load.log" 2>&1 &
  loader=$!
  trap 'kill -- -$loader 2>/dev/null' EXIT
fi
pass=0; fail=0
for i in $(seq 1 "$n"); do
  start=$(date +%s)
  # A run passes only if vitest exits 0 and skipped nothing (a skip is not a pass).
  if npx vitest run "$file" >"$logs/run-$i.log" 2>&1 && grep -q 'tests: [1-9][0-9]* passed, 0 failed, 0 skipped' "$logs/run-$i.log"; then
    pass=$((pass + 1)); r=pass
  else
    fail=$((fail + 1)); r=FAIL
  fi
  echo "run $i/$n: $r in $(( $(date +%s) - start )) s, $(grep -o 'tests: .*' "$logs/run-$i.log" | tail -1) (load average $(cut -d' ' -f1 /proc/loadavg))"
done
echo "$file: $pass passed, $fail failed of $n${load:+ (unit tests looping beside it)}; logs in $logs"
[ "$fail" -eq 0 ]
