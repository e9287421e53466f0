//! What each platform's API answers, and where the probability is in it.
//! Pure functions from response bodies to readings, so every format quirk
//! (double-encoded arrays, decimal strings, hidden predictions, legacy
//! fields) is tested without a network.

use jiff::Timestamp;
use jiff::civil::Date;
use serde_json::Value;

use super::{MarketRef, Platform};

/// Whether a market still trades.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Status {
    Open,
    Closed,
    /// Settled, with its resolution (`YES`, `NO`, `MKT`, `CANCEL`…).
    Resolved(String),
}

impl Status {
    pub(crate) fn label(&self) -> String {
        match self {
            Status::Open => "open".into(),
            Status::Closed => "closed".into(),
            Status::Resolved(r) => format!("resolved {r}"),
        }
    }
}

/// One market's answer, as read from a response.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Reading {
    /// In [0, 1]; `None` when the platform hides it (Metaculus without
    /// access to the community prediction).
    pub value: Option<f64>,
    pub status: Status,
    pub title: String,
    /// The page a reader can open.
    pub url: String,
    /// Where the price history lives, if the platform serves one.
    pub history: Option<HistoryRequest>,
}

/// A follow-up request for a market's history.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum HistoryRequest {
    /// Manifold: rebuild from bets (`probAfter`).
    ManifoldBets { contract_id: String },
    /// Polymarket CLOB prices-history of one outcome token.
    PolymarketToken { token: String, resolved: bool },
    /// Kalshi daily candlesticks.
    KalshiCandles {
        series: String,
        ticker: String,
        open_ts: i64,
    },
    /// Metaculus: already inside the post; carried along.
    Inline(Vec<(Date, f64)>),
}

/// Why a response could not be read. These become warnings; the last good
/// snapshot value is used instead.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum ReadError {
    NotJson(String),
    Missing(&'static str),
    OutOfRange(f64),
    /// A market whose answer is not a probability (numeric, poll…).
    Unsupported(String),
    /// `#Outcome` names no outcome of the market.
    NoSuchOutcome {
        wanted: Option<String>,
        available: Vec<String>,
    },
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::NotJson(start) => {
                write!(f, "the answer is not JSON (it starts with {start:?})")
            }
            ReadError::Missing(field) => write!(f, "the answer has no `{field}`"),
            ReadError::OutOfRange(v) => write!(f, "the answer's probability {v} is not in [0, 1]"),
            ReadError::Unsupported(kind) => write!(
                f,
                "unsupported market type {kind}: its answer is not a probability"
            ),
            ReadError::NoSuchOutcome {
                wanted: Some(w),
                available,
            } => {
                write!(
                    f,
                    "no outcome `{w}`; the market has: {}",
                    available.join(", ")
                )
            }
            ReadError::NoSuchOutcome {
                wanted: None,
                available,
            } => {
                write!(
                    f,
                    "the market has several outcomes; pick one with `#Outcome`: {}",
                    available.join(", ")
                )
            }
        }
    }
}

/// Parses a body as JSON, telling an HTML error page from broken JSON.
pub(crate) fn json(body: &[u8]) -> Result<Value, ReadError> {
    serde_json::from_slice(body).map_err(|_| {
        let start: String = String::from_utf8_lossy(&body[..body.len().min(24)]).into_owned();
        ReadError::NotJson(start)
    })
}

/// A number that may arrive as a JSON number or a decimal string.
fn number(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
    .filter(|x: &f64| x.is_finite())
}

fn probability(v: f64) -> Result<f64, ReadError> {
    if (0.0..=1.0).contains(&v) {
        Ok(v)
    } else {
        Err(ReadError::OutOfRange(v))
    }
}

fn text(v: &Value, field: &'static str) -> Result<String, ReadError> {
    v.get(field)
        .and_then(Value::as_str)
        .map(str::to_string)
        .ok_or(ReadError::Missing(field))
}

/// An array that may be JSON-encoded inside a string (Polymarket).
fn array(v: Option<&Value>) -> Option<Vec<Value>> {
    match v? {
        Value::Array(a) => Some(a.clone()),
        Value::String(s) => serde_json::from_str::<Vec<Value>>(s).ok(),
        _ => None,
    }
}

fn same(a: &str, b: &str) -> bool {
    a.trim().eq_ignore_ascii_case(b.trim())
}

