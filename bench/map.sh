#!/usr/bin/env bash
# The future map's numbers at 1,000 and 5,000 futures (or the SIZES given):
# layout time in Rust, and, in headless Chromium, time to interactive, one
# zoom step and the bytes of the first view (medians of RUNS loads).
#
#   bench/map.sh [RUNS] [SIZES...]      e.g. bench/map.sh 5 1000 5000 20000
#
# Needs ../shared/bench/gen_corpus.py, python3, /usr/bin/chromium and
# `npm ci` in tests/browser.
set -euo pipefail
runs=${1:-5}
shift $(($# > 0 ? 1 : 0))
sizes=("$@")
((${#sizes[@]})) || sizes=(1000 5000)
here=$(cd "$(dirname "$0")/.." && pwd)
gen=${GEN_CORPUS:-$here/../shared/bench/gen_corpus.py}
work=${BENCH_DIR:-$(mktemp -d /tmp/forkcast-map-bench.XXXXXX)}
cargo build --release --quiet --manifest-path "$here/Cargo.toml"
cargo test --release --quiet --manifest-path "$here/Cargo.toml" --lib layout_benchmark -- --ignored --nocapture 2>/dev/null | grep "^layout of"
# A high port of its own, so runs beside other servers do not collide.
port=$((20000 + RANDOM % 20000))
for n in "${sizes[@]}"; do
  site=$work/site-$n
  [[ -d $site ]] || python3 "$gen" --flavor forkcast --posts 10 --futures "$n" "$site" >/dev/null
  "$here/target/release/forkcast" build --offline --quiet --root "$site" --base-url "http://127.0.0.1:$port/"
  (cd "$site/public" && exec python3 -m http.server "$port" --bind 127.0.0.1 >/dev/null 2>&1) &
  server=$!
  sleep 1
  (cd "$here/tests/browser" && node bench.mjs "http://127.0.0.1:$port/" "$runs") || true
  kill "$server"
  port=$((port + 1))
done
