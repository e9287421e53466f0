//! Theming a site without Forkcast's source: `forkcast theme eject`, the
//! site's `static/extra.css` linked after the theme's stylesheet, warnings
//! for a replaced stylesheet and a misspelt override, and template mistakes
//! located at their file and line.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

use common::{TempDir, copy_dir, fixture, forkcast, snapshot, start_tags};

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The built-in theme's templates, by name, with their text.
fn builtin_templates() -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/templates");
    let mut all: Vec<(String, String)> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, fs::read_to_string(&p).unwrap())
        })
        .collect();
    all.sort();
    all
}

fn builtin(name: &str) -> String {
    builtin_templates()
        .into_iter()
        .find(|(n, _)| n == name)
        .map(|(_, text)| text)
        .unwrap()
}

/// A copy of the `theme` fixture site, to change.
fn themed_site(label: &str) -> (TempDir, PathBuf) {
    let dir = TempDir::new(label);
    let site = dir.path().join("site");
    copy_dir(&fixture("theme"), &site);
    (dir, site)
}

fn build(site: &Path) -> Output {
    run("build", site)
}

/// `forkcast build` (offline) or `forkcast check` in `site`.
fn run(command: &str, site: &Path) -> Output {
    match command {
        "build" => forkcast(&["build", "--offline"], site),
        _ => forkcast(&[command], site),
    }
}

/// Every HTML page of a built site, by path.
fn pages(public: &Path) -> Vec<(String, String)> {
    snapshot(public)
        .into_iter()
        .filter(|(path, _)| path.ends_with(".html"))
        .map(|(path, bytes)| (path, String::from_utf8(bytes).unwrap()))
        .collect()
}

/// The stylesheets a page links, in order.
fn stylesheets(html: &str) -> Vec<String> {
    start_tags(html)
        .into_iter()
        .filter(|t| t.name == "link")
        .filter(|t| {
            t.attributes
                .iter()
                .any(|(a, v)| a == "rel" && v == "stylesheet")
        })
        .filter_map(|t| t.attributes.into_iter().find(|(a, _)| a == "href"))
        .map(|(_, href)| href)
        .collect()
}

#[test]
fn eject_copies_every_template_keeps_the_sites_own_and_changes_nothing_built() {
    let (_dir, site) = themed_site("eject-all");
    let o = build(&site);
    assert!(o.status.success(), "{}", stderr(&o));
    let before = snapshot(&site.join("public"));
    let own_post = fs::read_to_string(site.join("templates/post.html")).unwrap();

    let o = forkcast(&["theme", "eject"], &site);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let told = stderr(&o);
    for (name, text) in builtin_templates() {
        let copy = fs::read_to_string(site.join("templates").join(&name)).unwrap();
        if name == "post.html" {
            assert_eq!(copy, own_post, "the site's own post.html is kept");
            assert!(told.contains("Kept templates/post.html"), "{told}");
            assert!(!told.contains("Wrote templates/post.html"), "{told}");
        } else {
            assert_eq!(copy, text, "{name} is the built-in one");
            assert!(
                told.contains(&format!("Wrote templates/{name}\n")),
                "{told}"
            );
        }
    }
    assert!(
        told.contains("replaces the built-in one of the same name")
            && told.contains("static/extra.css"),
        "it says how overrides work: {told}"
    );
    assert!(!site.join("templates/style.css").exists() && !site.join("static/style.css").exists());

    // The ejected templates are the built-in ones: the site is the same.
    let o = build(&site);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!stderr(&o).contains("warning"), "{}", stderr(&o));
    assert!(
        snapshot(&site.join("public")) == before,
        "the same site after ejecting"
    );

    // Again: nothing new, and it says so.
    let o = forkcast(&["theme", "eject"], &site);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).contains("Nothing new"), "{}", stderr(&o));
    assert!(!stderr(&o).contains("Wrote"), "{}", stderr(&o));
}

#[test]
fn eject_one_template_by_name_or_stem() {
    let (_dir, site) = themed_site("eject-one");
    let o = forkcast(&["theme", "eject", "future"], &site);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stderr(&o).starts_with("Wrote templates/future.html\n"),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        fs::read_to_string(site.join("templates/future.html")).unwrap(),
        builtin("future.html")
    );
    let mut names: Vec<String> = fs::read_dir(site.join("templates"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["future.html", "partials", "post.html"]);

    // A template the site has is kept, and it says so.
    let own = fs::read_to_string(site.join("templates/post.html")).unwrap();
    let o = forkcast(&["theme", "eject", "post.html"], &site);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let told = stderr(&o);
    assert!(
        told.starts_with("Kept templates/post.html (it is there already)\nNothing new"),
        "{told}"
    );
    assert_eq!(
        fs::read_to_string(site.join("templates/post.html")).unwrap(),
        own
    );
}

