//! Reading the platforms through the shared [`Client`]: which address
//! holds a market and its history, each platform's pace on its real API,
//! and Metaculus's token.

use jiff::Timestamp;
use jiff::civil::Date;

use super::platforms::{self, HistoryRequest, ReadError, Reading};
use super::{MarketRef, Platform};
use crate::fetch::remote::{Client, Endpoints, Failure, Lane};

/// Why a market could not be read this time.
pub(crate) type Fault = Failure<ReadError>;

/// A market read, with its history where the platform serves one.
pub(crate) struct Fetched {
    pub reading: Reading,
    pub history: Vec<(Date, f64)>,
}

/// The lane of `p`'s API: paced on the real host, at the rate its terms
/// allow (Metaculus asks for at most one request a second).
fn lane(e: &Endpoints, p: Platform) -> Lane {
    match p {
        Platform::Manifold => {
            Endpoints::lane("manifold", &e.manifold, Endpoints::DEFAULT_MANIFOLD, 8.0)
        }
        Platform::Polymarket => Endpoints::lane(
            "polymarket",
            &e.polymarket,
            Endpoints::DEFAULT_POLYMARKET,
            20.0,
        ),
        Platform::Metaculus => {
            Endpoints::lane("metaculus", &e.metaculus, Endpoints::DEFAULT_METACULUS, 1.0)
        }
        Platform::Kalshi => Endpoints::lane("kalshi", &e.kalshi, Endpoints::DEFAULT_KALSHI, 10.0),
    }
}

/// Reads one market and its history. A failed history is not a fault:
/// the value still counts.
pub(crate) fn fetch(client: &Client, r: &MarketRef, now: Timestamp) -> Result<Fetched, Fault> {
    let e = client.endpoints();
    let get = |url: String| get(client, r.platform, &url);
    let body = match r.platform {
        Platform::Manifold => get(format!("{}/slug/{}", e.manifold, r.id))?,
        Platform::Polymarket => match get(format!("{}/markets/slug/{}", e.polymarket, r.id)) {
            // A pasted polymarket.com address usually holds an event slug.
            Err(Failure::Get(crate::fetch::remote::Fault::NotFound)) => {
                get(format!("{}/events/slug/{}", e.polymarket, r.id))?
            }
            other => other?,
        },
        Platform::Metaculus => get(format!("{}/posts/{}/", e.metaculus, r.id))?,
        Platform::Kalshi => get(format!("{}/markets/{}", e.kalshi, r.id))?,
    };
    let reading = platforms::read(r, &body, now).map_err(Failure::Read)?;
    let history = match &reading.history {
        Some(h) => history(client, r.platform, h, now).unwrap_or_default(),
        None => Vec::new(),
    };
    Ok(Fetched { reading, history })
}

/// GET from `platform`, with its token where it needs one.
fn get(client: &Client, platform: Platform, url: &str) -> Result<Vec<u8>, Fault> {
    let e = client.endpoints();
    let auth = match (&e.metaculus_token, platform) {
        (Some(token), Platform::Metaculus) => Some(format!("Token {token}")),
        _ => None,
    };
    let mut headers = vec![("Accept", "application/json")];
    if let Some(auth) = &auth {
        headers.push(("Authorization", auth));
    }
    Ok(client.get(lane(e, platform), url, &headers)?.body)
}

fn history(
    client: &Client,
    platform: Platform,
    h: &HistoryRequest,
    now: Timestamp,
) -> Result<Vec<(Date, f64)>, Fault> {
    let e = client.endpoints();
    match h {
        HistoryRequest::Inline(points) => Ok(points.clone()),
        HistoryRequest::ManifoldBets { contract_id } => {
            let body = get(
                client,
                platform,
                &format!(
                    "{}/bets?contractId={contract_id}&order=desc&limit=1000",
                    e.manifold
                ),
            )?;
            platforms::manifold_history(&body).map_err(Failure::Read)
        }
        HistoryRequest::PolymarketToken { token, resolved } => {
            // Resolved markets answer an empty history below fidelity 720.
            let fidelity = if *resolved { 720 } else { 60 };
            let body = get(
                client,
                platform,
                &format!(
                    "{}/prices-history?market={token}&interval=max&fidelity={fidelity}",
                    e.polymarket_clob
                ),
            )?;
            platforms::polymarket_history(&body).map_err(Failure::Read)
        }
        HistoryRequest::KalshiCandles {
            series,
            ticker,
            open_ts,
        } => {
            let end = now.as_second();
            let start = (*open_ts).max(end - 365 * 86400);
            let body = get(
                client,
                platform,
                &format!(
                    "{}/series/{series}/markets/{ticker}/candlesticks?start_ts={start}&end_ts={end}&period_interval=1440",
                    e.kalshi
                ),
            )?;
            platforms::kalshi_history(&body).map_err(Failure::Read)
        }
    }
}
