#!/usr/bin/env bash
# How forkcast's build time grows with the number of posts.
#
#   bench/scale.sh [SMALL] [LARGE] [RUNS]
#
# Generates two corpora with ../shared/bench/gen_corpus.py that differ only
# in their number of posts (default 10,000 and 50,000; both with 2,000
# futures and 500 bets), builds each RUNS times (default 5), alternating,
# first rebuilding into an earlier build's output, then into a new folder
# each time, and prints the medians and their ratio — linear growth is
# LARGE/SMALL. BENCH_DIR keeps the corpora between runs.
set -euo pipefail

small=${1:-10000}
large=${2:-50000}
runs=${3:-5}

work=${BENCH_DIR:-$(mktemp -d /tmp/forkcast-scale.XXXXXX)}
source "$(dirname "$0")/lib.sh"

for n in "$small" "$large"; do
  [[ -d $work/posts-$n ]] || python3 "$gen" --flavor forkcast --posts "$n" --futures 2000 --bets 500 "$work/posts-$n" >/dev/null
  "$forkcast" build --offline --quiet --root "$work/posts-$n" --output "$work/out-$n" >/dev/null 2>&1
done
measure() {
  local what=$1
  declare -A t
  for n in "$small" "$large"; do : >"$work/time-$n.txt"; done
  for ((i = 0; i < runs; i++)); do
    for n in "$small" "$large"; do
      local out=$work/out-$n
      [[ $what == rebuild ]] || out=$work/new/$n-$i
      /usr/bin/time -a -o "$work/time-$n.txt" -f "%e %M" \
        "$forkcast" build --offline --quiet --root "$work/posts-$n" --output "$out" >/dev/null 2>&1
    done
  done
  echo "$what:"
  for n in "$small" "$large"; do
    t[$n]=$(awk '{print $1}' "$work/time-$n.txt" | median)
    echo "  $n posts: median ${t[$n]} s of $runs, peak $(awk '{print $2}' "$work/time-$n.txt" | median) KB"
  done
  echo "  ratio: $(echo "scale=2; ${t[$large]} / ${t[$small]}" | bc) (linear: $(echo "scale=2; $large / $small" | bc))"
}
measure rebuild
measure "new folder"
rm -rf "$work/new"