#[test]
fn eject_of_an_unknown_template_suggests_one_and_writes_nothing() {
    let (_dir, site) = themed_site("eject-unknown");
    let before = snapshot(&site);
    let o = forkcast(&["theme", "eject", "futur"], &site);
    assert_eq!(o.status.code(), Some(2));
    let told = stderr(&o);
    assert!(
        told.starts_with("error: the built-in theme has no template `futur`\n  = help: did you mean `future.html`?"),
        "{told}"
    );
    for name in ["base.html", "post.html", "bets_matrix.html", "atom.xml"] {
        assert!(told.contains(name), "the templates are listed: {told}");
    }
    assert_eq!(snapshot(&site), before);

    // Outside a site, as `new`: a usage error.
    let nowhere = TempDir::new("eject-nowhere");
    let o = forkcast(&["theme", "eject"], nowhere.path());
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no site.yaml"), "{}", stderr(&o));
    assert_eq!(fs::read_dir(nowhere.path()).unwrap().count(), 0);
}

#[test]
fn extra_css_is_linked_after_the_themes_stylesheet_on_every_page() {
    let (_dir, site) = themed_site("extra-css");
    let o = build(&site);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!stderr(&o).contains("warning"), "{}", stderr(&o));
    let public = site.join("public");
    assert_eq!(
        fs::read(public.join("extra.css")).unwrap(),
        fs::read(site.join("static/extra.css")).unwrap()
    );
    let pages = pages(&public);
    // One page of each kind the theme renders through base.html.
    for kind in [
        "index.html",
        "posts/index.html",
        "posts/hello/index.html",
        "about/index.html",
        "tags/index.html",
        "tags/style/index.html",
        "futures/index.html",
        "futures/rain/index.html",
        "bets/index.html",
        "bets/matrix/index.html",
        "bets/umbrella/index.html",
        "changes/index.html",
        "search/index.html",
        "track-record/index.html",
        "404.html",
    ] {
        assert!(pages.iter().any(|(p, _)| p == kind), "no page {kind}");
    }
    for (path, html) in &pages {
        if path.ends_with("embed.html") || path.contains("/embed/") {
            continue;
        }
        let sheets = stylesheets(html);
        let style = sheets.iter().position(|s| s == "/themed/style.css");
        let extra = sheets.iter().position(|s| s == "/themed/extra.css");
        assert!(
            style.is_some() && extra > style,
            "{path}: extra.css after style.css: {sheets:?}"
        );
        assert!(
            html.contains("style-src 'self'"),
            "{path}: same origin, allowed"
        );
    }
    // The partial the post template includes is used, not warned about.
    let post = &pages
        .iter()
        .find(|(p, _)| p == "posts/hello/index.html")
        .unwrap()
        .1;
    assert!(post.contains("<p class=\"signature\">Written for Themed Futures.</p>"));
}

