#!/usr/bin/env bash
# Time from saving an edited post (and an edited future) to the rebuilt page
# being served by `forkcast serve`, on the gen_corpus.py site with 10,000
# posts, 2,000 futures and 500 bets, served by a relative path as
# `cd site && forkcast serve` does. Medians of 7 edits each.
#
#   bench/serve.sh
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
gen=${GEN_CORPUS:-$here/../shared/bench/gen_corpus.py}
site=${BENCH_DIR:-/tmp/forkcast-serve-bench}/site
[[ -d $site ]] || python3 "$gen" --flavor forkcast --posts 10000 --futures 2000 --bets 500 "$site" >/dev/null
FORKCAST_BENCH_SITE=$site cargo test --release --quiet --manifest-path "$here/Cargo.toml" --test serve serve_benchmark -- --ignored --nocapture 2>&1 | grep -E "initial|save"
