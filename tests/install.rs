//! Installing without the source: install.sh run against a release mirror
//! served on 127.0.0.1 (all five assets and their SHA256SUMS, as the release
//! workflow writes them) installs this machine's asset, refuses a tampered
//! one and says when a version was never released; action.yml runs it as a
//! runner would; and install.sh, action.yml, the release workflow and
//! Cargo.toml agree on the version, the targets, the asset names and the
//! repository's address.

mod common;

use std::fs;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::{TempDir, Tool};

/// Cargo.toml's `version` and `repository`.
const VERSION: &str = env!("CARGO_PKG_VERSION");
const REPOSITORY: &str = env!("CARGO_PKG_REPOSITORY");

/// The targets a release carries, the Windows one last.
const TARGETS: [&str; 5] = [
    "x86_64-unknown-linux-musl",
    "aarch64-unknown-linux-musl",
    "x86_64-apple-darwin",
    "aarch64-apple-darwin",
    "x86_64-pc-windows-msvc",
];
const WINDOWS: &str = "x86_64-pc-windows-msvc";

fn repo_file(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(name)
}

fn read_repo_file(name: &str) -> String {
    fs::read_to_string(repo_file(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn yaml(name: &str) -> serde_json::Value {
    serde_saphyr::from_str(&read_repo_file(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// The asset install.sh should pick on the machine running the tests.
fn this_machines_target() -> &'static str {
    match (std::env::consts::OS, std::env::consts::ARCH) {
        ("linux", "x86_64") => "x86_64-unknown-linux-musl",
        ("linux", "aarch64") => "aarch64-unknown-linux-musl",
        ("macos", "x86_64") => "x86_64-apple-darwin",
        ("macos", "aarch64") => "aarch64-apple-darwin",
        other => {
            panic!("install.sh has no asset for {other:?}; these tests run on Linux and macOS")
        }
    }
}

fn asset_name(version: &str, target: &str) -> String {
    let ext = if target == WINDOWS { "zip" } else { "tar.gz" };
    format!("forkcast-{version}-{target}.{ext}")
}

/// What each fake binary prints, so a test can tell which asset was installed.
fn banner(target: &str) -> String {
    format!("forkcast {VERSION} {target}")
}

/// A release mirror on 127.0.0.1 in the layout of the GitHub releases:
/// `v{version}/{asset}` for the five targets and `v{version}/SHA256SUMS`.
struct Mirror {
    dir: TempDir,
    url: String,
}

impl Mirror {
    fn new() -> Mirror {
        let dir = TempDir::new("mirror");
        let release = dir.path().join(format!("v{VERSION}"));
        fs::create_dir_all(&release).unwrap();
        for target in TARGETS {
            let asset = release.join(asset_name(VERSION, target));
            if target == WINDOWS {
                write_zip(&asset, target);
            } else {
                write_tar_gz(&asset, target, dir.path());
            }
        }
        // The release workflow's own command, in the release's folder.
        sh_in(&release, "sha256sum forkcast-* > SHA256SUMS");
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        common::serve_static(listener, dir.path().to_path_buf());
        Mirror { dir, url }
    }

    fn file(&self, name: &str) -> PathBuf {
        self.dir.path().join(format!("v{VERSION}")).join(name)
    }

    /// The hash SHA256SUMS gives `asset`.
    fn listed_hash(&self, asset: &str) -> String {
        let sums = fs::read_to_string(self.file("SHA256SUMS")).unwrap();
        let line = sums
            .lines()
            .find(|l| l.ends_with(&format!("  {asset}")))
            .unwrap_or_else(|| panic!("no line for {asset} in {sums}"));
        line.split_whitespace().next().unwrap().to_string()
    }
}

fn sh_in(dir: &Path, script: &str) {
    let out = Command::new("sh")
        .args(["-c", script])
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{script}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A shell script standing in for the binary of `target`.
fn fake_binary(target: &str) -> String {
    format!("#!/bin/sh\necho '{}'\n", banner(target))
}

fn write_tar_gz(asset: &Path, target: &str, scratch: &Path) {
    let staging = scratch.join(format!("staging-{target}"));
    fs::create_dir_all(&staging).unwrap();
    let binary = staging.join("forkcast");
    fs::write(&binary, fake_binary(target)).unwrap();
    set_mode(&binary, 0o755);
    let out = Command::new("tar")
        .arg("-C")
        .arg(&staging)
        .arg("-czf")
        .arg(asset)
        .arg("forkcast")
        .output()
        .unwrap();
    assert!(out.status.success(), "tar: {out:?}");
    fs::remove_dir_all(&staging).unwrap();
}

fn write_zip(asset: &Path, target: &str) {
    use std::io::Write;
    let mut zip = zip::ZipWriter::new(fs::File::create(asset).unwrap());
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    zip.start_file("forkcast.exe", options).unwrap();
    zip.write_all(fake_binary(target).as_bytes()).unwrap();
    zip.finish().unwrap();
}

fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(mode)).unwrap();
}

fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    fs::metadata(path).unwrap().permissions().mode() & 0o777
}

/// Runs `sh install.sh ARGS` against `releases_url`, with a home of its own.
fn install_sh(releases_url: &str, args: &[&str], home: &Path) -> Output {
    install_sh_with_path(releases_url, args, home, &std::env::var_os("PATH").unwrap())
}

fn install_sh_with_path(
    releases_url: &str,
    args: &[&str],
    home: &Path,
    path: &std::ffi::OsStr,
) -> Output {
    Command::new("sh")
        .arg(repo_file("install.sh"))
        .args(args)
        .env("FORKCAST_RELEASES_URL", releases_url)
        .env("HOME", home)
        .env("PATH", path)
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn run_installed(binary: &Path) -> String {
    let out = Command::new(binary).output().unwrap();
    assert!(out.status.success(), "{}: {out:?}", binary.display());
    text(&out.stdout).trim().to_string()
}

/// Every name in `dir`, sorted.
fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn install_sh_installs_this_machines_asset_and_says_where() {
    let mirror = Mirror::new();
    let home = TempDir::new("install-home");
    // A folder that does not exist yet, with a space in its name.
    let to = home.path().join("my tools/bin");
    let out = install_sh(&mirror.url, &["--to", to.to_str().unwrap()], home.path());
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", text(&out.stderr));

    let binary = to.join("forkcast");
    let target = this_machines_target();
    assert_eq!(run_installed(&binary), banner(target), "the wrong asset");
    assert_eq!(mode(&binary), 0o755);
    assert_eq!(names_in(&to), ["forkcast"], "no temporary file is left");
    assert!(
        stdout.contains(&banner(target)),
        "it runs `forkcast --version`: {stdout}"
    );
    assert!(
        stdout.contains(&format!(
            "Installed forkcast {VERSION} to {}",
            binary.display()
        )),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!("export PATH=\"{}:$PATH\"", to.display())),
        "a folder off the PATH comes with the line that adds it: {stdout}"
    );

    // Again, with the folder on the PATH: the binary is replaced, no advice.
    fs::write(&binary, "old").unwrap();
    let path = format!("{}:{}", to.display(), std::env::var("PATH").unwrap());
    let again = install_sh_with_path(
        &mirror.url,
        &["--to", to.to_str().unwrap()],
        home.path(),
        path.as_ref(),
    );
    assert!(again.status.success(), "{}", text(&again.stderr));
    assert_eq!(run_installed(&binary), banner(target));
    assert!(!text(&again.stdout).contains("export PATH"));
}

#[test]
fn install_sh_installs_into_the_home_folder_by_default() {
    let mirror = Mirror::new();
    let home = TempDir::new("install-home");
    let out = install_sh(&mirror.url, &[], home.path());
    assert!(out.status.success(), "{}", text(&out.stderr));
    let binary = home.path().join(".local/bin/forkcast");
    assert_eq!(run_installed(&binary), banner(this_machines_target()));
}

#[test]
fn a_tampered_archive_is_refused_and_nothing_is_installed() {
    let mirror = Mirror::new();
    let asset = asset_name(VERSION, this_machines_target());
    let mut bytes = fs::read(mirror.file(&asset)).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x01;
    fs::write(mirror.file(&asset), &bytes).unwrap();
    let actual = hex(ring::digest::digest(&ring::digest::SHA256, &bytes).as_ref());

    let home = TempDir::new("install-home");
    let to = home.path().join("bin");
    fs::create_dir_all(&to).unwrap();
    fs::write(to.join("forkcast"), "the forkcast already here").unwrap();
    let out = install_sh(&mirror.url, &["--to", to.to_str().unwrap()], home.path());
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("checksum did not match"), "{stderr}");
    assert!(stderr.contains(&asset), "names the file: {stderr}");
    assert!(
        stderr.contains(&mirror.listed_hash(&asset)),
        "the expected hash: {stderr}"
    );
    assert!(stderr.contains(&actual), "the actual hash: {stderr}");
    assert_eq!(
        fs::read_to_string(to.join("forkcast")).unwrap(),
        "the forkcast already here",
        "nothing is installed"
    );
    assert_eq!(names_in(&to), ["forkcast"]);
}

#[test]
fn an_asset_missing_from_sha256sums_is_refused() {
    let mirror = Mirror::new();
    let asset = asset_name(VERSION, this_machines_target());
    let sums = fs::read_to_string(mirror.file("SHA256SUMS")).unwrap();
    let others: String = sums
        .lines()
        .filter(|l| !l.ends_with(&asset))
        .map(|l| format!("{l}\n"))
        .collect();
    fs::write(mirror.file("SHA256SUMS"), others).unwrap();

    let home = TempDir::new("install-home");
    let to = home.path().join("bin");
    let out = install_sh(&mirror.url, &["--to", to.to_str().unwrap()], home.path());
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(&format!("{asset}: SHA256SUMS has no line for it")),
        "{stderr}"
    );
    assert!(!to.join("forkcast").exists());
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn a_version_that_was_never_released_is_named_with_where_to_look() {
    let mirror = Mirror::new();
    let home = TempDir::new("install-home");
    let to = home.path().join("bin");
    let out = install_sh(
        &mirror.url,
        &["--version", "9.9.9", "--to", to.to_str().unwrap()],
        home.path(),
    );
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "forkcast 9.9.9 has no release at {}/v9.9.9/",
            mirror.url
        )),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!("{REPOSITORY}/releases")),
        "says where the versions are listed: {stderr}"
    );
    assert!(!to.exists());
}

