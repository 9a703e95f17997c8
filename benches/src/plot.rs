//! Growth plots: a small SVG line chart on log–log axes, drawn here so the
//! bench needs no plotting stack. On log–log axes a linear cost is a line
//! of slope 1; the dashed guide of slope 1 through the first point of the
//! first series shows what linear growth would look like.

use std::fmt::Write as _;

pub struct Series {
    pub label: String,
    pub points: Vec<(f64, f64)>,
}

const W: f64 = 640.0;
const H: f64 = 400.0;
const LEFT: f64 = 70.0;
const RIGHT: f64 = 20.0;
const TOP: f64 = 40.0;
const BOTTOM: f64 = 50.0;
const COLOURS: [&str; 4] = ["#1f6feb", "#d1242f", "#1a7f37", "#9a6700"];

fn decades(lo: f64, hi: f64) -> (f64, f64) {
    (lo.log10().floor(), hi.log10().ceil().max(lo.log10().floor() + 1.0))
}

/// The chart as SVG text.
pub fn svg(title: &str, x_label: &str, y_label: &str, series: &[Series]) -> String {
    let all: Vec<(f64, f64)> = series
        .iter()
        .flat_map(|s| s.points.iter().copied())
        .filter(|(x, y)| *x > 0.0 && *y > 0.0)
        .collect();
    if all.is_empty() {
        return String::new();
    }
    let fold = |f: fn(&(f64, f64)) -> f64, min: bool| {
        all.iter().map(f).fold(if min { f64::MAX } else { f64::MIN }, |a, b| {
            if min {
                a.min(b)
            } else {
                a.max(b)
            }
        })
    };
    let (x0, x1) = decades(fold(|p| p.0, true), fold(|p| p.0, false));
    let (y0, y1) = decades(fold(|p| p.1, true), fold(|p| p.1, false));
    let px = |x: f64| LEFT + (x.log10() - x0) / (x1 - x0) * (W - LEFT - RIGHT);
    let py = |y: f64| H - BOTTOM - (y.log10() - y0) / (y1 - y0) * (H - TOP - BOTTOM);
    let mut out = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{W}\" height=\"{H}\" viewBox=\"0 0 {W} {H}\" font-family=\"sans-serif\" font-size=\"12\">\n\
         <rect width=\"{W}\" height=\"{H}\" fill=\"white\"/>\n\
         <text x=\"{}\" y=\"22\" text-anchor=\"middle\" font-size=\"14\">{}</text>\n",
        W / 2.0,
        escape(title)
    );
    for d in x0 as i32..=x1 as i32 {
        let x = px(10f64.powi(d));
        let _ = writeln!(
            out,
            "<line x1=\"{x:.1}\" y1=\"{TOP}\" x2=\"{x:.1}\" y2=\"{:.1}\" stroke=\"#ddd\"/><text x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
            H - BOTTOM,
            H - BOTTOM + 16.0,
            power(d)
        );
    }
    for d in y0 as i32..=y1 as i32 {
        let y = py(10f64.powi(d));
        let _ = writeln!(
            out,
            "<line x1=\"{LEFT}\" y1=\"{y:.1}\" x2=\"{:.1}\" y2=\"{y:.1}\" stroke=\"#ddd\"/><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            W - RIGHT,
            LEFT - 6.0,
            y + 4.0,
            power(d)
        );
    }
    let _ = writeln!(
        out,
        "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>\n<text transform=\"translate(16 {:.1}) rotate(-90)\" text-anchor=\"middle\">{}</text>",
        (LEFT + W - RIGHT) / 2.0,
        H - 12.0,
        escape(x_label),
        (TOP + H - BOTTOM) / 2.0,
        escape(y_label)
    );
    // The linear guide: slope 1 through the first series' first point.
    if let Some(&(gx, gy)) = series.first().and_then(|s| s.points.first()) {
        let end_x = 10f64.powf(x1);
        let end_y = gy * end_x / gx;
        let _ = writeln!(
            out,
            "<line x1=\"{:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"#888\" stroke-dasharray=\"4 4\"/>",
            px(gx),
            py(gy),
            px(end_x),
            py(end_y).max(TOP)
        );
    }
    for (i, s) in series.iter().enumerate() {
        let colour = COLOURS[i % COLOURS.len()];
        let path: Vec<String> = s
            .points
            .iter()
            .filter(|(x, y)| *x > 0.0 && *y > 0.0)
            .map(|(x, y)| format!("{:.1},{:.1}", px(*x), py(*y)))
            .collect();
        let _ = writeln!(
            out,
            "<polyline fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\" points=\"{}\"/>",
            path.join(" ")
        );
        for p in &path {
            let (x, y) = p.split_once(',').unwrap_or(("0", "0"));
            let _ = writeln!(out, "<circle cx=\"{x}\" cy=\"{y}\" r=\"3\" fill=\"{colour}\"/>");
        }
        let ly = TOP + 8.0 + 16.0 * i as f64;
        let _ = writeln!(
            out,
            "<line x1=\"{:.1}\" y1=\"{ly:.1}\" x2=\"{:.1}\" y2=\"{ly:.1}\" stroke=\"{colour}\" stroke-width=\"2\"/><text x=\"{:.1}\" y=\"{:.1}\">{}</text>",
            LEFT + 10.0,
            LEFT + 30.0,
            LEFT + 36.0,
            ly + 4.0,
            escape(&s.label)
        );
    }
    let ly = TOP + 8.0 + 16.0 * series.len() as f64;
    let _ = writeln!(
        out,
        "<line x1=\"{:.1}\" y1=\"{ly:.1}\" x2=\"{:.1}\" y2=\"{ly:.1}\" stroke=\"#888\" stroke-dasharray=\"4 4\"/><text x=\"{:.1}\" y=\"{:.1}\">linear growth</text>\n</svg>",
        LEFT + 10.0,
        LEFT + 30.0,
        LEFT + 36.0,
        ly + 4.0
    );
    out
}

fn power(d: i32) -> String {
    match d {
        0 => "1".into(),
        1 => "10".into(),
        2 => "100".into(),
        3 => "1k".into(),
        4 => "10k".into(),
        5 => "100k".into(),
        6 => "1M".into(),
        9 => "1G".into(),
        _ => format!("1e{d}"),
    }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// The slope of log(y) against log(x) between the first and last points:
/// 1 is linear, below 1 better than linear.
pub fn growth_exponent(points: &[(f64, f64)]) -> Option<f64> {
    let (&(xa, ya), &(xb, yb)) = (points.first()?, points.last()?);
    (xb > xa && ya > 0.0 && yb > 0.0).then(|| (yb / ya).ln() / (xb / xa).ln())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn linear_growth_has_exponent_one() {
        let e = growth_exponent(&[(1e4, 2.0), (1e5, 20.0), (1e6, 200.0)]).unwrap_or(0.0);
        assert!((e - 1.0).abs() < 1e-9, "{e}");
        assert!(growth_exponent(&[(1.0, 1.0)]).is_none());
        let chart = svg(
            "t",
            "x",
            "y",
            &[Series {
                label: "a<b".into(),
                points: vec![(1e4, 2.0), (1e6, 200.0)],
            }],
        );
        assert!(chart.starts_with("<svg") && chart.contains("a&lt;b") && chart.contains("polyline"));
    }
}
