#!/bin/sh
# Installs a released forkcast binary without its source: picks this
# machine's asset, downloads it and the release's SHA256SUMS, refuses it
# unless its SHA-256 matches, and puts `forkcast` in a folder.
#
#   curl -sSfL https://raw.githubusercontent.com/forkcast/forkcast/main/install.sh | sh
#   curl -sSfL https://raw.githubusercontent.com/forkcast/forkcast/main/install.sh | sh -s -- --version 0.1.0 --to /usr/local/bin
#
# POSIX sh; needs curl (or wget), tar, and sha256sum (or shasum).
# FORKCAST_RELEASES_URL replaces the download address, with the same
# v{version}/{asset} layout below it (a mirror, or a test's server).

# The version this script was released with (a test keeps it equal to
# Cargo.toml's `version`).
VERSION=0.1.0
REPOSITORY=https://github.com/forkcast/forkcast

usage() {
    cat <<EOF
Installs forkcast from its releases ($REPOSITORY/releases).

Usage: install.sh [--version V] [--to DIR]

  --version V  the version to install, e.g. $VERSION (default: $VERSION)
  --to DIR     the folder to put forkcast in (default: \$HOME/.local/bin)
  -h, --help   print this help

FORKCAST_RELEASES_URL replaces the download address
($REPOSITORY/releases/download), with the same v{version}/{asset} layout.
EOF
}

say() {
    printf '%s\n' "$*"
}

# An error in the installation: the message on stderr, exit status 1.
fail() {
    printf 'install.sh: %s\n' "$*" >&2
    exit 1
}

# A mistake on the command line: the message and the usage, exit status 2.
usage_error() {
    printf 'install.sh: %s\n\n' "$*" >&2
    usage >&2
    exit 2
}

parse_args() {
    version=$VERSION
    dir=
    while [ $# -gt 0 ]; do
        case $1 in
            -h | --help)
                usage
                exit 0
                ;;
            --version)
                [ $# -ge 2 ] || usage_error "--version needs a value, like --version $VERSION"
                version=$2
                shift 2
                ;;
            --to)
                [ $# -ge 2 ] || usage_error "--to needs a folder, like --to \$HOME/.local/bin"
                dir=$2
                shift 2
                ;;
            --version=*)
                version=${1#--version=}
                shift
                ;;
            --to=*)
                dir=${1#--to=}
                shift
                ;;
            *)
                usage_error "unknown option '$1'"
                ;;
        esac
    done
    # Tags are v0.1.0, versions 0.1.0: accept either.
    version=${version#v}
    case $version in
        '' | *[!0-9A-Za-z.+-]*)
            usage_error "'$version' is not a version (like $VERSION)"
            ;;
    esac
    if [ -z "$dir" ]; then
        [ -n "${HOME:-}" ] || usage_error "HOME is not set: say where to install with --to DIR"
        dir=$HOME/.local/bin
    fi
}

# The Rust target whose asset runs here, from uname.
pick_target() {
    os=$(uname -s)
    arch=$(uname -m)
    case $os in
        Linux)
            case $arch in
                x86_64 | amd64) target=x86_64-unknown-linux-musl ;;
                aarch64 | arm64) target=aarch64-unknown-linux-musl ;;
                *) unsupported ;;
            esac
            ;;
        Darwin)
            case $arch in
                arm64 | aarch64) target=aarch64-apple-darwin ;;
                x86_64)
                    # A shell under Rosetta says x86_64 on an Apple chip,
                    # where the native binary is the better choice.
                    if [ "$(sysctl -n sysctl.proc_translated 2>/dev/null)" = 1 ]; then
                        target=aarch64-apple-darwin
                    else
                        target=x86_64-apple-darwin
                    fi
                    ;;
                *) unsupported ;;
            esac
            ;;
        MINGW* | MSYS* | CYGWIN*)
            fail "this script does not install on Windows (uname -s says $os).
Download forkcast-$version-x86_64-pc-windows-msvc.zip from $REPOSITORY/releases/tag/v$version,
check it against that release's SHA256SUMS, and put forkcast.exe in a folder on your PATH."
            ;;
        *) unsupported ;;
    esac
}

unsupported() {
    fail "forkcast has no released binary for this machine (uname -s: $os, uname -m: $arch).
Build it from source instead (needs Rust and a C compiler):
  cargo install --git $REPOSITORY --locked forkcast"
}

pick_tools() {
    if command -v curl >/dev/null 2>&1; then
        downloader=curl
    elif command -v wget >/dev/null 2>&1; then
        downloader=wget
    else
        fail "downloading needs curl or wget; install one of them and run this again"
    fi
    if command -v sha256sum >/dev/null 2>&1; then
        hasher="sha256sum"
    elif command -v shasum >/dev/null 2>&1; then
        hasher="shasum -a 256"
    else
        fail "checking the download needs sha256sum or shasum; install one of them and run this again"
    fi
    command -v tar >/dev/null 2>&1 || fail "unpacking the download needs tar; install it and run this again"
}

