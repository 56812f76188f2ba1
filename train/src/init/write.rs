//! The drafted spec as TOML, in the layout of the hand-written specs, with `# TODO` comments.

use std::fmt::Write;

use advisor_core::schema::{ColumnType, Role};

use super::crosses::Proposal;
use super::draft::ColumnDraft;

/// A TOML string (quoted and escaped).
fn q(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// A TOML number: an integer when it is whole and exact, else a float.
fn num(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v:?}")
    }
}

fn kind(k: ColumnType) -> &'static str {
    match k {
        ColumnType::Numeric => "numeric",
        ColumnType::Categorical => "categorical",
        ColumnType::Binary => "binary",
    }
}

fn role(r: Role) -> &'static str {
    match r {
        Role::Feature => "feature",
        Role::Label => "label",
        Role::Id => "id",
        Role::Ignore => "ignore",
        Role::Protected => "protected",
    }
}

/// The whole spec: a header comment naming `source`, then every column.
pub fn spec(
    name: &str,
    source: &str,
    rows: u64,
    (delimiter, decimal): (u8, char),
    columns: &[ColumnDraft],
    crosses: &[Proposal],
    notes: &[String],
) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{} from {source} ({rows} rows). Format: docs/spec-format.md.", crate::spec_file::DRAFTED);
    let _ = writeln!(out, "# Check every TODO; add zh-CN texts, `actionable` and `direction` for what-if advice, and `group`s.");
    let _ = writeln!(out, "# Delete the first line once reviewed: a private fit (--dp-epsilon) refuses a spec drafted from the rows.");
    let _ = writeln!(out, "name = {}", q(name));
    let _ = writeln!(out, "# TODO: what the data is, and what the label's positive value means.");
    let _ = writeln!(out, "description = \"\"");
    for n in notes {
        let _ = writeln!(out, "# TODO: {n}");
    }
    if delimiter != b',' {
        let _ = writeln!(out, "delimiter = {}", q(&(delimiter as char).to_string()));
    }
    if decimal != '.' {
        let _ = writeln!(out, "# The file writes numbers with a decimal comma (1,5).");
        let _ = writeln!(out, "decimal = {}", q(&decimal.to_string()));
    }
    for c in columns {
        out.push('\n');
        column(&mut out, c);
    }
    for x in crosses {
        cross(&mut out, x, columns);
    }
    out
}

fn cross(out: &mut String, x: &Proposal, columns: &[ColumnDraft]) {
    let [a, b] = x.columns.map(|j| columns[j].name.as_str());
    let _ = writeln!(out, "\n# TODO: {a} × {b}: their pairs of values tell the label apart far better than the two columns added");
    // Far above what the columns say alone (an exclusive or), a percentage says nothing.
    let share =
        if x.share <= 10.0 { format!("{:.0}% of what the two say added", x.share * 100.0) } else { "where neither says much alone".into() };
    let df = if x.df == 1 { "1 degree".to_string() } else { format!("{} degrees", x.df) };
    let _ = writeln!(out, "# (G {:.0} on {df} of freedom, {share}): check the interaction makes", x.g);
    let _ = writeln!(out, "# sense (a calendar, a product and its channel), else delete the cross (docs/spec-format.md, Crosses).");
    let _ = writeln!(out, "[[crosses]]\ncolumns = [{}, {}]", q(a), q(b));
}

fn column(out: &mut String, c: &ColumnDraft) {
    let _ = writeln!(out, "[[columns]]");
    let _ = writeln!(out, "name = {}", q(&c.name));
    if let Some(h) = &c.header {
        let _ = writeln!(out, "header = {}", q(h));
    }
    let _ = writeln!(out, "type = \"{}\"", kind(c.kind));
    let _ = writeln!(out, "role = \"{}\"", role(c.role));
    for note in &c.notes {
        let _ = writeln!(out, "# TODO: {note}");
    }
    let _ = writeln!(out, "display = {{ en = {} }}", q(&c.display));
    if let Some(p) = &c.positive {
        let _ = writeln!(out, "positive = {}", q(p));
    }
    for (key, v) in [("min", c.min), ("max", c.max)] {
        if let Some(v) = v {
            let _ = writeln!(out, "{key} = {}", num(v));
        }
    }
    if c.integer {
        let _ = writeln!(out, "integer = true");
    }
    if c.missing.iter().any(|m| !m.is_empty()) {
        let mut missing = vec![String::new()];
        missing.extend(c.missing.iter().filter(|m| !m.is_empty()).cloned());
        let list: Vec<String> = missing.iter().map(|m| q(m)).collect();
        let _ = writeln!(out, "missing = [{}]", list.join(", "));
    }
    if c.unlisted_missing {
        let _ = writeln!(out, "unlisted = \"missing\"");
    }
    for v in &c.categories {
        let _ = writeln!(out, "[[columns.categories]]\nvalue = {}", q(v));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cross_says_why_in_words_that_fit_its_figures() {
        let col = |name: &str| {
            let mut c = super::super::profile::ColumnProfile::default();
            c.header = name.into();
            super::super::draft::column(&c, 0, false)
        };
        let columns = [col("a"), col("b")];
        let text = |share: f64, df: usize| {
            let mut out = String::new();
            cross(&mut out, &Proposal { columns: [0, 1], g: 2027.0, df, share, gain: 1.0 }, &columns);
            out
        };
        assert!(text(0.72, 133).contains("(G 2027 on 133 degrees of freedom, 72% of what the two say added)"));
        for share in [f64::INFINITY, 1224.0] {
            assert!(text(share, 1).contains("(G 2027 on 1 degree of freedom, where neither says much alone)"), "{}", text(share, 1));
        }
        assert!(text(0.5, 1).contains("columns = [\"a\", \"b\"]"));
    }

    #[test]
    fn numbers_and_strings_are_valid_toml() {
        assert_eq!((num(20000.0), num(0.3), num(-1.0), num(1e21)), ("20000".into(), "0.3".into(), "-1".into(), "1e21".into()));
        for s in ["a \"b\"\\", "it's", "line\nbreak", "中文"] {
            let back: toml::Table = toml::from_str(&format!("k = {}", q(s))).unwrap();
            assert_eq!(back["k"].as_str(), Some(s));
        }
    }
}
