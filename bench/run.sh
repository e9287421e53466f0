#!/usr/bin/env bash
# forkcast against Hugo on the same generated site, measured in the same run.
#
#   bench/run.sh [POSTS] [FUTURES] [BETS] [RUNS]
#
# Generates the corpus with ../shared/bench/gen_corpus.py (forkcast and Hugo
# flavours of the same posts; set GEN_CORPUS to move it), installs Hugo if
# missing, builds forkcast in release mode, then runs the two builds
# alternately RUNS times (default 5) into existing output folders and prints
# the median wall time and peak memory of each, and their ratio. Not a test.
set -euo pipefail

posts=${1:-10000}
futures=${2:-2000}
bets=${3:-500}
runs=${4:-5}

here=$(cd "$(dirname "$0")/.." && pwd)
gen=${GEN_CORPUS:-$here/../shared/bench/gen_corpus.py}
work=${BENCH_DIR:-$(mktemp -d /tmp/forkcast-bench.XXXXXX)}
[[ -f $gen ]] || { echo "gen_corpus.py not found at $gen (set GEN_CORPUS)" >&2; exit 2; }
command -v hugo >/dev/null || { apt-get install -y -qq hugo >/dev/null || { echo "hugo is needed: apt-get install -y hugo" >&2; exit 2; }; }
[[ -x /usr/bin/time ]] || apt-get install -y -qq time >/dev/null

cargo build --release --quiet --manifest-path "$here/Cargo.toml"
forkcast=$here/target/release/forkcast

echo "corpus: $posts posts, $futures futures, $bets bets in $work"
[[ -d $work/forkcast ]] || python3 "$gen" --flavor forkcast --posts "$posts" --futures "$futures" --bets "$bets" "$work/forkcast" >/dev/null
[[ -d $work/hugo ]] || python3 "$gen" --flavor hugo --posts "$posts" "$work/hugo" >/dev/null

# One timed run: prints "seconds peak-KB".
timed() {
  /usr/bin/time -f "%e %M" -o "$work/time.txt" "$@" >/dev/null 2>"$work/err.txt" || { cat "$work/err.txt" >&2; exit 1; }
  cat "$work/time.txt"
}
median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

fc_t=(); fc_m=(); hg_t=(); hg_m=()
for ((i = 0; i < runs; i++)); do
  read -r t m < <(timed "$forkcast" build --offline --quiet --root "$work/forkcast" --output "$work/out-forkcast")
  fc_t+=("$t"); fc_m+=("$m")
  read -r t m < <(timed hugo --quiet --source "$work/hugo" --destination "$work/out-hugo")
  hg_t+=("$t"); hg_m+=("$m")
done
fc=$(printf '%s\n' "${fc_t[@]}" | median); hg=$(printf '%s\n' "${hg_t[@]}" | median)
fcm=$(printf '%s\n' "${fc_m[@]}" | median); hgm=$(printf '%s\n' "${hg_m[@]}" | median)
echo "forkcast (posts + futures + bets): median ${fc} s of $runs, peak ${fcm} KB"
echo "hugo $(hugo version | awk '{print $2}') (posts only):   median ${hg} s of $runs, peak ${hgm} KB"
echo "ratio forkcast/hugo: $(echo "scale=3; $fc / $hg" | bc)"
