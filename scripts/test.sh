#!/usr/bin/env bash
# Runs every test: unit tests (cmocka, under ASan and UBSan), the
# integration and browser tests against SQLite and against a throwaway
# PostgreSQL this script starts and removes, and a short run of each fuzzer.
# Ends with one line: "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:halt_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$ROOT/tests/lsan.supp}
FUZZ_SECONDS=${FUZZ_SECONDS:-8}

passed=0
failed=0
failures=()
WORK=$(mktemp -d /tmp/nara-test.XXXXXX)
chmod 755 "$WORK"   # the PostgreSQL server runs as user postgres
PGDIR=$WORK/pg
cleanup() {
  [ -d "$PGDIR" ] && bash scripts/pg-throwaway.sh stop "$PGDIR" >/dev/null 2>&1
  rm -rf "$WORK"
}
trap cleanup EXIT

count() { # name passed failed
  passed=$((passed + $2))
  failed=$((failed + $3))
  [ "$3" -gt 0 ] && failures+=("$1")
  printf '%-40s %4d passed, %d failed\n' "$1" "$2" "$3"
}

# cmocka prints "[  PASSED  ] N test(s)." and "[  FAILED  ] N test(s)...".
run_cmocka() { # name binary
  local out rc p f
  out=$("$2" 2>&1); rc=$?
  # A binary may run several groups: add them up.
  p=$(printf '%s\n' "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' | awk '{s+=$1} END {print s+0}')
  f=$(printf '%s\n' "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' | awk '{s+=$1} END {print s+0}')
  p=${p:-0}; f=${f:-0}
  if [ $rc -ne 0 ] && [ "$f" = 0 ]; then f=1; fi   # a crash or a sanitizer report
  [ "$f" -gt 0 ] && printf '%s\n' "$out" | tail -40
  count "$1" "$p" "$f"
}

# node --test with the TAP reporter ends with "# pass N" and "# fail N".
# node_start runs in the background, writing OUT and OUT.rc; node_count
# reads them once it is done, so two engines can run side by side.
node_start() { # out file... (env passes the target)
  local out=$1; shift
  # Bounded: a hung browser must fail the run, not stall CI.
  ( timeout 1800 node --test --test-concurrency=1 --test-timeout=300000 --test-reporter=tap "$@" >"$out" 2>&1
    echo $? >"$out.rc" ) &
}
node_count() { # name out
  local name=$1 out=$2 rc p f
  rc=$(cat "$out.rc" 2>/dev/null || echo 1)
  p=$(sed -n 's/^# pass \([0-9]*\)/\1/p' "$out" | tail -1)
  f=$(sed -n 's/^# fail \([0-9]*\)/\1/p' "$out" | tail -1)
  p=${p:-0}; f=${f:-0}
  if [ "$rc" -ne 0 ] && [ "$f" = 0 ]; then f=1; fi
  if [ "$f" -gt 0 ]; then grep -v '^ *\(#\|ok\|---\|\.\.\.\|duration_ms\|type:\)' "$out" | tail -80; fi
  count "$name" "$p" "$f"
}

echo "== PostgreSQL (throwaway)"
PG_URL=$(bash scripts/pg-throwaway.sh start "$PGDIR") || { echo "could not start PostgreSQL"; count postgresql-start 0 1; PG_URL=""; }
export NARA_TEST_PG_URL=$PG_URL NARA_TEST_PG_DIR=$PGDIR

echo "== unit tests (ASan + UBSan)"
for t in build/test/test_*; do
  [ -x "$t" ] || continue
  run_cmocka "unit/$(basename "$t")" "$t"
done

export NARA_BIN=$ROOT/build/test/nara
# Each engine has one database for all its integration and browser tests,
# the browser tests first. The browser tests (Chromium, three at once in
# the video test) run one engine after the other: side by side on two
# cores they starve each other. The integration tests, lighter, then run
# for both engines side by side. Some 15 minutes instead of 20.
run_sqlite() { NARA_TEST_DATABASE="sqlite:$WORK/nara.db" NARA_TEST_ENGINE=sqlite node_start "$@"; }
run_pg() { NARA_TEST_DATABASE="$PG_URL" NARA_TEST_ENGINE=postgresql node_start "$@"; }
echo "== browser tests: SQLite"
run_sqlite "$WORK/e2e-sqlite.tap" tests/e2e/*.test.mjs
wait
node_count "browser/sqlite" "$WORK/e2e-sqlite.tap"
if [ -n "$PG_URL" ]; then
  echo "== browser tests: PostgreSQL"
  run_pg "$WORK/e2e-postgresql.tap" tests/e2e/*.test.mjs
  wait
  node_count "browser/postgresql" "$WORK/e2e-postgresql.tap"
fi
echo "== integration tests: SQLite and PostgreSQL, side by side"
started=$(date +%s)
run_sqlite "$WORK/int-sqlite.tap" tests/integration/*.test.mjs
[ -n "$PG_URL" ] && run_pg "$WORK/int-postgresql.tap" tests/integration/*.test.mjs
wait
echo "(both in $(( $(date +%s) - started )) s)"
node_count "integration/sqlite" "$WORK/int-sqlite.tap"
[ -n "$PG_URL" ] && node_count "integration/postgresql" "$WORK/int-postgresql.tap"

echo "== the API description (docs/openapi.yaml, @redocly/cli)"
if out=$(npx --no-install redocly lint --format=stylish docs/openapi.yaml 2>&1); then
  count "openapi/lint" 1 0
else
  printf '%s\n' "$out" | grep -v '║\|╔\|╚' | tail -30
  count "openapi/lint" 0 1
fi

echo "== fuzzers (${FUZZ_SECONDS}s each)"
for fz in build/fuzz/fuzz_*; do
  [ -x "$fz" ] || continue
  name=$(basename "$fz")
  corpus=tests/fuzz/corpus/${name#fuzz_}
  scratch=$WORK/corpus-$name
  mkdir -p "$scratch"
  [ -d "$corpus" ] && cp -r "$corpus"/. "$scratch"/ 2>/dev/null
  if "$fz" -max_total_time="$FUZZ_SECONDS" -rss_limit_mb=2048 -print_final_stats=0 \
       -artifact_prefix="$WORK/" "$scratch" >"$WORK/$name.log" 2>&1; then
    count "fuzz/$name" 1 0
  else
    tail -30 "$WORK/$name.log"
    count "fuzz/$name" 0 1
  fi
done

echo
if [ ${#failures[@]} -gt 0 ]; then echo "failed: ${failures[*]}"; fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
