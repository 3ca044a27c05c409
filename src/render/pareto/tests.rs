//! The Pareto plot's SVG: labels, theme colours, tooltips, the sweep, the Oracle toggle and the
//! frontier zoom (run in Chromium with wasm-bindgen-test).

use super::*;
use wasm_bindgen_test::wasm_bindgen_test as test;

/// The trimmed contents of the SVG's `<text>` elements (plotters writes each on its own line).
fn texts(svg: &str) -> Vec<&str> {
    svg.split("<text")
        .skip(1)
        .filter_map(|t| Some(t.split_once('>')?.1.split_once("</text>")?.0.trim()))
        .collect()
}

/// Whether any element other than text is filled with the text colour.
fn marker_filled_with_text_colour(svg: &str) -> bool {
    svg.split('<')
        .filter(|e| !e.starts_with("text"))
        .any(|e| e.contains(r#"fill="currentColor""#))
}

fn point(name: &str, kind: Kind, cost: f64, acc: f64, pareto: bool) -> PlotPoint {
    PlotPoint {
        name: name.into(),
        kind,
        oracle: false,
        cost_per_1k: cost,
        accuracy: acc,
        pareto,
        selected: false,
        sweep: false,
    }
}

#[test]
fn renders_labels_and_follows_the_theme() {
    let pts = vec![
        point("Cheap", Kind::Model, 0.03, 0.4, true),
        point("Dear", Kind::Model, 2.7, 0.7, true),
        point("mine", Kind::Upload, 0.2, 0.6, false),
        point("Random", Kind::Baseline, 0.3, 0.5, false),
    ];
    let svg = pareto_svg(&pts, PlotView::default());
    assert!(svg.starts_with("<svg"), "{}", &svg[..svg.len().min(80)]);
    for label in ["Cheap", "Dear", "mine", "Random", "log scale"] {
        assert!(svg.contains(label), "missing {label}");
    }
    assert!(!svg.contains("#000000"));
    assert!(svg.contains("currentColor"));
    // One tooltip per point, and the baseline's triangle keeps its colour (no filled outline).
    assert_eq!(svg.matches("<title>").count(), pts.len());
    assert!(svg.contains("<title>Random: 50.00% accuracy"), "{svg}");
    assert!(
        !marker_filled_with_text_colour(&svg),
        "a marker is filled with the text colour"
    );
    assert_eq!(pareto_svg(&[], PlotView::default()), "");
}

#[test]
fn draws_a_sweep_as_a_dashed_line_with_labels() {
    let mut pts = vec![point("Cheap", Kind::Model, 0.03, 0.4, true)];
    for (l, cost, acc) in [("λ=0", 2.0, 0.7), ("λ=100", 0.5, 0.65), ("λ=inf", 0.1, 0.6)] {
        let mut p = point(l, Kind::Upload, cost, acc, false);
        p.sweep = true;
        pts.push(p);
    }
    let svg = pareto_svg(&pts, PlotView::default());
    for label in ["λ=0", "λ=100", "λ=inf"] {
        assert!(svg.contains(label), "missing {label}");
    }
    let without: Vec<PlotPoint> = pts.iter().filter(|p| !p.sweep).cloned().collect();
    // The dashed line: many short segments in the sweep's colour, none without the sweep.
    let dashes = |s: &str| {
        s.matches(r##"<polyline fill="none" opacity="1" stroke="#DC9628""##)
            .count()
    };
    assert!(dashes(&svg) > 10, "{} dashes", dashes(&svg));
    assert_eq!(dashes(&pareto_svg(&without, PlotView::default())), 0);
}

#[test]
fn the_oracle_toggle_and_the_frontier_zoom_refit_the_axes() {
    let mut oracle = point("Oracle", Kind::Baseline, 0.06, 0.96, false);
    oracle.oracle = true;
    let pts = vec![
        oracle,
        point("Cheap", Kind::Model, 0.03, 0.10, true),
        point("Dear", Kind::Model, 2.7, 0.19, true),
        point("Far", Kind::Model, 90.0, 0.12, false),
    ];
    let all = pareto_svg(&pts, PlotView::default());
    assert!(all.contains("Oracle (upper bound)"));
    let hidden = pareto_svg(
        &pts,
        PlotView {
            oracle: false,
            zoom_frontier: false,
        },
    );
    assert!(!hidden.contains("Oracle"), "the hidden Oracle is drawn");
    // Without the Oracle the accuracy axis no longer reaches 90%.
    assert!(texts(&all).contains(&"90") && !texts(&hidden).contains(&"90"));
    let zoomed = pareto_svg(
        &pts,
        PlotView {
            oracle: false,
            zoom_frontier: true,
        },
    );
    assert!(
        !zoomed.contains("data-name=\"Far\""),
        "an off-frontier outlier stays in view"
    );
    assert!(zoomed.contains("data-name=\"Dear\""));
}

#[test]
fn cost_ticks() {
    assert_eq!(format_cost(0.05), "$0.050");
    assert_eq!(format_cost(0.0012), "$0.0012");
    assert_eq!(format_cost(2.5), "$2.5");
    assert_eq!(format_cost(120.0), "$120");
}