fn day_of_seconds(secs: f64) -> Option<Date> {
    let ts = Timestamp::from_second(secs as i64).ok()?;
    Some(jiff::tz::TimeZone::UTC.to_datetime(ts).date())
}

/// Keeps the last value of each day, sorted by day.
pub(crate) fn daily(points: impl IntoIterator<Item = (f64, f64)>) -> Vec<(Date, f64)> {
    let mut by_day = std::collections::BTreeMap::new();
    let mut points: Vec<(f64, f64)> = points
        .into_iter()
        .filter(|(_, p)| (0.0..=1.0).contains(p))
        .collect();
    points.sort_by(|a, b| a.0.total_cmp(&b.0));
    for (secs, p) in points {
        if let Some(day) = day_of_seconds(secs) {
            by_day.insert(day, p);
        }
    }
    by_day.into_iter().collect()
}

/// Reads a market's main response.
pub(crate) fn read(r: &MarketRef, body: &[u8], now: Timestamp) -> Result<Reading, ReadError> {
    let v = json(body)?;
    match r.platform {
        Platform::Manifold => manifold(&v, r.outcome.as_deref(), now),
        Platform::Polymarket => polymarket(&v, r.outcome.as_deref()),
        Platform::Metaculus => metaculus(&v, &r.id),
        Platform::Kalshi => kalshi(&v),
    }
}

fn manifold(v: &Value, outcome: Option<&str>, now: Timestamp) -> Result<Reading, ReadError> {
    let kind = text(v, "outcomeType")?;
    let title = text(v, "question")?;
    let url = text(v, "url").unwrap_or_default();
    let resolved = v
        .get("isResolved")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let closed = v
        .get("closeTime")
        .and_then(Value::as_i64)
        .is_some_and(|ms| ms < now.as_millisecond());
    let resolution = v
        .get("resolution")
        .and_then(Value::as_str)
        .unwrap_or("N/A")
        .to_uppercase();
    let status = if resolved {
        Status::Resolved(resolution.clone())
    } else if closed {
        Status::Closed
    } else {
        Status::Open
    };
    let value = match kind.as_str() {
        "BINARY" => {
            let p = v
                .get("probability")
                .and_then(number)
                .ok_or(ReadError::Missing("probability"))?;
            match (resolved, resolution.as_str()) {
                (true, "YES") => 1.0,
                (true, "NO") => 0.0,
                (true, "MKT") => v.get("resolutionProbability").and_then(number).unwrap_or(p),
                _ => p,
            }
        }
        "MULTIPLE_CHOICE" | "FREE_RESPONSE" => {
            let answers = v
                .get("answers")
                .and_then(Value::as_array)
                .ok_or(ReadError::Missing("answers"))?;
            let names: Vec<String> = answers
                .iter()
                .filter_map(|a| a.get("text").and_then(Value::as_str))
                .map(str::to_string)
                .collect();
            let wanted = outcome.ok_or_else(|| ReadError::NoSuchOutcome {
                wanted: None,
                available: names.clone(),
            })?;
            let answer = answers
                .iter()
                .find(|a| {
                    a.get("text")
                        .and_then(Value::as_str)
                        .is_some_and(|t| same(t, wanted))
                })
                .ok_or_else(|| ReadError::NoSuchOutcome {
                    wanted: Some(wanted.to_string()),
                    available: names,
                })?;
            answer
                .get("probability")
                .and_then(number)
                .ok_or(ReadError::Missing("answers[].probability"))?
        }
        other => return Err(ReadError::Unsupported(other.to_string())),
    };
    let history = match (kind.as_str(), text(v, "id")) {
        ("BINARY", Ok(id)) => Some(HistoryRequest::ManifoldBets { contract_id: id }),
        _ => None,
    };
    Ok(Reading {
        value: Some(probability(value)?),
        status,
        title,
        url,
        history,
    })
}

/// Manifold bets, oldest first: `probAfter` at `createdTime` (ms).
pub(crate) fn manifold_history(body: &[u8]) -> Result<Vec<(Date, f64)>, ReadError> {
    let v = json(body)?;
    let bets = v.as_array().ok_or(ReadError::Missing("bets"))?;
    Ok(daily(bets.iter().filter_map(|b| {
        Some((
            b.get("createdTime").and_then(number)? / 1000.0,
            b.get("probAfter").and_then(number)?,
        ))
    })))
}