#[test]
fn an_unreachable_server_is_a_clear_error() {
    // A port that was free a moment ago: nothing listens on it.
    let url = {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", listener.local_addr().unwrap())
    };
    let home = TempDir::new("install-home");
    let to = home.path().join("bin");
    let out = install_sh(&url, &["--to", to.to_str().unwrap()], home.path());
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(&format!("cannot download {url}/v{VERSION}/SHA256SUMS")),
        "{stderr}"
    );
    assert!(stderr.contains("Check the connection"), "{stderr}");
}

#[test]
fn without_curl_install_sh_downloads_with_wget() {
    if !common::has_tools("the wget install test", &[Tool::Wget]) {
        return;
    }
    let mirror = Mirror::new();
    let home = TempDir::new("install-home");
    // A PATH holding what install.sh needs, wget in place of curl.
    let bin = home.path().join("tools");
    fs::create_dir_all(&bin).unwrap();
    for tool in [
        "sh",
        "uname",
        "mktemp",
        "mkdir",
        "cat",
        "awk",
        "tr",
        "tail",
        "grep",
        "tar",
        "gzip",
        "sha256sum",
        "cp",
        "chmod",
        "mv",
        "rm",
        "wget",
    ] {
        let found = which(tool).unwrap_or_else(|| panic!("{tool} is not on the PATH"));
        std::os::unix::fs::symlink(found, bin.join(tool)).unwrap();
    }
    let to = home.path().join("bin");
    let out = install_sh_with_path(
        &mirror.url,
        &["--to", to.to_str().unwrap()],
        home.path(),
        bin.as_os_str(),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        run_installed(&to.join("forkcast")),
        banner(this_machines_target())
    );

    let missing = install_sh_with_path(
        &mirror.url,
        &["--version", "9.9.9", "--to", to.to_str().unwrap()],
        home.path(),
        bin.as_os_str(),
    );
    assert_eq!(missing.status.code(), Some(1));
    assert!(text(&missing.stderr).contains("forkcast 9.9.9 has no release at"));
}

