//! GitHub's REST API for issues: every issue with the `forkcast` label in
//! one paged sequence (`Link: <…>; rel="next"`), and opening one. Reading
//! the real answer format is kept apart from the requests, so its quirks
//! (pull requests among the issues, reactions as a rollup, addresses that
//! are not GitHub's) are tested without a network.

use jiff::Timestamp;
use serde::Deserialize;

use super::Subject;
use super::snapshot::Thread;
use crate::fetch::remote::{Client, Endpoints, Failure, Lane};
use crate::source::config::GitHubRepo;

/// The label every discussion thread carries.
pub(crate) const LABEL: &str = "forkcast";
/// A listing stops after this many pages (10,000 issues), so a `Link`
/// header that never ends cannot keep a build asking.
const MAX_PAGES: usize = 100;

/// Why an answer is not what GitHub's API promises.
#[derive(Clone, Debug, PartialEq)]
pub enum ReadError {
    /// Not JSON at all (an HTML error page from a proxy…), with its start.
    NotJson(String),
    /// JSON, but not a list of issues.
    Shape(String),
    /// A `Link` to the next page on another host: not followed, so the
    /// token never goes anywhere but the API.
    ForeignLink(String),
    TooManyPages,
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::NotJson(start) => {
                write!(f, "the answer is not JSON (it starts with {start:?})")
            }
            ReadError::Shape(e) => write!(f, "the answer is not a list of issues: {e}"),
            ReadError::ForeignLink(url) => {
                write!(
                    f,
                    "the next page is on another host ({url:?}); not followed"
                )
            }
            ReadError::TooManyPages => {
                write!(
                    f,
                    "more than {MAX_PAGES} pages of issues; the rest were not read"
                )
            }
        }
    }
}

pub(crate) type Fault = Failure<ReadError>;

/// An issue as the API gives it, with only what is used.
#[derive(Deserialize)]
struct RawIssue {
    number: u64,
    html_url: Option<String>,
    body: Option<String>,
    #[serde(default)]
    comments: u64,
    created_at: Timestamp,
    #[serde(default)]
    reactions: Reactions,
    /// Present on pull requests, which the issues endpoint lists too.
    pull_request: Option<serde::de::IgnoredAny>,
}

/// The reactions rollup: `{"url": …, "total_count": 5, "+1": 3, "-1": 1, …}`.
#[derive(Deserialize, Default)]
struct Reactions {
    #[serde(rename = "+1", default)]
    up: u64,
    #[serde(rename = "-1", default)]
    down: u64,
}

/// The subject of the first marker line in an issue's body
/// (`forkcast: future/<id>`), if any.
pub(crate) fn marker(body: &str) -> Option<Subject> {
    body.lines()
        .map(str::trim)
        .find_map(|l| l.strip_prefix("forkcast:"))
        .and_then(|rest| Subject::parse(rest.trim()))
}

/// The threads on one page of the listing: its issues that carry a
/// marker; pull requests and unmarked issues are left out.
pub(crate) fn read_page(
    body: &[u8],
    repo: &GitHubRepo,
    now: Timestamp,
) -> Result<Vec<Thread>, ReadError> {
    let issues: Vec<RawIssue> = parse(body)?;
    Ok(issues
        .into_iter()
        .filter(|i| i.pull_request.is_none())
        .filter_map(|i| thread(i, repo, now))
        .collect())
}

/// One issue (the answer to opening one) as a thread.
pub(crate) fn read_issue(
    body: &[u8],
    repo: &GitHubRepo,
    now: Timestamp,
) -> Result<Option<Thread>, ReadError> {
    Ok(thread(parse(body)?, repo, now))
}

fn parse<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, ReadError> {
    serde_json::from_slice(body).map_err(|e| {
        if serde_json::from_slice::<serde::de::IgnoredAny>(body).is_ok() {
            ReadError::Shape(e.to_string())
        } else {
            let start = String::from_utf8_lossy(&body[..body.len().min(24)]).into_owned();
            ReadError::NotJson(start)
        }
    })
}

fn thread(issue: RawIssue, repo: &GitHubRepo, now: Timestamp) -> Option<Thread> {
    let subject = marker(issue.body.as_deref().unwrap_or(""))?;
    Some(Thread {
        subject: subject.to_string(),
        number: issue.number,
        url: issue_url(issue.html_url.as_deref(), repo, issue.number),
        up: issue.reactions.up,
        down: issue.reactions.down,
        comments: issue.comments,
        created_at: issue.created_at,
        fetched_at: now,
    })
}

