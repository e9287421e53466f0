//! Market references as authors write them in a future's `markets:` list
//! (`platform:id`, `polymarket:slug#Outcome`): which platforms exist, how a
//! reference is parsed, and the page a reader can visit for it.

use std::fmt;

use crate::diagnostics::Fix;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Platform {
    Manifold = 0,
    Polymarket = 1,
    Metaculus = 2,
    Kalshi = 3,
}

impl Platform {
    pub(crate) const ALL: [Platform; 4] = [
        Platform::Manifold,
        Platform::Polymarket,
        Platform::Metaculus,
        Platform::Kalshi,
    ];

    pub(crate) fn name(self) -> &'static str {
        match self {
            Platform::Manifold => "manifold",
            Platform::Polymarket => "polymarket",
            Platform::Metaculus => "metaculus",
            Platform::Kalshi => "kalshi",
        }
    }

    /// The name as people write it: `Manifold`, `Polymarket`.
    pub(crate) fn title(self) -> &'static str {
        match self {
            Platform::Manifold => "Manifold",
            Platform::Polymarket => "Polymarket",
            Platform::Metaculus => "Metaculus",
            Platform::Kalshi => "Kalshi",
        }
    }

    /// The page a reader can visit for this market.
    fn page(self, id: &str) -> String {
        match self {
            Platform::Manifold => format!("https://manifold.markets/market/{id}"),
            Platform::Polymarket => format!("https://polymarket.com/market/{id}"),
            Platform::Metaculus => format!("https://www.metaculus.com/questions/{id}/"),
            Platform::Kalshi => format!("https://kalshi.com/markets/{}", id.to_lowercase()),
        }
    }
}

/// `manifold:slug`, `polymarket:slug#Outcome`, `metaculus:5121`, `kalshi:TICKER`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct MarketRef {
    pub platform: Platform,
    pub id: String,
    /// An answer (Manifold) or outcome (Polymarket) of a multi-outcome market.
    pub outcome: Option<String>,
}

impl MarketRef {
    /// Parses a reference; the error is a hint on how to write one.
    pub(crate) fn parse(s: &str) -> Result<MarketRef, Fix> {
        let known = Platform::ALL.map(Platform::name).join(", ");
        let Some((platform, rest)) = s.trim().split_once(':') else {
            return Err(Fix::new(format!(
                "write `platform:id`, e.g. `manifold:will-we-get-agi-before-2030`; platforms: {known}"
            )));
        };
        let Some(platform) = Platform::ALL.into_iter().find(|p| p.name() == platform) else {
            let hint = crate::diagnostics::closest(platform, Platform::ALL.map(Platform::name))
                .map(|p| format!("did you mean `{p}`? "))
                .unwrap_or_default();
            return Err(Fix::new(format!("{hint}platforms: {known}")));
        };
        let (id, outcome) = match rest.split_once('#') {
            Some((id, outcome)) => (id, Some(outcome.to_string())),
            None => (rest, None),
        };
        let id_ok = !id.is_empty()
            && id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
        if !id_ok {
            return Err(Fix::new(
                "a market id holds letters, digits, `-`, `_` and `.` only: the slug, number or ticker from the market's URL",
            ));
        }
        if outcome.as_deref() == Some("") {
            return Err(Fix::new("after `#`, name the outcome, e.g. `#Yes`"));
        }
        Ok(MarketRef {
            platform,
            id: id.to_string(),
            outcome,
        })
    }

    pub(crate) fn url(&self) -> String {
        self.platform.page(&self.id)
    }
}

impl fmt::Display for MarketRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.platform.name(), self.id)?;
        if let Some(o) = &self.outcome {
            write!(f, "#{o}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_parse_per_platform() {
        let r = MarketRef::parse("polymarket:some-market#Yes").unwrap();
        assert_eq!(
            (r.platform, r.id.as_str(), r.outcome.as_deref()),
            (Platform::Polymarket, "some-market", Some("Yes"))
        );
        assert_eq!(
            MarketRef::parse("metaculus:5121").unwrap().to_string(),
            "metaculus:5121"
        );
        assert!(MarketRef::parse("manifold:").is_err());
        assert!(
            MarketRef::parse("maniflod:x")
                .unwrap_err()
                .as_str()
                .starts_with("did you mean `manifold`?")
        );
        assert!(MarketRef::parse("kalshi:KX\"><script>").is_err());
    }
}