fn polymarket(v: &Value, outcome: Option<&str>) -> Result<Reading, ReadError> {
    // An event holds one market per outcome; `#Outcome` picks one by its title.
    if let Some(markets) = v.get("markets").and_then(Value::as_array) {
        let names: Vec<String> = markets
            .iter()
            .filter_map(|m| {
                m.get("groupItemTitle")
                    .or_else(|| m.get("question"))
                    .and_then(Value::as_str)
            })
            .map(str::to_string)
            .collect();
        let market = match (markets.as_slice(), outcome) {
            ([only], None) => only,
            (_, None) => {
                return Err(ReadError::NoSuchOutcome {
                    wanted: None,
                    available: names,
                });
            }
            (_, Some(wanted)) => markets
                .iter()
                .find(|m| {
                    m.get("groupItemTitle")
                        .or_else(|| m.get("question"))
                        .and_then(Value::as_str)
                        .is_some_and(|t| same(t, wanted))
                })
                .ok_or_else(|| ReadError::NoSuchOutcome {
                    wanted: Some(wanted.to_string()),
                    available: names,
                })?,
        };
        let mut reading = polymarket_market(market, None)?;
        if let Ok(title) = text(v, "title") {
            reading.title = format!(
                "{title}: {}",
                market
                    .get("groupItemTitle")
                    .and_then(Value::as_str)
                    .unwrap_or(&reading.title)
            );
        }
        if let Ok(slug) = text(v, "slug") {
            reading.url = format!("https://polymarket.com/event/{slug}");
        }
        return Ok(reading);
    }
    polymarket_market(v, outcome)
}

fn polymarket_market(v: &Value, outcome: Option<&str>) -> Result<Reading, ReadError> {
    let title = text(v, "question")?;
    let outcomes: Vec<String> = array(v.get("outcomes"))
        .ok_or(ReadError::Missing("outcomes"))?
        .iter()
        .filter_map(|o| o.as_str().map(str::to_string))
        .collect();
    let prices: Vec<f64> = array(v.get("outcomePrices"))
        .ok_or(ReadError::Missing("outcomePrices"))?
        .iter()
        .map(|p| number(p).ok_or(ReadError::Missing("outcomePrices")))
        .collect::<Result<_, _>>()?;
    let wanted = outcome.unwrap_or("Yes");
    let index = outcomes
        .iter()
        .position(|o| same(o, wanted))
        .ok_or_else(|| ReadError::NoSuchOutcome {
            wanted: Some(wanted.to_string()),
            available: outcomes.clone(),
        })?;
    let price = *prices
        .get(index)
        .ok_or(ReadError::Missing("outcomePrices"))?;
    let closed = v.get("closed").and_then(Value::as_bool).unwrap_or(false);
    let resolved = closed && prices.contains(&1.0) && prices.iter().all(|p| *p == 0.0 || *p == 1.0);
    let status = if resolved {
        let winner = prices
            .iter()
            .position(|p| *p == 1.0)
            .and_then(|i| outcomes.get(i))
            .cloned()
            .unwrap_or_default();
        Status::Resolved(winner.to_uppercase())
    } else if closed {
        Status::Closed
    } else {
        Status::Open
    };
    // The price polymarket.com shows: the midpoint of the book, or the last
    // trade when the spread is wider than 10 cents. It is quoted for the
    // first outcome; the others keep their own prices.
    let displayed = if index == 0 && !closed {
        let bid = v.get("bestBid").and_then(number);
        let ask = v.get("bestAsk").and_then(number);
        let last = v.get("lastTradePrice").and_then(number);
        match (bid, ask) {
            (Some(b), Some(a)) if a - b <= 0.10 + 1e-9 => Some((a + b) / 2.0),
            _ => last,
        }
    } else {
        None
    };
    let token = array(v.get("clobTokenIds"))
        .and_then(|ids| ids.get(index).and_then(|t| t.as_str().map(str::to_string)));
    let slug = text(v, "slug").unwrap_or_default();
    Ok(Reading {
        value: Some(probability(displayed.unwrap_or(price))?),
        status,
        title,
        url: format!("https://polymarket.com/market/{slug}"),
        history: token.map(|token| HistoryRequest::PolymarketToken { token, resolved }),
    })
}