/// The issue's page. The API's `html_url` is untrusted text: it becomes
/// a link only as a plain `https://github.com/` address, else the page is
/// made from the configured repository and the number.
fn issue_url(html_url: Option<&str>, repo: &GitHubRepo, number: u64) -> String {
    let plain = |u: &str| {
        u.starts_with("https://github.com/")
            && u.len() < 300
            && u.bytes()
                .all(|b| b.is_ascii_graphic() && !b"\"'<>\\`".contains(&b))
    };
    match html_url {
        Some(u) if plain(u) => u.to_string(),
        _ => format!("{}/issues/{number}", repo.url()),
    }
}

/// The URL of `rel="next"` in a `Link` header, if it is on the API's host.
pub(crate) fn next_page(link: Option<&str>, api: &str) -> Result<Option<String>, ReadError> {
    let Some(url) = link_rel(link, "next") else {
        return Ok(None);
    };
    if url.starts_with(&format!("{api}/")) {
        Ok(Some(url))
    } else {
        Err(ReadError::ForeignLink(url))
    }
}

/// The number of the last page, from `rel="last"`, for progress.
fn last_page(link: Option<&str>) -> Option<usize> {
    let url = link_rel(link, "last")?;
    let query = url.split_once('?')?.1;
    query
        .split('&')
        .find_map(|kv| kv.strip_prefix("page="))
        .and_then(|n| n.parse().ok())
}

/// `<https://…&page=2>; rel="next", <https://…&page=5>; rel="last"`
fn link_rel(link: Option<&str>, rel: &str) -> Option<String> {
    link?.split(',').find_map(|part| {
        let (url, params) = part.split_once(';')?;
        let wanted = params
            .split(';')
            .any(|p| p.trim() == format!("rel=\"{rel}\""));
        let url = url.trim().strip_prefix('<')?.strip_suffix('>')?;
        wanted.then(|| url.to_string())
    })
}

fn lane(e: &Endpoints) -> Lane {
    Endpoints::lane("github", &e.github, Endpoints::DEFAULT_GITHUB, 10.0)
}

/// GitHub asks for at least a second between requests that create content.
fn write_lane(e: &Endpoints) -> Lane {
    Endpoints::lane("github-write", &e.github, Endpoints::DEFAULT_GITHUB, 1.0)
}

/// The headers GitHub asks for, with the token when there is one.
fn headers(e: &Endpoints) -> Vec<(&'static str, String)> {
    let mut h = vec![
        ("Accept", "application/vnd.github+json".to_string()),
        ("X-GitHub-Api-Version", "2022-11-28".to_string()),
    ];
    if let Some(token) = &e.github_token {
        h.push(("Authorization", format!("Bearer {token}")));
    }
    h
}

/// What a listing read: every thread up to where it stopped, and why it
/// stopped early, if it did.
pub(crate) struct Listing {
    pub threads: Vec<Thread>,
    /// The page that failed, and how.
    pub fault: Option<(usize, Fault)>,
}

