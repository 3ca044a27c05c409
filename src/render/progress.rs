//! The sandbox's live training chart as SVG text: dev Rank Score after each epoch, one line per
//! lambda.

/// One epoch's dev score on the live chart.
#[derive(Debug, Clone, PartialEq)]
pub struct CurvePoint {
    /// Lambda being trained, as text.
    pub lambda: String,
    /// Dev Rank Score (fraction) after the epoch.
    pub dev_rank_score: f64,
}

/// The live training chart as SVG text: dev Rank Score (x100) after each epoch, in training order,
/// one line per lambda, labelled.
pub fn progress_svg(points: &[CurvePoint]) -> String {
    let (w, h, pad) = (480.0, 150.0, 28.0);
    let mut svg = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" class="progress-chart">"#
    );
    if points.is_empty() {
        svg.push_str("</svg>");
        return svg;
    }
    let scores: Vec<f64> = points.iter().map(|p| 100.0 * p.dev_rank_score).collect();
    let lo = scores.iter().copied().fold(f64::INFINITY, f64::min).floor() - 1.0;
    let hi = scores
        .iter()
        .copied()
        .fold(f64::NEG_INFINITY, f64::max)
        .ceil()
        + 1.0;
    let x = |i: usize| pad + (w - 2.0 * pad) * i as f64 / (points.len().max(2) - 1) as f64;
    let y = |v: f64| h - pad - (h - 2.0 * pad) * (v - lo) / (hi - lo);
    svg.push_str(&format!(
        r#"<line x1="{pad}" y1="{0}" x2="{1}" y2="{0}" class="axis"/><text x="{pad}" y="{2}" class="tick">{hi:.0}</text><text x="{pad}" y="{3}" class="tick">{lo:.0}</text><text x="{4}" y="{3}" class="tick" text-anchor="end">dev Rank Score by epoch</text>"#,
        h - pad,
        w - pad,
        pad - 8.0,
        h - 8.0,
        w - pad,
    ));
    let mut start = 0;
    while start < points.len() {
        let end = (start..points.len())
            .find(|&i| points[i].lambda != points[start].lambda)
            .unwrap_or(points.len());
        let line: Vec<String> = (start..end)
            .map(|i| format!("{:.1},{:.1}", x(i), y(scores[i])))
            .collect();
        svg.push_str(&format!(
            r#"<polyline points="{}" class="curve"/><text x="{:.1}" y="{:.1}" class="tick">λ={}</text>"#,
            line.join(" "),
            x(start),
            y(scores[start]) - 6.0,
            points[start].lambda
        ));
        if end - start == 1 {
            // A one-epoch line has no length: mark its point.
            svg.push_str(&format!(
                r#"<circle cx="{:.1}" cy="{:.1}" r="3" class="dot"/>"#,
                x(start),
                y(scores[start])
            ));
        }
        start = end;
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test]
    fn progress_chart_draws_one_line_per_lambda() {
        let pts: Vec<CurvePoint> = [("0", 0.5), ("0", 0.6), ("10", 0.55), ("10", 0.7)]
            .into_iter()
            .map(|(l, s)| CurvePoint {
                lambda: l.into(),
                dev_rank_score: s,
            })
            .collect();
        let svg = progress_svg(&pts);
        assert_eq!(svg.matches("<polyline").count(), 2);
        assert!(svg.contains("λ=10"));
        assert_eq!(progress_svg(&[]).matches("<polyline").count(), 0);
        assert_eq!(svg.matches("<circle").count(), 0);
        let single = progress_svg(&pts[..1]);
        assert_eq!(single.matches("<circle").count(), 1, "{single}");
    }
}