/// CLOB `{"history":[{"t": unix_s, "p": f}]}`.
pub(crate) fn polymarket_history(body: &[u8]) -> Result<Vec<(Date, f64)>, ReadError> {
    let v = json(body)?;
    let points = v
        .get("history")
        .and_then(Value::as_array)
        .ok_or(ReadError::Missing("history"))?;
    Ok(daily(points.iter().filter_map(|p| {
        Some((p.get("t").and_then(number)?, p.get("p").and_then(number)?))
    })))
}

fn metaculus(v: &Value, id: &str) -> Result<Reading, ReadError> {
    let title = text(v, "title")?;
    // Posts nest their question; the legacy question API had it at the top.
    let q = v.get("question").unwrap_or(v);
    let kind = q
        .get("possibilities")
        .and_then(|p| p.get("type"))
        .or_else(|| q.get("type"))
        .and_then(Value::as_str)
        .unwrap_or("binary");
    if kind != "binary" {
        return Err(ReadError::Unsupported(kind.to_string()));
    }
    let status_text = q
        .get("status")
        .or_else(|| v.get("status"))
        .or_else(|| v.get("active_state"))
        .and_then(Value::as_str)
        .unwrap_or("open")
        .to_lowercase();
    let resolution = q
        .get("resolution")
        .and_then(Value::as_str)
        .map(str::to_uppercase);
    let status = match (status_text.as_str(), resolution) {
        ("resolved", Some(r)) => Status::Resolved(r),
        ("resolved", None) => Status::Resolved("N/A".into()),
        ("closed", _) => Status::Closed,
        _ => Status::Open,
    };
    let agg = q
        .get("aggregations")
        .and_then(|a| a.get("recency_weighted"));
    let latest = agg.and_then(|a| a.get("latest")).filter(|l| !l.is_null());
    // A hidden community prediction comes back as `latest: null` with an
    // empty history: unavailable, not zero.
    // Before 2024 the community median lived in `community_prediction`.
    let legacy = v
        .get("community_prediction")
        .or_else(|| q.get("community_prediction"))
        .and_then(|c| c.get("full"))
        .and_then(|f| f.get("q2"))
        .and_then(number);
    let value = match (latest, legacy) {
        (None, Some(p)) => Some(probability(p)?),
        (None, None) => None,
        (Some(l), _) => Some(probability(
            l.get("centers")
                .and_then(|c| c.get(0))
                .and_then(number)
                .or_else(|| {
                    l.get("forecast_values")
                        .and_then(|f| f.get(1))
                        .and_then(number)
                })
                .ok_or(ReadError::Missing("latest.centers"))?,
        )?),
    };
    let history = agg
        .and_then(|a| a.get("history"))
        .and_then(Value::as_array)
        .map(|h| {
            daily(h.iter().filter_map(|e| {
                let t = e
                    .get("end_time")
                    .filter(|t| !t.is_null())
                    .or_else(|| e.get("start_time"))
                    .and_then(number)?;
                Some((t, e.get("centers").and_then(|c| c.get(0)).and_then(number)?))
            }))
        })
        .filter(|h| !h.is_empty())
        .map(HistoryRequest::Inline);
    Ok(Reading {
        value,
        status,
        title,
        url: format!("https://www.metaculus.com/questions/{id}/"),
        history,
    })
}

