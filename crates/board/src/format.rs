//! Number formats of the board (display and the `data-value` hook), and HTML escaping for markup
//! written as text (the explorer's rows).

/// A number in shortest round-trip form (the `data-value` hook and the exports).
pub fn raw(x: f64) -> String {
    format!("{x}")
}

/// A fraction as a percentage with two decimals.
pub fn pct(x: f64) -> String {
    format!("{:.2}", x * 100.0)
}

/// Dollars with four significant digits (costs span several orders of magnitude).
pub fn dollars(x: f64) -> String {
    if x == 0.0 || !x.is_finite() {
        return format!("${x}");
    }
    let digits = (3 - x.abs().log10().floor() as i32).clamp(0, 12) as usize;
    format!("${x:.digits$}")
}

/// Text escaped for HTML content and quoted attribute values (`&`, `<`, `>`, `"`, `'`).
pub fn html_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn number_formats() {
        assert_eq!(raw(0.1), "0.1");
        assert_eq!(raw(3.1958333303399354e-5), "0.000031958333303399354");
        assert_eq!(pct(0.404761904), "40.48");
        assert_eq!(dollars(0.37), "$0.3700");
        assert_eq!(dollars(2.72e-5), "$0.00002720");
        assert_eq!(dollars(12.5), "$12.50");
    }

    #[test]
    fn html_is_escaped() {
        assert_eq!(
            html_escape(r#"<b a="x">Tom's & co</b>"#),
            "&lt;b a=&quot;x&quot;&gt;Tom&#39;s &amp; co&lt;/b&gt;"
        );
        assert_eq!(
            html_escape("MathVista_MINI/00012 ✓"),
            "MathVista_MINI/00012 ✓"
        );
    }
}
