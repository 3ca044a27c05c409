//! The accuracy-cost Pareto plot as an SVG string (plotters' SVG backend): cost per 1K queries on a
//! log axis, accuracy in percent, one marker shape per kind of entry (readable without colour), the
//! frontier line, a sandbox lambda sweep as a dashed line of small dots, labels placed beside their
//! own marker (never nearer another one) so they do not overlap, and a `<title>` tooltip per point.
//! The axes fit the visible points: the Oracle can be hidden, and the view can zoom to the frontier.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use vlrb_board::{Kind, Row};

/// Width of the drawing, in SVG user units.
pub const WIDTH: u32 = 820;
/// Height of the drawing, in SVG user units.
pub const HEIGHT: u32 = 500;
/// Requested font size; plotters' SVG backend writes it scaled by [`RENDERED`].
const FONT_PX: f64 = 15.0;
/// Ratio of the written font size to the requested one (plotters converts points to pixels).
const RENDERED: f64 = 0.806;

/// One point of the plot.
#[derive(Debug, Clone, PartialEq)]
pub struct PlotPoint {
    /// Entry name (the label).
    pub name: String,
    /// Kind (the marker shape).
    pub kind: Kind,
    /// True for the Oracle (drawn as a reference, not on the frontier).
    pub oracle: bool,
    /// USD per 1,000 queries.
    pub cost_per_1k: f64,
    /// Average Accuracy, fraction.
    pub accuracy: f64,
    /// On the Pareto frontier.
    pub pareto: bool,
    /// Selected by the visitor (always labelled, drawn larger).
    pub selected: bool,
    /// A point of the sandbox's lambda sweep (named `λ=...`, given in ascending lambda): a small
    /// dot on the sweep's dashed line, never on the frontier.
    pub sweep: bool,
}

impl PlotPoint {
    /// A scored row as a plot point; a sweep point is never on the board's frontier.
    pub fn of_row(r: Row, selected: bool, sweep: bool) -> PlotPoint {
        PlotPoint {
            oracle: r.is_oracle(),
            selected,
            cost_per_1k: r.metrics.cost_per_1k(),
            accuracy: r.metrics.accuracy,
            pareto: r.pareto && !sweep,
            kind: r.kind,
            name: r.name,
            sweep,
        }
    }
}

/// What the plot shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlotView {
    /// Draw the Oracle (an upper bound far above the rest squeezes the other points).
    pub oracle: bool,
    /// Fit the axes to the Pareto frontier (and the selected points) instead of every point.
    pub zoom_frontier: bool,
}

impl Default for PlotView {
    fn default() -> PlotView {
        PlotView {
            oracle: true,
            zoom_frontier: false,
        }
    }
}

/// The glyph of a kind's marker, for the HTML legend (same shapes as the plot).
pub fn legend_glyph(kind: Kind) -> &'static str {
    match kind {
        Kind::Baseline => "▲",
        Kind::Model => "○",
        Kind::Reference => "◆",
        Kind::Verified => "■",
        Kind::Upload => "✕",
    }
}

/// The marker colour of a kind (mid-tones readable on light and dark backgrounds).
fn colour(kind: Kind) -> RGBColor {
    match kind {
        Kind::Baseline => RGBColor(214, 96, 77),
        Kind::Model => RGBColor(90, 140, 200),
        Kind::Reference => RGBColor(155, 110, 200),
        Kind::Verified => RGBColor(60, 160, 110),
        Kind::Upload => RGBColor(220, 150, 40),
    }
}

/// Whether a point gets a text label on the plot (every point is in the text alternative).
fn labelled(p: &PlotPoint) -> bool {
    p.selected || p.pareto || p.oracle || p.sweep || p.kind != Kind::Model
}

/// Text escaped for SVG/XML content and attributes.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A point's tooltip text.
fn tooltip(p: &PlotPoint) -> String {
    format!(
        "{}: {:.2}% accuracy, ${} per 1K queries{}{}",
        p.name,
        100.0 * p.accuracy,
        format_cost(p.cost_per_1k).trim_start_matches('$'),
        if p.pareto {
            ", on the Pareto frontier"
        } else {
            ""
        },
        if p.oracle { " (upper bound)" } else { "" }
    )
}