fn kalshi(v: &Value) -> Result<Reading, ReadError> {
    let m = v.get("market").ok_or(ReadError::Missing("market"))?;
    let ticker = text(m, "ticker")?;
    let title = text(m, "title")?;
    let status_text = m.get("status").and_then(Value::as_str).unwrap_or("active");
    let result = m
        .get("result")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_lowercase();
    let settled =
        matches!(status_text, "settled" | "finalized" | "determined") || !result.is_empty();
    let status = if settled {
        Status::Resolved(if result.is_empty() {
            "N/A".into()
        } else {
            result.to_uppercase()
        })
    } else if status_text == "closed" || status_text == "inactive" {
        Status::Closed
    } else {
        Status::Open
    };
    // Prices are decimal dollar strings since 2026-03; older answers had
    // integer cents. After settlement the result, not the book, is the answer.
    let dollars = |field: &str, cents: &str| {
        m.get(field)
            .and_then(number)
            .or_else(|| m.get(cents).and_then(number).map(|c| c / 100.0))
    };
    let value = match result.as_str() {
        "yes" => 1.0,
        "no" => 0.0,
        _ => {
            let last = dollars("last_price_dollars", "last_price").filter(|p| *p > 0.0);
            let mid = match (
                dollars("yes_bid_dollars", "yes_bid"),
                dollars("yes_ask_dollars", "yes_ask"),
            ) {
                (Some(b), Some(a)) if a > 0.0 => Some((a + b) / 2.0),
                _ => None,
            };
            last.or(mid)
                .ok_or(ReadError::Missing("last_price_dollars"))?
        }
    };
    let event = text(m, "event_ticker").unwrap_or_else(|_| ticker.clone());
    let series = event.split('-').next().unwrap_or(&event).to_string();
    let open_ts = m
        .get("open_time")
        .and_then(Value::as_str)
        .and_then(|t| t.parse::<Timestamp>().ok())
        .map_or(0, Timestamp::as_second);
    Ok(Reading {
        value: Some(probability(value)?),
        status,
        title,
        url: format!("https://kalshi.com/markets/{}", series.to_lowercase()),
        history: Some(HistoryRequest::KalshiCandles {
            series,
            ticker,
            open_ts,
        }),
    })
}

/// Kalshi candlesticks: the close of the last trade price, else of the bid/ask mid.
pub(crate) fn kalshi_history(body: &[u8]) -> Result<Vec<(Date, f64)>, ReadError> {
    let v = json(body)?;
    let candles = v
        .get("candlesticks")
        .and_then(Value::as_array)
        .ok_or(ReadError::Missing("candlesticks"))?;
    let close = |c: &Value, field: &str| {
        c.get(field).and_then(|p| {
            p.get("close_dollars")
                .and_then(number)
                .or_else(|| p.get("close").and_then(number).map(|x| x / 100.0))
        })
    };
    Ok(daily(candles.iter().filter_map(|c| {
        let t = c.get("end_period_ts").and_then(number)?;
        let p = close(c, "price")
            .filter(|p| *p > 0.0)
            .or_else(|| Some((close(c, "yes_bid")? + close(c, "yes_ask")?) / 2.0))?;
        Some((t, p))
    })))
}

#[cfg(test)]
mod tests {
    use std::fs;
    use std::path::Path;

    use super::*;

    fn body(rel: &str) -> Vec<u8> {
        fs::read(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/markets")
                .join(rel),
        )
        .unwrap()
    }

    fn read_recorded(reference: &str, rel: &str) -> Result<Reading, ReadError> {
        read(
            &MarketRef::parse(reference).unwrap(),
            &body(rel),
            jiff::Timestamp::now(),
        )
    }

    fn value(reference: &str, rel: &str) -> Option<f64> {
        read_recorded(reference, rel)
            .unwrap_or_else(|e| panic!("{reference}: {e:?}"))
            .value
    }

    fn close(a: Option<f64>, b: f64) -> bool {
        a.is_some_and(|a| (a - b).abs() < 1e-9)
    }

