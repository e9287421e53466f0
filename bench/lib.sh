# Shared by bench/run.sh and bench/scale.sh (sourced, not run): where the
# corpus generator is, a release build of forkcast, and medians.
# Sets: here, gen, forkcast; defines: median.

here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
gen=${GEN_CORPUS:-$here/../shared/bench/gen_corpus.py}
[[ -f $gen ]] || { echo "gen_corpus.py not found at $gen (set GEN_CORPUS)" >&2; exit 2; }
[[ -x /usr/bin/time ]] || apt-get install -y -qq time >/dev/null

cargo build --release --quiet --manifest-path "$here/Cargo.toml"
forkcast=$here/target/release/forkcast

# The median of the numbers on standard input, one a line.
median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
