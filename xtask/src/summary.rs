//! The one table `cargo xtask bench` ends with: each figure a step measured, beside its target
//! and whether it was met. The steps print their own detail as they go; this gathers the
//! verdicts so that nobody has to read a page of output to know where the product stands.

use std::sync::Mutex;

/// Whether a figure met its target.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Verdict {
    Met,
    Missed,
    /// Reported without a target.
    Info,
}

struct Row {
    area: &'static str,
    what: String,
    figure: String,
    target: String,
    verdict: Verdict,
}

static ROWS: Mutex<Vec<Row>> = Mutex::new(Vec::new());

/// One figure. `met` is `None` for a figure reported without a target.
pub fn add(
    area: &'static str,
    what: impl Into<String>,
    figure: impl Into<String>,
    target: impl Into<String>,
    met: Option<bool>,
) {
    let verdict = match met {
        Some(true) => Verdict::Met,
        Some(false) => Verdict::Missed,
        None => Verdict::Info,
    };
    let row = Row {
        area,
        what: what.into(),
        figure: figure.into(),
        target: target.into(),
        verdict,
    };
    ROWS.lock().unwrap_or_else(|p| p.into_inner()).push(row);
}

/// A step that did not get as far as its figures.
pub fn failed(area: &'static str, error: &str) {
    let first = error.lines().next().unwrap_or_default();
    add(
        area,
        "(the step)",
        format!("failed: {first}"),
        "runs to the end",
        Some(false),
    );
}

/// How many figures missed their targets.
pub fn missed() -> usize {
    let rows = ROWS.lock().unwrap_or_else(|p| p.into_inner());
    rows.iter().filter(|r| r.verdict == Verdict::Missed).count()
}

/// The table, in the order the figures came in (Markdown, so it can be pasted into
/// `docs/measurements.md`).
pub fn table() -> String {
    let rows = ROWS.lock().unwrap_or_else(|p| p.into_inner());
    let cell = |s: &str| s.replace('|', "\\|");
    let mut out =
        String::from("| area | what | measured | target | verdict |\n|---|---|---|---|---|\n");
    for r in rows.iter() {
        let verdict = match r.verdict {
            Verdict::Met => "met",
            Verdict::Missed => "**MISSED**",
            Verdict::Info => "",
        };
        out.push_str(&format!(
            "| {} | {} | {} | {} | {verdict} |\n",
            r.area,
            cell(&r.what),
            cell(&r.figure),
            cell(&r.target)
        ));
    }
    let missed = rows.iter().filter(|r| r.verdict == Verdict::Missed).count();
    let met = rows.iter().filter(|r| r.verdict == Verdict::Met).count();
    out.push_str(&format!(
        "\n{met} targets met, {missed} missed, {} figures reported without a target\n",
        rows.len() - met - missed
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_says_what_missed() {
        add("test", "a | b", "3 ms", "<= 2 ms", Some(false));
        add("test", "c", "1", "", None);
        let t = table();
        assert!(
            t.contains("| test | a \\| b | 3 ms | <= 2 ms | **MISSED** |"),
            "{t}"
        );
        assert!(missed() >= 1);
    }
}