    #[test]
    fn every_platforms_recorded_formats_parse() {
        assert!(close(
            value(
                "manifold:agi-binary-open",
                "manifold/slug-agi-binary-open.json"
            ),
            0.43
        ));
        let resolved = read_recorded(
            "manifold:agi-binary-resolved",
            "manifold/slug-agi-binary-resolved.json",
        )
        .unwrap();
        assert_eq!(
            (resolved.value, resolved.status),
            (Some(1.0), Status::Resolved("YES".into()))
        );
        assert!(close(
            value(
                "manifold:robots-multiple-choice#2028-2030",
                "manifold/slug-robots-multiple-choice.json"
            ),
            0.41
        ));
        assert!(matches!(
            read_recorded(
                "manifold:robots-multiple-choice",
                "manifold/slug-robots-multiple-choice.json"
            ),
            Err(ReadError::NoSuchOutcome { wanted: None, .. })
        ));
        assert!(close(
            value(
                "manifold:legacy-free-response#Anthropic",
                "manifold/slug-legacy-free-response.json"
            ),
            0.14
        ));
        assert!(matches!(
            read_recorded(
                "manifold:a-pseudo-numeric",
                "manifold/slug-a-pseudo-numeric.json"
            ),
            Err(ReadError::Unsupported(_))
        ));
        assert_eq!(
            read_recorded("manifold:closed-binary", "manifold/slug-closed-binary.json")
                .unwrap()
                .status,
            Status::Closed
        );

        assert!(close(
            value(
                "polymarket:tsmc-market-open",
                "polymarket/market-tsmc-market-open.json"
            ),
            0.62
        ));
        assert!(
            close(
                value(
                    "polymarket:wide-spread-market",
                    "polymarket/market-wide-spread-market.json"
                ),
                0.41
            ),
            "wide spread: last trade"
        );
        assert!(close(
            value(
                "polymarket:native-array-market",
                "polymarket/market-native-array-market.json"
            ),
            0.27
        ));
        let r = read_recorded(
            "polymarket:resolved-market",
            "polymarket/market-resolved-market.json",
        )
        .unwrap();
        assert_eq!(
            (r.value, r.status),
            (Some(1.0), Status::Resolved("YES".into()))
        );
        assert!(close(
            value(
                "polymarket:over-under-market#Over",
                "polymarket/market-over-under-market.json"
            ),
            0.55
        ));
        assert!(close(
            value(
                "polymarket:over-under-market#under",
                "polymarket/market-over-under-market.json"
            ),
            0.45
        ));
        assert!(matches!(
            read_recorded(
                "polymarket:over-under-market",
                "polymarket/market-over-under-market.json"
            ),
            Err(ReadError::NoSuchOutcome { .. })
        ));
        let event = "polymarket/event-which-company-best-ai-model-end-of-2026.json";
        assert!(close(
            value(
                "polymarket:which-company-best-ai-model-end-of-2026#Google",
                event
            ),
            0.445
        ));
        assert!(matches!(
            read_recorded("polymarket:which-company-best-ai-model-end-of-2026", event),
            Err(ReadError::NoSuchOutcome { wanted: None, .. })
        ));
        assert!(
            read_recorded(
                "polymarket:brand-new-market",
                "polymarket/market-brand-new-market.json"
            )
            .is_err(),
            "no prices yet"
        );

        assert!(close(
            value("metaculus:3479", "metaculus/post-3479.json"),
            0.31
        ));
        let r = read_recorded("metaculus:5121", "metaculus/post-5121.json").unwrap();
        assert_eq!(r.status, Status::Resolved("YES".into()));
        assert_eq!(
            value("metaculus:7777", "metaculus/post-7777.json"),
            None,
            "hidden community prediction is unavailable, not 0"
        );
        assert!(matches!(
            read_recorded("metaculus:8888", "metaculus/post-8888.json"),
            Err(ReadError::Unsupported(_))
        ));
        assert!(
            close(value("metaculus:9999", "metaculus/post-9999.json"), 0.27),
            "legacy community_prediction"
        );

        assert!(close(
            value("kalshi:KXAGI-30", "kalshi/market-KXAGI-30.json"),
            0.198
        ));
        let r = read_recorded("kalshi:KXCHIP-27", "kalshi/market-KXCHIP-27.json").unwrap();
        assert_eq!(
            (r.value, r.status),
            (Some(1.0), Status::Resolved("YES".into()))
        );
        assert!(
            close(
                value("kalshi:KXNOTRADE-28", "kalshi/market-KXNOTRADE-28.json"),
                0.36
            ),
            "no trade: mid of bid and ask"
        );
        assert!(
            close(
                value("kalshi:KXLEGACY-29", "kalshi/market-KXLEGACY-29.json"),
                0.23
            ),
            "legacy integer cents"
        );
    }

    #[test]
    fn histories_are_daily() {
        let m = manifold_history(&body("manifold/bets-mfAgi001.json")).unwrap();
        assert!(
            m.len() >= 4 && m.windows(2).all(|w| w[0].0 < w[1].0),
            "{m:?}"
        );
        assert!(close(m.last().map(|p| p.1), 0.43));
        let p = polymarket_history(&body("polymarket/history-111.json")).unwrap();
        assert_eq!(p.len(), 11);
        assert!(close(p.last().map(|p| p.1), 0.62));
        let k = kalshi_history(&body("kalshi/candles-KXAGI-30.json")).unwrap();
        assert!(
            k.len() >= 4,
            "a day without trades falls back to the book: {k:?}"
        );
        assert!(close(k.last().map(|p| p.1), 0.198));
    }
}