/// Renders the plot. Black strokes and text are written as `currentColor`, so the plot follows the
/// page's theme. An empty input gives an empty string.
pub fn pareto_svg(points: &[PlotPoint], view: PlotView) -> String {
    let finite: Vec<&PlotPoint> = points
        .iter()
        .filter(|p| p.cost_per_1k.is_finite() && p.accuracy.is_finite())
        .filter(|p| view.oracle || !p.oracle)
        .collect();
    if finite.is_empty() {
        return String::new();
    }
    // The points that set the axes: all visible ones, or the frontier and the selection.
    let framing: Vec<&PlotPoint> = if view.zoom_frontier {
        let near: Vec<&PlotPoint> = finite
            .iter()
            .copied()
            .filter(|p| p.pareto || p.selected)
            .collect();
        if near.is_empty() {
            finite.clone()
        } else {
            near
        }
    } else {
        finite.clone()
    };
    let mut svg = String::new();
    let mut tips = Vec::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
        // Drawing into a String cannot fail for lack of I/O; a failure leaves a partial plot.
        let _ = draw(&root, &finite, &framing, &mut tips);
        let _ = root.present();
    }
    // One transparent hit area per point with its tooltip (plotters writes no `<title>`).
    let tips: String = tips
        .iter()
        .map(|(p, x, y)| {
            format!(
                r#"<circle class="tip" cx="{x}" cy="{y}" r="8" fill="transparent" data-name="{}"><title>{}</title></circle>"#,
                escape(&p.name),
                escape(&tooltip(p))
            )
        })
        .collect();
    let svg = svg.replace("#000000", "currentColor");
    match svg.rfind("</svg>") {
        Some(end) => format!(
            "{}<g class=\"tips\">{tips}</g></svg>{}",
            &svg[..end],
            &svg[end + 6..]
        ),
        None => svg,
    }
}

/// Distance from the box `b` (left, top, right, bottom) to the point (x, y).
fn box_distance(b: &[f64; 4], (x, y): (f64, f64)) -> f64 {
    let dx = (b[0] - x).max(0.0).max(x - b[2]);
    let dy = (b[1] - y).max(0.0).max(y - b[3]);
    dx.hypot(dy)
}