#[test]
fn a_sites_style_css_is_warned_about_and_no_extra_css_is_linked_without_one() {
    let (_dir, site) = themed_site("style-css");
    fs::remove_file(site.join("static/extra.css")).unwrap();
    fs::write(site.join("static/style.css"), "body { color: red; }\n").unwrap();
    let o = build(&site);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let told = stderr(&o);
    assert!(
        told.contains("static/style.css:1:1: warning: replaces the theme's stylesheet; to add styles, put them in static/extra.css\n"),
        "{told}"
    );
    assert!(
        told.contains("= help: static/extra.css is linked after"),
        "{told}"
    );
    let public = site.join("public");
    assert_eq!(
        fs::read_to_string(public.join("style.css")).unwrap(),
        "body { color: red; }\n"
    );
    assert!(!public.join("extra.css").exists());
    for (path, html) in pages(&public) {
        assert!(!html.contains("extra.css"), "{path} links no extra.css");
    }

    // Another theme file replaced: the same warning in general words.
    fs::remove_file(site.join("static/style.css")).unwrap();
    fs::write(
        site.join("static/favicon.svg"),
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>\n",
    )
    .unwrap();
    let o = forkcast(&["check"], &site);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("static/favicon.svg:1:1: warning: replaces the theme's file `favicon.svg` of the same name\n"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_misspelt_override_is_warned_about_with_the_name_it_meant() {
    let (_dir, site) = themed_site("misspelt");
    let future =
        builtin("future.html").replace("{% block main %}", "{% block main %}<!-- mine -->");
    fs::write(site.join("templates/futur.html"), future).unwrap();
    for command in ["build", "check"] {
        let o = run(command, &site);
        assert_eq!(o.status.code(), Some(0), "{command}: {}", stderr(&o));
        let told = stderr(&o);
        assert!(
            told.contains("templates/futur.html:1:1: warning: `futur.html` replaces no built-in template and no template uses it\n"),
            "{command}: {told}"
        );
        assert!(
            told.contains("= help: did you mean `future.html`?"),
            "{command}: {told}"
        );
        assert!(
            !told.contains("signature"),
            "an included partial is no mistake: {told}"
        );
        assert_eq!(told.matches("warning:").count(), 1, "{told}");
    }
    assert!(
        !fs::read_to_string(site.join("public/futures/rain/index.html"))
            .unwrap()
            .contains("<!-- mine -->")
    );
}

/// `base.html` as the site's own, with `from` replaced by `to`.
fn broken_base(site: &Path, from: &str, to: &str) {
    let base = builtin("base.html");
    assert!(base.contains(from));
    fs::write(site.join("templates/base.html"), base.replacen(from, to, 1)).unwrap();
}

/// The 1-based line and column of `needle` in `text`.
fn line_col(text: &str, needle: &str) -> (usize, usize) {
    let at = text.find(needle).unwrap();
    let line = text[..at].matches('\n').count() + 1;
    let col = at - text[..at].rfind('\n').map_or(0, |n| n + 1) + 1;
    (line, col)
}

#[test]
fn an_unknown_variable_in_base_html_is_located_there_for_build_and_check() {
    let (_dir, site) = themed_site("unknown-variable");
    broken_base(
        &site,
        "<title>{% if section == \"home\" %}{{ site.title }}",
        "<title>{% if section == \"home\" %}{{ site.titel }}",
    );
    let text = fs::read_to_string(site.join("templates/base.html")).unwrap();
    let (line, col) = line_col(&text, "site.titel");
    for command in ["build", "check"] {
        let o = run(command, &site);
        assert_eq!(o.status.code(), Some(1), "{command}: {}", stderr(&o));
        let told = stderr(&o);
        let head = format!(
            "templates/base.html:{line}:{col}: error: unknown variable `site.titel` (rendering "
        );
        assert!(told.starts_with(&head), "{command}: {told}");
        assert!(
            told.contains("{{ site.titel }}"),
            "the line is shown: {told}"
        );
        assert!(
            told.contains("= help: did you mean `site.title`?"),
            "{command}: {told}"
        );
        assert!(
            told.ends_with("error: 1 error; nothing was written\n") || command == "check",
            "{told}"
        );
    }
    assert!(!site.join("public").exists(), "nothing was written");
}

#[test]
fn a_template_that_does_not_parse_is_located_at_its_line_for_build_and_check() {
    let (_dir, site) = themed_site("parse-error");
    broken_base(
        &site,
        "<body class=\"section-{{ section }}\">",
        "<body class=\"section-{{ section }\">",
    );
    let text = fs::read_to_string(site.join("templates/base.html")).unwrap();
    let (line, _) = line_col(&text, "<body class=");
    for command in ["build", "check"] {
        let o = run(command, &site);
        assert_eq!(o.status.code(), Some(1), "{command}: {}", stderr(&o));
        let told = stderr(&o);
        let head = format!("templates/base.html:{line}:");
        assert!(told.starts_with(&head), "{command}: {told}");
        assert!(
            told.contains(": error: the template does not parse: expected"),
            "{command}: {told}"
        );
        assert!(told.contains("= help: Tera's syntax"), "{command}: {told}");
    }
}

#[test]
fn serve_shows_a_template_mistake_located_and_keeps_serving() {
    use forkcast::serve::{Event, ServeOptions, Server};
    let (_dir, site) = themed_site("serve");
    let server = Server::start(
        &site,
        &ServeOptions {
            port: 0,
            drafts: false,
        },
    )
    .unwrap();
    broken_base(&site, "{{ site.title }}", "{{ site.titel }}");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let diags = loop {
        assert!(std::time::Instant::now() < deadline, "no problem reported");
        match server.next_event(std::time::Duration::from_secs(5)) {
            Some(Event::Problem(diags)) => break diags,
            Some(Event::Failed(text)) => panic!("not located: {text}"),
            _ => continue,
        }
    };
    let text = fs::read_to_string(site.join("templates/base.html")).unwrap();
    let (line, col) = line_col(&text, "site.titel");
    let head =
        format!("templates/base.html:{line}:{col}: unknown variable `site.titel` (rendering ");
    assert!(diags[0].to_string().starts_with(&head), "{diags:?}");
}