fn which(tool: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join(tool))
        .find(|p| p.is_file())
}

#[test]
fn install_sh_defaults_to_cargo_tomls_version() {
    let script = read_repo_file("install.sh");
    let versions: Vec<&str> = script
        .lines()
        .filter_map(|l| l.strip_prefix("VERSION="))
        .collect();
    assert_eq!(
        versions,
        [VERSION],
        "install.sh's VERSION= must be Cargo.toml's version (bump both together)"
    );
}

#[test]
fn usage_mistakes_exit_2_with_the_usage() {
    let home = TempDir::new("install-home");
    for args in [&["--frobnicate"][..], &["--to"], &["--version", "1.0;rm"]] {
        let out = install_sh("http://127.0.0.1:9", args, home.path());
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains("Usage: install.sh"), "{args:?}: {stderr}");
    }
    let unknown = install_sh("http://127.0.0.1:9", &["--frobnicate"], home.path());
    assert!(text(&unknown.stderr).contains("unknown option '--frobnicate'"));

    let help = install_sh("http://127.0.0.1:9", &["--help"], home.path());
    assert!(help.status.success());
    assert!(text(&help.stdout).contains("Usage: install.sh [--version V] [--to DIR]"));
    assert_eq!(
        names_in(home.path()),
        Vec::<String>::new(),
        "nothing written"
    );
}

