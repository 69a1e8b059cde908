#!/usr/bin/env bash
# Fuzz smoke run (called by .ci/run after the tests): replays the committed seeds and
# regression inputs of each cargo-fuzz target, then fuzzes each one for a few seconds
# (FUZZ_SMOKE_SECONDS, default 10). Needs a nightly toolchain and cargo-fuzz; without
# them it prints "fuzz smoke: skipped: REASON" and succeeds. A crash fails the run;
# the crashing input is saved under fuzz/artifacts/TARGET/ (see fuzz/README.md).
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${FUZZ_SMOKE_SECONDS:-10}"
targets=(wire_decode message_decode reader)

skip() {
  echo "fuzz smoke: skipped: $*"
  exit 0
}

command -v cargo >/dev/null 2>&1 || skip "cargo is not installed"
cargo +nightly --version >/dev/null 2>&1 ||
  skip "no nightly toolchain (rustup toolchain install nightly)"
cargo +nightly fuzz --version >/dev/null 2>&1 ||
  skip "cargo-fuzz is not installed (cargo install cargo-fuzz)"

# The fuzz build (nightly, sanitizer flags) is slow the first time: keep it outside the
# checkout so later runs, from any clone, reuse it, and give the build a time budget
# (FUZZ_BUILD_SECONDS, default 300) so a cold cache cannot stall CI; what was built is
# kept for the next run.
export CARGO_TARGET_DIR="${ETAI_FUZZ_TARGET_DIR:-${HOME:-/tmp}/.cache/etai/fuzz-target}"
budget="${FUZZ_BUILD_SECONDS:-300}"
status=0
timeout "$budget" cargo +nightly fuzz build || status=$?
if [ "$status" -eq 124 ]; then
  skip "building the fuzz targets did not finish within ${budget} s (progress is cached in $CARGO_TARGET_DIR)"
elif [ "$status" -ne 0 ]; then
  echo "fuzz smoke: building the fuzz targets failed" >&2
  exit "$status"
fi

# libFuzzer options: no input may take over 10 s or 2 GB.
limits=(-timeout=10 -rss_limit_mb=2048)

for t in "${targets[@]}"; do
  seeds="fuzz/seeds/$t"
  corpus="fuzz/corpus/$t"
  mkdir -p "$corpus"
  echo "fuzz smoke: $t: replaying $seeds"
  cargo +nightly fuzz run "$t" "$seeds" -- -runs=0 "${limits[@]}"
  echo "fuzz smoke: $t: fuzzing for ${seconds} s"
  # New inputs go to the (ignored) corpus directory; the seeds are read too.
  cargo +nightly fuzz run "$t" "$corpus" "$seeds" -- -max_total_time="$seconds" "${limits[@]}"
done
echo "fuzz smoke: ok"
