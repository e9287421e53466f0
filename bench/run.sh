#!/usr/bin/env bash
# Times forkcast against Hugo on the same generated site, in the same run.
#
#   bench/run.sh [POSTS] [FUTURES] [BETS] [RUNS]
#
# Generates the corpus with ../shared/bench/gen_corpus.py (forkcast and Hugo
# flavours of the same posts), builds each RUNS times (default 5), and prints
# the median wall time of each and their ratio. Needs python3 and hugo
# (`apt-get install -y hugo`); builds forkcast in release mode first.
set -euo pipefail

posts=${1:-10000}
futures=${2:-2000}
bets=${3:-500}
runs=${4:-5}

here=$(cd "$(dirname "$0")/.." && pwd)
gen=${GEN_CORPUS:-$here/../shared/bench/gen_corpus.py}
work=${BENCH_DIR:-$(mktemp -d /tmp/forkcast-bench.XXXXXX)}
[[ -f $gen ]] || { echo "gen_corpus.py not found at $gen (set GEN_CORPUS)" >&2; exit 2; }

cargo build --release --quiet --manifest-path "$here/Cargo.toml"
forkcast=$here/target/release/forkcast

echo "corpus: $posts posts, $futures futures, $bets bets in $work"
[[ -d $work/forkcast ]] || python3 "$gen" --flavor forkcast --posts "$posts" --futures "$futures" --bets "$bets" "$work/forkcast" >/dev/null
[[ -d $work/hugo ]] || python3 "$gen" --flavor hugo --posts "$posts" "$work/hugo" >/dev/null

# Median of the wall times (seconds) of running "$@" $runs times.
median() {
  local times=()
  for ((i = 0; i < runs; i++)); do
    local start end
    start=$(date +%s.%N)
    "$@" >/dev/null 2>&1 || { echo "failed: $*" >&2; "$@" 2>&1 | head -20 >&2; exit 1; }
    end=$(date +%s.%N)
    times+=("$(echo "$end - $start" | bc)")
  done
  printf '%s\n' "${times[@]}" | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'
}

fc=$(median "$forkcast" build --offline --root "$work/forkcast" --output "$work/out-forkcast")
echo "forkcast build (posts + futures + bets): median ${fc}s of $runs"
fc_posts=""
if [[ $futures -gt 0 || $bets -gt 0 ]]; then
  [[ -d $work/forkcast-posts ]] || python3 "$gen" --flavor forkcast --posts "$posts" "$work/forkcast-posts" >/dev/null
  fc_posts=$(median "$forkcast" build --offline --root "$work/forkcast-posts" --output "$work/out-forkcast-posts")
  echo "forkcast build (posts only):             median ${fc_posts}s of $runs"
fi
if command -v hugo >/dev/null; then
  hg=$(median hugo --quiet --source "$work/hugo" --destination "$work/out-hugo")
  echo "hugo $(hugo version | awk '{print $2}') build (posts only):     median ${hg}s of $runs"
  echo "ratio forkcast/hugo, same posts: $(echo "scale=2; ${fc_posts:-$fc} / $hg" | bc)"
else
  echo "hugo not installed: apt-get install -y hugo" >&2
fi