#[test]
fn the_release_workflow_builds_the_targets_install_sh_downloads() {
    let release = yaml(".github/workflows/release.yml");
    let matrix: Vec<&str> = release["jobs"]["build"]["strategy"]["matrix"]["include"]
        .as_array()
        .expect("release.yml: jobs.build.strategy.matrix.include")
        .iter()
        .map(|row| row["target"].as_str().unwrap())
        .collect();
    let mut sorted = matrix.clone();
    sorted.sort();
    let mut expected = TARGETS.to_vec();
    expected.sort();
    assert_eq!(sorted, expected, "release.yml's matrix");

    // install.sh picks among the four that are not Windows …
    let script = read_repo_file("install.sh");
    let picked = regex::Regex::new(r"target=([a-z0-9_-]+)").unwrap();
    let mut picks: Vec<&str> = picked
        .captures_iter(&script)
        .map(|c| c.get(1).unwrap().as_str())
        .collect();
    picks.sort();
    picks.dedup();
    let mut unix: Vec<&str> = TARGETS.iter().copied().filter(|t| *t != WINDOWS).collect();
    unix.sort();
    assert_eq!(picks, unix, "the targets install.sh picks");
    // … and names their assets the way the workflow packs them.
    assert!(script.contains(r#"asset="forkcast-$version-$target.tar.gz""#));
    assert!(script.contains(r#"base="${base%/}/v$version""#));
    assert!(script.contains(&format!("forkcast-$version-{WINDOWS}.zip")));
    let workflow = read_repo_file(".github/workflows/release.yml");
    for packed in [
        r#"-czf "forkcast-$VERSION-$TARGET.tar.gz" forkcast"#,
        r#"-Path "target/$env:TARGET/release/forkcast.exe" -DestinationPath "forkcast-$env:VERSION-$env:TARGET.zip""#,
        "sha256sum forkcast-* > SHA256SUMS",
        "version=\"${TAG#v}\"",
        "cargo build --release --locked",
        "cross build --release --locked",
        "gh release create \"$TAG\" assets/*",
    ] {
        assert!(workflow.contains(packed), "release.yml lacks `{packed}`");
    }
    assert_eq!(release["on"]["push"]["tags"][0], "v*");
    assert_eq!(release["permissions"]["contents"], "read");
    let jobs = release["jobs"].as_object().unwrap();
    for (name, job) in jobs {
        let write = job["permissions"]["contents"] == "write";
        assert_eq!(write, name == "release", "{name}: only `release` may write");
    }
}

#[test]
fn the_files_outside_cargo_toml_use_its_repository_address() {
    let github = regex::Regex::new(
        r"https://(?:github\.com|raw\.githubusercontent\.com)/([A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+)",
    )
    .unwrap();
    let ours = REPOSITORY
        .strip_prefix("https://github.com/")
        .expect("Cargo.toml's repository is on GitHub");
    for name in [
        "install.sh",
        "action.yml",
        ".github/workflows/release.yml",
        "README.md",
    ] {
        let text = read_repo_file(name);
        assert!(text.contains(REPOSITORY), "{name} never names {REPOSITORY}");
        for found in github.captures_iter(&text) {
            assert_eq!(&found[1], ours, "{name}: {}", &found[0]);
        }
    }
    assert!(
        read_repo_file("install.sh").contains(&format!("\nREPOSITORY={REPOSITORY}\n")),
        "install.sh's REPOSITORY= line"
    );
}

#[test]
fn the_action_passes_its_inputs_through_the_environment() {
    let action = yaml("action.yml");
    assert_eq!(action["name"], "Install forkcast");
    assert_eq!(action["inputs"]["version"]["required"], true);
    assert_eq!(action["inputs"]["releases-url"]["required"], false);
    assert_eq!(action["inputs"]["releases-url"]["default"], "");
    assert_eq!(action["runs"]["using"], "composite");
    let steps = action["runs"]["steps"].as_array().unwrap();
    assert_eq!(steps.len(), 1);
    let step = &steps[0];
    assert_eq!(step["env"]["FORKCAST_VERSION"], "${{ inputs.version }}");
    assert_eq!(
        step["env"]["FORKCAST_RELEASES_URL"],
        "${{ inputs.releases-url }}"
    );
    // An input pasted into the script by the expression syntax would run
    // as commands: only `env:` may hold one.
    let script = step["run"].as_str().unwrap();
    assert!(!script.contains("${{"), "{script}");
    assert!(script.contains(
        r#""$GITHUB_ACTION_PATH/install.sh" --version "$FORKCAST_VERSION" --to "$RUNNER_TEMP/forkcast-bin""#
    ));
}

/// Runs action.yml's step the way a runner does: bash, the action's folder
/// in GITHUB_ACTION_PATH (the script runs straight from it, so it must be
/// executable), the inputs in the step's environment.
#[test]
fn the_action_installs_forkcast_on_the_runners_path() {
    let action = yaml("action.yml");
    let script = action["runs"]["steps"][0]["run"].as_str().unwrap();
    let mirror = Mirror::new();
    let runner = TempDir::new("runner");
    let github_path = runner.path().join("github_path");
    fs::write(&github_path, "").unwrap();
    let out = Command::new("bash")
        .args(["--noprofile", "--norc", "-eo", "pipefail", "-c", script])
        .env("GITHUB_ACTION_PATH", env!("CARGO_MANIFEST_DIR"))
        .env("RUNNER_TEMP", runner.path())
        .env("GITHUB_PATH", &github_path)
        .env("HOME", runner.path())
        .env("FORKCAST_VERSION", VERSION)
        .env("FORKCAST_RELEASES_URL", &mirror.url)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let bin = runner.path().join("forkcast-bin");
    assert_eq!(
        fs::read_to_string(&github_path).unwrap(),
        format!("{}\n", bin.display())
    );
    assert_eq!(
        run_installed(&bin.join("forkcast")),
        banner(this_machines_target())
    );
}

#[test]
fn the_action_passes_the_actions_schema() {
    let needs = [Tool::Node, Tool::Npm("@action-validator/cli")];
    if !common::has_tools("the action validator", &needs) {
        return;
    }
    let out = Command::new(repo_file(
        "tests/browser/node_modules/.bin/action-validator",
    ))
    .arg(repo_file("action.yml"))
    .output()
    .expect("cannot start action-validator");
    assert!(
        out.status.success(),
        "action.yml: {}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
}
