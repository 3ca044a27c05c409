//! Number formats of the board (display and the `data-value` hook).

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
}