fn draw<'p>(
    root: &DrawingArea<SVGBackend<'_>, Shift>,
    all: &[&'p PlotPoint],
    framing: &[&PlotPoint],
    tips: &mut Vec<(&'p PlotPoint, i32, i32)>,
) -> Result<(), Box<dyn std::error::Error>> {
    let positive = |c: f64| c.max(1e-9);
    let (mut lo, mut hi) = framing.iter().fold((f64::INFINITY, 0.0f64), |(lo, hi), p| {
        (
            lo.min(positive(p.cost_per_1k)),
            hi.max(positive(p.cost_per_1k)),
        )
    });
    if hi <= lo * 1.01 {
        (lo, hi) = (lo / 2.0, hi * 2.0);
    }
    let (x_lo, x_hi) = (lo / 1.6, hi * 1.6);
    let (acc_lo, acc_hi) = framing.iter().fold((100.0f64, 0.0f64), |(lo, hi), p| {
        (lo.min(p.accuracy * 100.0), hi.max(p.accuracy * 100.0))
    });
    // A margin of a tenth of the span (at least 1 point) keeps markers and labels inside.
    let pad = ((acc_hi - acc_lo) * 0.1).max(1.0);
    let (y_lo, y_hi) = (
        (acc_lo - pad).max(0.0),
        (acc_hi + pad).min(100.0).max(acc_lo + 1.0),
    );
    // Only what falls inside the axes is drawn (zoomed to the frontier, the rest is off-view).
    let inside = |p: &&PlotPoint| {
        let (c, a) = (positive(p.cost_per_1k), p.accuracy * 100.0);
        c >= x_lo && c <= x_hi && a >= y_lo && a <= y_hi
    };
    let points: Vec<&'p PlotPoint> = all.iter().copied().filter(inside).collect();
    let points = &points[..];

    let font = ("sans-serif", FONT_PX).into_font();
    let mut chart = ChartBuilder::on(root)
        .margin(14)
        .x_label_area_size(46)
        .y_label_area_size(58)
        .build_cartesian_2d((x_lo..x_hi).log_scale(), y_lo..y_hi)?;
    chart
        .configure_mesh()
        .x_desc("cost, $ per 1K queries (log scale)")
        .y_desc("Average Accuracy, %")
        .axis_desc_style(font.clone())
        .label_style(font.clone())
        .x_label_formatter(&|x| format_cost(*x))
        .y_label_formatter(&|y| format!("{y:.0}"))
        .light_line_style(RGBColor(128, 128, 128).mix(0.12))
        .bold_line_style(RGBColor(128, 128, 128).mix(0.25))
        .axis_style(BLACK)
        .draw()?;

    let at = |p: &PlotPoint| (positive(p.cost_per_1k), p.accuracy * 100.0);
    let mut frontier: Vec<&PlotPoint> = points.iter().copied().filter(|p| p.pareto).collect();
    frontier.sort_by(|a, b| a.cost_per_1k.total_cmp(&b.cost_per_1k));
    chart.draw_series(LineSeries::new(
        frontier.iter().map(|p| at(p)),
        ShapeStyle::from(BLACK.mix(0.55)).stroke_width(2),
    ))?;

    // The sweep: its lambdas in the order given (ascending lambda), joined by a dashed line, so
    // the line shows how the trade-off moves with lambda.
    let sweep: Vec<&PlotPoint> = points.iter().copied().filter(|p| p.sweep).collect();
    let sweep_colour = colour(Kind::Upload);
    chart.draw_series(DashedLineSeries::new(
        sweep.iter().map(|p| at(p)),
        6,
        4,
        sweep_colour.stroke_width(2),
    ))?;
    chart.draw_series(
        sweep
            .iter()
            .map(|p| Circle::new(at(p), 3, sweep_colour.filled())),
    )?;

    // Unselected first, so selected markers sit on top.
    let mut order: Vec<&PlotPoint> = points.iter().copied().filter(|p| !p.sweep).collect();
    order.sort_by_key(|p| p.selected);
    for p in &order {
        let size = if p.selected { 9 } else { 6 };
        let style = colour(p.kind).filled();
        let outline = ShapeStyle::from(BLACK).stroke_width(if p.selected { 2 } else { 1 });
        let anchor = EmptyElement::at(at(p));
        match p.kind {
            // plotters fills a triangle marker whatever its style, so the outline is a path (a
            // filled one would cover the colour in the theme's text colour).
            Kind::Baseline => {
                let r = f64::from(size + 1);
                let d: Vec<(i32, i32)> = [90.0f64, 210.0, 330.0]
                    .iter()
                    .map(|a| {
                        let a = a.to_radians();
                        ((r * a.cos()).round() as i32, (-r * a.sin()).round() as i32)
                    })
                    .collect();
                chart.draw_series(std::iter::once(
                    anchor + Polygon::new(d.clone(), style) + PathElement::new(close(d), outline),
                ))?
            }
            Kind::Model => chart.draw_series(std::iter::once(
                anchor + Circle::new((0, 0), size - 1, colour(p.kind).stroke_width(3)),
            ))?,
            Kind::Reference => {
                let d = vec![(0, -size - 1), (size + 1, 0), (0, size + 1), (-size - 1, 0)];
                chart.draw_series(std::iter::once(
                    anchor + Polygon::new(d.clone(), style) + PathElement::new(close(d), outline),
                ))?
            }
            Kind::Verified => chart.draw_series(std::iter::once(
                anchor
                    + Rectangle::new([(-size + 1, -size + 1), (size - 1, size - 1)], style)
                    + Rectangle::new([(-size + 1, -size + 1), (size - 1, size - 1)], outline),
            ))?,
            Kind::Upload => chart.draw_series(std::iter::once(
                anchor + Cross::new((0, 0), size, colour(p.kind).stroke_width(3)),
            ))?,
        };
    }

    // Labels: greedy placement around each marker, skipping a label that would overlap another
    // label or leave the plot. Selected and frontier points are placed first.
    let plot_area = chart.plotting_area().get_pixel_range();
    let markers: Vec<(f64, f64)> = points
        .iter()
        .map(|p| {
            let (x, y) = chart.backend_coord(&at(p));
            tips.push((*p, x, y));
            (x as f64, y as f64)
        })
        .collect();
    let mut taken: Vec<[f64; 4]> = markers
        .iter()
        .map(|&(x, y)| [x - 6.0, y - 6.0, x + 6.0, y + 6.0])
        .collect();
    let mut queue: Vec<&PlotPoint> = points.iter().copied().filter(|p| labelled(p)).collect();
    queue.sort_by_key(|p| (!p.selected, !p.oracle, !p.pareto));
    for p in queue {
        let text = if p.oracle {
            format!("{} (upper bound)", p.name)
        } else {
            p.name.clone()
        };
        let w = text.chars().count() as f64 * FONT_PX * RENDERED * 0.6;
        let h = FONT_PX * RENDERED + 3.0;
        let (x, y) = chart.backend_coord(&at(p));
        let (x, y) = (x as f64, y as f64);
        // (box left, box top, text anchor): the text is anchored on the side facing its marker, so
        // it sits next to the marker whatever its rendered width.
        let candidates = [
            (x + 10.0, y - h / 2.0, HPos::Left),
            (x - 10.0 - w, y - h / 2.0, HPos::Right),
            (x - w / 2.0, y - 10.0 - h, HPos::Center),
            (x - w / 2.0, y + 10.0, HPos::Center),
            (x + 8.0, y - h - 4.0, HPos::Left),
            (x + 8.0, y + 4.0, HPos::Left),
            (x - 8.0 - w, y - h - 4.0, HPos::Right),
            (x - 8.0 - w, y + 4.0, HPos::Right),
        ];
        // A label goes beside its own marker: inside the plot, over no other label or marker, and
        // nearer its own marker than any other (so it cannot be read as another point's).
        let fits = |b: &[f64; 4]| {
            let own = box_distance(b, (x, y));
            b[0] >= plot_area.0.start as f64
                && b[2] <= plot_area.0.end as f64
                && b[1] >= plot_area.1.start as f64
                && b[3] <= plot_area.1.end as f64
                && taken
                    .iter()
                    .all(|t| b[2] <= t[0] || b[0] >= t[2] || b[3] <= t[1] || b[1] >= t[3])
                && markers
                    .iter()
                    .filter(|&&m| m != (x, y))
                    .all(|&m| box_distance(b, m) > own + 2.0)
        };
        if let Some((b, anchor)) = candidates
            .iter()
            .map(|&(bx, by, anchor)| ([bx, by, bx + w, by + h], anchor))
            .find(|(b, _)| fits(b))
        {
            taken.push(b);
            let ax = match anchor {
                HPos::Left => b[0],
                HPos::Right => b[2],
                HPos::Center => x,
            };
            let weight = if p.selected {
                FontStyle::Bold
            } else {
                FontStyle::Normal
            };
            root.draw(&Text::new(
                text,
                (ax as i32, b[1] as i32 + 1),
                ("sans-serif", FONT_PX)
                    .into_font()
                    .style(weight)
                    .color(&BLACK)
                    .pos(Pos::new(anchor, VPos::Top)),
            ))?;
        }
    }
    Ok(())
}

fn close(mut path: Vec<(i32, i32)>) -> Vec<(i32, i32)> {
    if let Some(&first) = path.first() {
        path.push(first);
    }
    path
}

/// A tick label for a cost: as few digits as make it distinct.
pub fn format_cost(x: f64) -> String {
    if x >= 10.0 {
        format!("${x:.0}")
    } else if x >= 1.0 {
        format!("${x:.1}")
    } else {
        let digits = (1 - x.log10().floor() as i32).clamp(2, 8) as usize;
        format!("${x:.digits$}")
    }
}

#[cfg(test)]
mod tests;
