//! The view state that lives in the URL (`?bench=&group=&dataset=&sort=&order=&sel=&pool=&prices=`, plus the
//! sandbox's last run settings `&router=&features=&lambda=&cost_scale=&seed=&epochs=&backend=`), so
//! a link reproduces the view and pre-fills the sandbox. Pure string handling, no DOM.

use vlrb_sandbox::TrainForm;

use crate::rows::SortKey;
use crate::whatif::WhatIf;

/// Everything a permalink carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ViewState {
    /// Benchmark name (the bundle's `name`).
    pub bench: Option<String>,
    /// Task group filter.
    pub group: Option<String>,
    /// Dataset filter.
    pub dataset: Option<String>,
    /// Sort column.
    pub sort: SortKey,
    /// Sort descending.
    pub descending: bool,
    /// Selected rows (entry names), in selection order.
    pub selected: Vec<String>,
    /// The sandbox settings of the last run started (present when `router` is).
    pub train: Option<TrainForm>,
    /// The what-if view's pool and price edits (`pool=`, `prices=`).
    pub what_if: WhatIf,
    /// Parameters of the link that could not be used, each with what was done instead (never
    /// written back to a link).
    pub problems: Vec<String>,
}

impl Default for ViewState {
    fn default() -> Self {
        ViewState {
            bench: None,
            group: None,
            dataset: None,
            sort: SortKey::RankScore,
            descending: true,
            selected: Vec::new(),
            train: None,
            what_if: WhatIf::default(),
            problems: Vec::new(),
        }
    }
}

impl ViewState {
    /// Parses a query string (with or without the leading `?`); unknown keys are ignored.
    pub fn parse(query: &str) -> ViewState {
        let mut state = ViewState::default();
        let mut order = None;
        let mut train = TrainForm::defaults(false);
        let mut has_router = false;
        for pair in query
            .trim_start_matches('?')
            .split('&')
            .filter(|p| !p.is_empty())
        {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            let value = decode(value);
            let non_empty = || (!value.is_empty()).then(|| value.clone());
            match decode(key).as_str() {
                "bench" => state.bench = non_empty(),
                "group" => state.group = non_empty(),
                "dataset" => state.dataset = non_empty(),
                "sort" => match SortKey::from_id(&value) {
                    Some(k) => state.sort = k,
                    None => state.problems.push(format!(
                        "sort={value} is not a column of the board (expected one of {}); sorted by Rank Score",
                        SortKey::ALL.map(SortKey::id).join(", ")
                    )),
                },
                "order" if value == "desc" || value == "asc" => order = Some(value == "desc"),
                "order" => state.problems.push(format!(
                    "order={value} is neither asc nor desc; the column's natural order is used"
                )),
                "pool" => state.what_if.pool = non_empty(),
                "prices" => state.what_if.prices = non_empty(),
                "sel" if !value.is_empty() && !state.selected.contains(&value) => {
                    state.selected.push(value)
                }
                key => {
                    has_router |= key == "router";
                    if let Some(field) = train.field_mut(key) {
                        *field = value;
                    }
                }
            }
        }
        state.train = has_router.then_some(train);
        state.descending = order.unwrap_or_else(|| state.sort.natural_descending());
        state
    }

    /// The query string (with the leading `?`), omitting defaults.
    pub fn to_query(&self) -> String {
        let mut parts = Vec::new();
        let mut push = |k: &str, v: &str| parts.push(format!("{k}={}", encode(v)));
        if let Some(b) = &self.bench {
            push("bench", b);
        }
        if let Some(g) = &self.group {
            push("group", g);
        }
        if let Some(d) = &self.dataset {
            push("dataset", d);
        }
        if self.sort != SortKey::RankScore || !self.descending {
            push("sort", self.sort.id());
            push("order", if self.descending { "desc" } else { "asc" });
        }
        for s in &self.selected {
            push("sel", s);
        }
        if let Some(pool) = &self.what_if.pool {
            push("pool", pool);
        }
        if let Some(prices) = &self.what_if.prices {
            push("prices", prices);
        }
        if let Some(train) = &self.train {
            for (key, value) in train.pairs() {
                push(key, value);
            }
        }
        if parts.is_empty() {
            String::new()
        } else {
            format!("?{}", parts.join("&"))
        }
    }
}

/// Percent-encodes everything but unreserved characters (RFC 3986).
pub fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Decodes percent escapes and `+` (as a space); malformed escapes are kept as written.
pub fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(hi), Some(lo)) => {
                    out.push(hi << 4 | lo);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex(digit: u8) -> Option<u8> {
    (digit as char).to_digit(16).map(|d| d as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let state = ViewState {
            bench: Some("demo".into()),
            group: Some("Charts & OCR".into()),
            dataset: None,
            sort: SortKey::Cost,
            descending: false,
            selected: vec!["my, router".into(), "Oracle".into()],
            train: None,
            what_if: WhatIf {
                pool: Some("GPT4o,Janus-Pro-1B".into()),
                prices: Some("GPT4o:1.25:5".into()),
            },
            problems: Vec::new(),
        };
        let q = state.to_query();
        assert_eq!(
            q,
            "?bench=demo&group=Charts%20%26%20OCR&sort=cost&order=asc&sel=my%2C%20router&sel=Oracle\
             &pool=GPT4o%2CJanus-Pro-1B&prices=GPT4o%3A1.25%3A5"
        );
        assert_eq!(ViewState::parse(&q), state);
        assert_eq!(ViewState::default().to_query(), "");
        assert_eq!(ViewState::parse(""), ViewState::default());
    }

    #[test]
    fn sandbox_settings_round_trip() {
        let mut settings = TrainForm::defaults(true);
        settings.lambda = "1e3".into();
        settings.epochs = String::new();
        let state = ViewState {
            bench: Some("math-v".into()),
            train: Some(settings.clone()),
            ..ViewState::default()
        };
        let q = state.to_query();
        assert_eq!(
            q,
            "?bench=math-v&router=mlp&features=concat&lambda=1e3&cost_scale=&seed=42&epochs=&backend=webgpu"
        );
        assert_eq!(ViewState::parse(&q), state);
        // Without a router there are no sandbox settings.
        assert_eq!(ViewState::parse("?seed=7").train, None);
    }

    #[test]
    fn lenient_parsing() {
        let s = ViewState::parse("?bench=a+b&sort=bogus&x=1&sel=&dataset=%ZZ&sel=%E2%9C%93");
        assert_eq!(s.bench.as_deref(), Some("a b"));
        assert_eq!(s.sort, SortKey::RankScore);
        assert!(s.descending);
        assert_eq!(s.dataset.as_deref(), Some("%ZZ"));
        assert_eq!(s.selected, vec!["✓".to_owned()]);
        assert_eq!(decode("%4"), "%4");
        assert!(!ViewState::parse("sort=cost").descending);
        // A bad sort or order is said, not silently applied.
        assert_eq!(s.problems.len(), 1);
        assert!(
            s.problems[0].starts_with("sort=bogus is not a column"),
            "{:?}",
            s.problems
        );
        let o = ViewState::parse("sort=cost&order=sideways");
        assert!(!o.descending, "natural order of cost");
        assert!(o.problems[0].contains("order=sideways"));
        assert!(ViewState::parse("sort=cost&order=desc").problems.is_empty());
    }
}