/// Reads every issue with the label, page after page, reporting
/// `(pages read, pages in all)`. What it reads is dated `now`, the run's
/// "now": a clock read later could fall in the next second, after the
/// run's now, and freshness distrusts values from the future.
pub(crate) fn list(
    client: &Client,
    repo: &GitHubRepo,
    now: Timestamp,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Listing {
    let e = client.endpoints();
    let headers = headers(e);
    let headers: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let mut url = format!(
        "{}/repos/{}/{}/issues?labels={LABEL}&state=all&per_page=100&page=1",
        e.github, repo.owner, repo.name
    );
    let mut threads = Vec::new();
    for page in 1..=MAX_PAGES {
        let step = client
            .get(lane(e), &url, &headers)
            .map_err(Failure::Get)
            .and_then(|r| {
                let found = read_page(&r.body, repo, now).map_err(Failure::Read)?;
                let link = r.header("link");
                let next = next_page(link, &e.github).map_err(Failure::Read)?;
                Ok((found, next, last_page(link)))
            });
        match step {
            Ok((found, next, last)) => {
                threads.extend(found);
                progress(page, last.unwrap_or(page).max(page));
                match next {
                    Some(n) => url = n,
                    None => {
                        return Listing {
                            threads,
                            fault: None,
                        };
                    }
                }
            }
            Err(fault) => {
                return Listing {
                    threads,
                    fault: Some((page, fault)),
                };
            }
        }
    }
    Listing {
        threads,
        fault: Some((MAX_PAGES + 1, Failure::Read(ReadError::TooManyPages))),
    }
}

/// Opens an issue with the label, `title` and `body`; returns it as a
/// thread (`None` if its body lost the marker on the way).
pub(crate) fn create(
    client: &Client,
    repo: &GitHubRepo,
    title: &str,
    body: &str,
) -> Result<Option<Thread>, Fault> {
    let e = client.endpoints();
    let headers = headers(e);
    let headers: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let payload = serde_json::json!({ "title": title, "body": body, "labels": [LABEL] });
    let url = format!("{}/repos/{}/{}/issues", e.github, repo.owner, repo.name);
    let response = client.post_json(
        write_lane(e),
        &url,
        &headers,
        payload.to_string().as_bytes(),
    )?;
    read_issue(&response.body, repo, Timestamp::now()).map_err(Failure::Read)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn repo() -> GitHubRepo {
        GitHubRepo::parse("https://github.com/o/r").unwrap()
    }

    #[test]
    fn markers_name_a_future_or_a_bet() {
        assert_eq!(
            marker("Discuss it here.\r\n\r\n  forkcast: future/human-level-ai  \r\n")
                .map(|s| s.to_string()),
            Some("future/human-level-ai".into())
        );
        assert_eq!(
            marker("forkcast: bet/tsm-calls").map(|s| s.to_string()),
            Some("bet/tsm-calls".into())
        );
        assert_eq!(marker("forkcast: post/x"), None);
        assert_eq!(marker("forkcast: future/a b"), None);
        assert_eq!(marker("no marker, forkcast: future/x"), None);
    }

    #[test]
    fn pull_requests_and_unmarked_issues_are_left_out() {
        let page = br#"[
          {"number": 1, "html_url": "https://github.com/o/r/issues/1", "body": "forkcast: future/a", "comments": 2,
           "created_at": "2026-01-01T00:00:00Z", "reactions": {"url": "x", "total_count": 4, "+1": 3, "-1": 1, "laugh": 0}},
          {"number": 2, "html_url": "https://github.com/o/r/pull/2", "body": "forkcast: future/a", "comments": 0,
           "created_at": "2026-01-01T00:00:00Z", "pull_request": {"url": "x"}},
          {"number": 3, "html_url": "javascript:alert(1)", "body": "forkcast: bet/b", "comments": 0,
           "created_at": "2026-01-01T00:00:00Z"},
          {"number": 4, "html_url": "https://github.com/o/r/issues/4", "body": null, "comments": 0,
           "created_at": "2026-01-01T00:00:00Z"}
        ]"#;
        let now = Timestamp::now();
        let threads = read_page(page, &repo(), now).unwrap();
        let got: Vec<(u64, &str, &str, u64, u64, u64)> = threads
            .iter()
            .map(|t| {
                (
                    t.number,
                    t.subject.as_str(),
                    t.url.as_str(),
                    t.up,
                    t.down,
                    t.comments,
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                (1, "future/a", "https://github.com/o/r/issues/1", 3, 1, 2),
                (3, "bet/b", "https://github.com/o/r/issues/3", 0, 0, 0),
            ]
        );
        assert!(matches!(
            read_page(b"<!DOCTYPE html>", &repo(), now),
            Err(ReadError::NotJson(_))
        ));
        assert!(matches!(
            read_page(b"{\"message\": \"x\"}", &repo(), now),
            Err(ReadError::Shape(_))
        ));
        assert!(matches!(
            read_page(b"[{\"number\": ", &repo(), now),
            Err(ReadError::NotJson(_))
        ));
    }

    #[test]
    fn paging_follows_next_on_the_api_only() {
        let link = "<https://api.github.com/repositories/1/issues?labels=forkcast&page=2>; rel=\"next\", <https://api.github.com/repositories/1/issues?labels=forkcast&page=5>; rel=\"last\"";
        assert_eq!(
            next_page(Some(link), "https://api.github.com")
                .unwrap()
                .as_deref(),
            Some("https://api.github.com/repositories/1/issues?labels=forkcast&page=2")
        );
        assert_eq!(last_page(Some(link)), Some(5));
        assert!(next_page(Some(link), "http://127.0.0.1:9").is_err());
        let last_only = "<https://api.github.com/x?page=1>; rel=\"prev\", <https://api.github.com/x?page=1>; rel=\"first\"";
        assert_eq!(
            next_page(Some(last_only), "https://api.github.com").unwrap(),
            None
        );
        assert_eq!(next_page(None, "https://api.github.com").unwrap(), None);
    }
}
