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

/// The live training chart as SVG text: dev Rank Score (x100) after each epoch, one line per
/// lambda (its epochs in order; the lambdas side by side, in grid order), labelled.
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
    // Each lambda's epochs as one line (a parallel sweep's workers report their epochs
    // interleaved), the lines in grid order ("inf" reads as infinity).
    let mut lines: Vec<(&str, Vec<f64>)> = Vec::new();
    for (point, &score) in points.iter().zip(&scores) {
        match lines.iter_mut().find(|(lambda, _)| *lambda == point.lambda) {
            Some((_, line)) => line.push(score),
            None => lines.push((&point.lambda, vec![score])),
        }
    }
    let grid_value = |lambda: &str| lambda.parse::<f64>().unwrap_or(f64::NAN);
    lines.sort_by(|(a, _), (b, _)| grid_value(a).total_cmp(&grid_value(b)));
    let mut start = 0;
    for (lambda, line) in &lines {
        let coordinates: Vec<String> = line
            .iter()
            .enumerate()
            .map(|(k, &score)| format!("{:.1},{:.1}", x(start + k), y(score)))
            .collect();
        svg.push_str(&format!(
            r#"<polyline points="{}" class="curve"/><text x="{:.1}" y="{:.1}" class="tick">λ={lambda}</text>"#,
            coordinates.join(" "),
            x(start),
            y(line[0]) - 6.0,
        ));
        if line.len() == 1 {
            // A one-epoch line has no length: mark its point.
            svg.push_str(&format!(
                r#"<circle cx="{:.1}" cy="{:.1}" r="3" class="dot"/>"#,
                x(start),
                y(line[0])
            ));
        }
        start += line.len();
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

    /// The polylines' point lists, in drawing order.
    fn polylines(svg: &str) -> Vec<Vec<&str>> {
        svg.split("<polyline points=\"")
            .skip(1)
            .map(|rest| rest.split('"').next().unwrap_or("").split(' ').collect())
            .collect()
    }

    #[wasm_bindgen_test]
    fn interleaved_epochs_of_parallel_workers_still_draw_one_line_per_lambda() {
        let point = |lambda: &str, score: f64| CurvePoint {
            lambda: lambda.into(),
            dev_rank_score: score,
        };
        // Two workers: λ=0 and λ=10 report their epochs in turn, then λ=100 starts.
        let interleaved = [
            point("0", 0.50),
            point("10", 0.55),
            point("0", 0.60),
            point("10", 0.70),
            point("100", 0.65),
        ];
        let svg = progress_svg(&interleaved);
        // The same chart as when the lambdas ran one after another.
        let sequential = [0, 2, 1, 3, 4].map(|i| interleaved[i].clone());
        assert_eq!(svg, progress_svg(&sequential));
        let lines = polylines(&svg);
        assert_eq!(lines.iter().map(Vec::len).collect::<Vec<_>>(), [2, 2, 1]);
        assert_eq!(svg.matches("λ=0<").count(), 1, "{svg}");
        assert_eq!(svg.matches("λ=10<").count(), 1, "{svg}");
        assert_eq!(
            svg.matches("<circle").count(),
            1,
            "λ=100 has one epoch: {svg}"
        );
        // λ=10's line starts where λ=0's ends, one step to the right.
        let x_of = |p: &str| {
            p.split(',')
                .next()
                .unwrap_or("")
                .parse::<f64>()
                .unwrap_or(f64::NAN)
        };
        assert!(x_of(lines[1][0]) > x_of(lines[0][1]), "{svg}");
        // In grid order, whichever worker started first.
        let svg = progress_svg(&[point("inf", 0.4), point("10000", 0.5), point("inf", 0.45)]);
        let at = |label: &str| svg.find(label).unwrap_or(usize::MAX);
        assert!(at("λ=10000<") < at("λ=inf<"), "{svg}");
    }
}