# Downloads $1 into the file $2. A 404 means this version was never
# released; anything else that fails is the network's or the server's.
download() {
    if [ "$downloader" = curl ]; then
        code=$(curl --silent --show-error --location --retry 2 \
            --output "$2" --write-out '%{http_code}' "$1" 2>"$tmp/download.err") || code=000
        [ "$code" = 000 ] || [ "$code" = 200 ] || [ "$code" = 404 ] || code="HTTP $code"
    else
        # Status 8: the server answered with an error, which -nv prints
        # ("ERROR 404", or busybox's "HTTP/1.1 404").
        status=0
        wget -nv --output-document="$2" "$1" 2>"$tmp/download.err" || status=$?
        if [ "$status" = 0 ]; then
            code=200
        elif [ "$status" = 8 ] && grep -q ' 404' "$tmp/download.err"; then
            code=404
        elif [ "$status" = 8 ]; then
            code="an error ($(tail -n 1 "$tmp/download.err"))"
        else
            code=000
        fi
    fi
    case $code in
        200) ;;
        404) no_release "$1" ;;
        000)
            fail "cannot download $1: $(tail -n 1 "$tmp/download.err")
Check the connection (and any proxy), then run this again."
            ;;
        *) fail "cannot download $1: the server answered $code; try again later" ;;
    esac
}

no_release() {
    fail "forkcast $version has no release at $1
The released versions are listed at $REPOSITORY/releases"
}

# Refuses the archive unless its SHA-256 is the one SHA256SUMS gives it.
verify() {
    expected=$(awk -v f="$asset" '$2 == f || $2 == "*" f { print $1; exit }' "$tmp/SHA256SUMS")
    actual=$($hasher "$tmp/$asset" | awk '{ print $1 }')
    if [ -z "$expected" ]; then
        fail "$asset: SHA256SUMS has no line for it, so nothing was installed.
  expected: (no line in $base/SHA256SUMS)
  actual:   $actual"
    fi
    if [ "$(printf '%s' "$expected" | tr 'A-F' 'a-f')" != "$actual" ]; then
        fail "$asset: the checksum did not match SHA256SUMS, so nothing was installed.
  expected: $expected
  actual:   $actual
The download is damaged or was changed; try again, and if it happens again
report it at $REPOSITORY/issues"
    fi
}

# Puts the binary in $dir under a temporary name, then renames it: a
# forkcast already there is replaced whole or not at all.
install_binary() {
    mkdir -p -- "$dir" 2>/dev/null || fail "cannot create the folder $dir; choose another with --to DIR"
    # An absolute path, to compare with PATH (CDPATH would make cd print).
    dir=$(CDPATH='' cd -- "$dir" && pwd)
    partial="$dir/.forkcast.install.$$"
    cp "$tmp/unpacked/forkcast" "$partial" 2>/dev/null ||
        fail "cannot write to $dir; choose another folder with --to DIR (or run as a user who may write there)"
    chmod 755 "$partial"
    mv -f "$partial" "$dir/forkcast"
    partial=
}

cleanup() {
    [ -z "${partial:-}" ] || rm -f "$partial"
    [ -z "${tmp:-}" ] || rm -rf "$tmp"
}

main() {
    set -eu
    parse_args "$@"
    pick_target
    pick_tools

    tmp=$(mktemp -d 2>/dev/null || mktemp -d -t forkcast) || fail "cannot create a temporary folder"
    partial=
    trap cleanup EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM

    base="${FORKCAST_RELEASES_URL:-$REPOSITORY/releases/download}"
    base="${base%/}/v$version"
    asset="forkcast-$version-$target.tar.gz"

    download "$base/SHA256SUMS" "$tmp/SHA256SUMS"
    download "$base/$asset" "$tmp/$asset"
    verify

    mkdir "$tmp/unpacked"
    tar -xzf "$tmp/$asset" -C "$tmp/unpacked" ||
        fail "$asset: cannot unpack it (it passed its checksum, so the release itself is broken; report it at $REPOSITORY/issues)"
    [ -f "$tmp/unpacked/forkcast" ] ||
        fail "$asset has no file named forkcast at its top; report it at $REPOSITORY/issues"

    install_binary
    "$dir/forkcast" --version ||
        fail "$dir/forkcast was installed but does not run; report it at $REPOSITORY/issues with the output above"
    say "Installed forkcast $version to $dir/forkcast"
    case ":${PATH:-}:" in
        *":$dir:"*) ;;
        *)
            say "$dir is not on your PATH; add it with this line in your shell's startup file (~/.profile, ~/.zshrc):"
            say "  export PATH=\"$dir:\$PATH\""
            ;;
    esac
}

# Everything runs from here, once the whole script has arrived: a download
# cut short by `curl | sh` runs nothing.
main "$@"
