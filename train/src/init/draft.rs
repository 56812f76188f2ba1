//! The drafted spec's columns, decided from the profile: type, role, categories, bounds,
//! missing markers, and the notes a person must check. No value seen on only one row is ever
//! kept: such a category is left out (`unlisted = "missing"` reads it as missing) and a bound
//! that would be one is widened.

use advisor_core::schema::{ColumnType, Role, MAX_CATEGORIES};

use crate::masking::{categorical_identifier, numeric_identifier};

use super::names;
use super::profile::{ColumnProfile, MISSING_MARKERS};

/// Share of a column's present cells that must be numbers for its few texts to be read as
/// missing markers.
const NUMBER_SHARE: f64 = 0.95;
/// At most this many distinct texts in a numeric column are read as missing markers.
const MAX_TEXT_MARKERS: usize = 5;
/// An opaque integer column with at most this many values may hold codes (a note).
const FEW_CODES: usize = 20;
/// One whose name reads like codes (`region_code`), with at most this many.
const MANY_CODES: usize = 64;
/// Share of rows a `-1` must hold, below every other value, to be read as "no value".
const SENTINEL_SHARE: f64 = 0.01;

/// One drafted column.
#[derive(Debug, Clone)]
pub struct ColumnDraft {
    pub name: String,
    /// The header text, when it is not the name (an empty header).
    pub header: Option<String>,
    pub kind: ColumnType,
    pub role: Role,
    /// Categories in order of frequency (binary: in their natural order).
    pub categories: Vec<String>,
    pub positive: Option<String>,
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub integer: bool,
    /// Cell texts read as missing (written only when more than the empty cell).
    pub missing: Vec<String>,
    pub unlisted_missing: bool,
    pub display: String,
    /// What a person must check (written as `# TODO` comments).
    pub notes: Vec<String>,
}

/// The draft of column `j` (`label`: whether it is the label).
pub fn column(c: &ColumnProfile, j: usize, label: bool) -> ColumnDraft {
    // A header's surrounding spaces stay in `header` (the file's text), out of the name the
    // form, the API and the reasons use.
    let name = match c.header.trim() {
        "" => format!("column_{}", j + 1),
        trimmed => trimmed.to_string(),
    };
    let mut d = ColumnDraft {
        header: (name != c.header).then(|| c.header.clone()),
        display: if names::is_opaque(&name) { name.clone() } else { names::display(&name) },
        name,
        kind: ColumnType::Numeric,
        role: Role::Feature,
        categories: vec![],
        positive: None,
        min: None,
        max: None,
        integer: false,
        missing: MISSING_MARKERS.iter().zip(c.markers).filter(|(_, n)| *n > 0).map(|(m, _)| m.to_string()).collect(),
        unlisted_missing: false,
        notes: vec![],
    };
    if label {
        label_column(c, &mut d);
    } else if c.present() == 0 {
        d.role = Role::Ignore;
        d.notes.push("every cell is empty or a missing marker".into());
    } else if numbers_with_markers(c, &mut d) {
        numeric_or_binary(c, &mut d);
    } else {
        categorical(c, &mut d);
    }
    if d.role == Role::Feature && c.is_constant() {
        // Typed as any other column, so that setting it back to a feature reads it; the type's
        // notes (its categories' texts) do not matter while it is ignored.
        d.role = Role::Ignore;
        d.notes = vec!["one value on every row: it tells the model nothing and the form would ask it of everyone; ignored".into()];
    }
    if d.role == Role::Feature && names::is_protected(&d.name) {
        d.role = Role::Protected;
        d.notes.push("marked protected from its name: never a model input, used for fairness reports only".into());
    }
    let opaque = names::is_opaque(&d.name);
    if opaque {
        d.notes.push("give the field a display text customers understand".into());
    }
    // A few whole values under a name that says nothing, or one that reads like codes.
    let few = if opaque { FEW_CODES } else { MANY_CODES };
    let coded = opaque || names::reads_like_codes(&d.name);
    if coded && d.role == Role::Feature && d.kind == ColumnType::Numeric && d.integer && c.distinct_numbers() <= few {
        d.notes.push(format!("{} whole values: if they are codes rather than amounts, make it `categorical`", c.distinct_numbers()));
    }
    d
}

/// Whether the column is numbers (all of them, or nearly all with a few texts, each on several
/// rows, then read as missing markers).
fn numbers_with_markers(c: &ColumnProfile, d: &mut ColumnDraft) -> bool {
    if c.texts_not_numbers == 0 {
        return c.numbers.n > 0;
    }
    let mostly = c.numbers.n as f64 >= NUMBER_SHARE * c.present() as f64;
    let texts: Vec<(&String, &u64)> = c.texts.iter().filter(|(t, _)| c.number(t).is_none()).collect();
    if !mostly || c.too_many_texts || texts.len() > MAX_TEXT_MARKERS || texts.iter().any(|(_, &n)| n < 2) {
        return false;
    }
    let mut markers: Vec<String> = texts.into_iter().map(|(t, _)| t.clone()).collect();
    markers.sort();
    d.notes.push(format!("{} read as missing: check they mean no value", markers.join(", ")));
    d.missing.extend(markers);
    true
}

fn numeric_or_binary(c: &ColumnProfile, d: &mut ColumnDraft) {
    let mut two: Vec<(&String, &u64)> = c.texts.iter().filter(|(t, _)| !d.missing.contains(t)).collect();
    if !c.too_many_texts && two.len() == 2 && two.iter().all(|(_, &n)| n >= 2) {
        two.sort_by(|a, b| c.number(a.0).unwrap_or(0.0).total_cmp(&c.number(b.0).unwrap_or(0.0)));
        d.kind = ColumnType::Binary;
        d.categories = two.into_iter().map(|(t, _)| t.clone()).collect();
        return;
    }
    d.integer = c.numbers.whole == c.numbers.n;
    if let Some(why) = numeric_identifier(&c.numbers, c.distinct_numbers()) {
        d.role = Role::Id;
        d.notes.push(format!("marked id: {why}"));
        return;
    }
    let (mut lo, mut lo_count) = (c.numbers.lo, c.lo_count);
    let sentinel = c.count("-1");
    if d.integer && lo == -1.0 && sentinel == lo_count && sentinel as f64 >= SENTINEL_SHARE * c.present() as f64 && c.numbers.hi > 0.0 {
        d.missing.push("-1".into());
        d.notes.push("-1 (below every other value, on many rows) read as missing: check it means no value".into());
        (lo, lo_count) = (0.0, 2); // whole numbers above -1; a bound of 0 is no row's own value
    }
    d.min = Some(lower_bound(lo, lo_count));
    d.max = Some(-lower_bound(-c.numbers.hi, c.hi_count));
}

/// A round bound at or below `lo` (its first digit, rounded down: 19 → 10, 250 → 200,
/// -3.5 → -4), moved further when it would be `lo` itself and `lo` is on one row only.
pub fn lower_bound(lo: f64, lo_count: u64) -> f64 {
    let b = round_down(lo);
    if b != lo || lo_count >= 2 {
        return b;
    }
    if b == 0.0 {
        return -1.0;
    }
    round_down(b - 10f64.powf(b.abs().log10().floor()))
}

fn round_down(x: f64) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    let unit = 10f64.powf(x.abs().log10().floor());
    let r = (x / unit).floor() * unit;
    // Keep decimal bounds short (0.30000000000000004 → 0.3); never above `x`.
    let short: f64 = format!("{r:.12}").parse().unwrap_or(r);
    if short <= x {
        short
    } else {
        r
    }
}

/// Share of a text column's rows whose value is on no other row past which its values are not
/// categories (free text, amounts written as text): it is ignored.
const MOSTLY_ONCE: f64 = 0.5;

/// A calendar date, optionally with a time: `2023-05-04`, `2023/5/4`, `04/05/2023`, `4.5.23`,
/// `2023-05-04 10:30` or `2023-05-04T10:30:00Z`.
fn is_date(t: &str) -> bool {
    let day = t.trim().split([' ', 'T']).next().unwrap_or("");
    let parts: Vec<&str> = day.split(['-', '/', '.']).collect();
    let digits = |p: &&str| !p.is_empty() && p.len() <= 4 && p.bytes().all(|b| b.is_ascii_digit());
    parts.len() == 3
        && parts.iter().all(digits)
        && parts.iter().any(|p| p.len() == 4 || p.len() == 2)
        && parts.iter().filter(|p| p.len() == 4).count() <= 1
}

/// What a text column's values are written with, when nearly all of them read as numbers once
/// a currency sign, commas or a percent sign is read past (`$2,100`, `56,9`, `13.5%`): numbers
/// a spreadsheet formatted, which `fit` reads as categories. Names the marks, not a value (a
/// draft never writes one row's value).
fn formatted_number(c: &ColumnProfile) -> Option<String> {
    const CURRENCY: [char; 5] = ['$', '€', '£', '¥', '￥'];
    let numeric = |t: &str| {
        let t = t.trim().trim_start_matches(CURRENCY).trim_end_matches(['%', '€']).trim();
        let plain: String = t.chars().filter(|&ch| ch != ',' && ch != ' ').collect();
        t.starts_with(|ch: char| ch.is_ascii_digit() || ch == '-') && plain.parse::<f64>().is_ok()
    };
    if c.share(numeric) < NUMBER_SHARE {
        return None;
    }
    let matched: Vec<&str> = c.texts.keys().map(String::as_str).filter(|t| numeric(t)).collect();
    let marks: Vec<&str> = [("a currency sign", CURRENCY.as_slice()), ("commas", &[',']), ("a percent sign", &['%'])]
        .into_iter()
        .filter(|(_, chars)| matched.iter().any(|t| t.contains(*chars)))
        .map(|(name, _)| name)
        .collect();
    Some(match marks[..] {
        [.., last] if marks.len() > 1 => format!("{} and {last}", marks[..marks.len() - 1].join(", ")),
        _ => marks.concat(),
    })
}

/// A text column: its categories (on two rows or more) in order of frequency.
fn categorical(c: &ColumnProfile, d: &mut ColumnDraft) {
    d.kind = ColumnType::Categorical;
    if c.too_many_texts {
        d.role = Role::Ignore;
        d.notes.push(format!("more than {} distinct values: free text or an identifier; ignored", c.texts.len()));
        return;
    }
    let mut cats: Vec<(&String, &u64)> = c.texts.iter().collect();
    cats.sort_by(|a, b| b.1.cmp(a.1).then_with(|| a.0.cmp(b.0)));
    let n = c.present() as usize;
    // Amounts written as text (`45,120`, `$2,100`) are distinct on most rows, as identifiers
    // are: they are told apart first, so that the note says how to make them numbers.
    let formatted = formatted_number(c);
    if let Some(marks) = &formatted {
        d.notes.push(format!(
            "its values are numbers written with {marks}: write them as plain numbers in the file (no currency sign, thousands separator or percent sign) to use them as numbers; as text they are categories"
        ));
    }
    if formatted.is_some() && cats.len() > FEW_CODES {
        d.role = Role::Ignore;
        d.notes.push(format!("{} different amounts are not categories; ignored until they are numbers", cats.len()));
        return;
    }
    if let Some(why) = categorical_identifier(n, cats.len(), cats.iter().map(|(t, _)| t.as_str())) {
        d.role = Role::Id;
        d.notes.push(format!("marked id: {why}"));
        return;
    }
    let once = cats.iter().filter(|(_, &k)| k < 2).count();
    if c.share(is_date) >= NUMBER_SHARE {
        d.role = Role::Ignore;
        d.notes.push("dates: not categories; ignored (derive what matters, such as months since the date, as a number column)".into());
        return;
    }
    if once as f64 > MOSTLY_ONCE * n as f64 {
        d.role = Role::Ignore;
        d.notes.push(format!("{once} of its {n} values are on one row only: too scattered to be categories; ignored"));
        return;
    }
    d.categories = cats.into_iter().filter(|(_, &k)| k >= 2).map(|(t, _)| t.clone()).collect();
    if d.categories.is_empty() || d.categories.len() > MAX_CATEGORIES {
        d.role = Role::Ignore;
        d.notes.push(format!("{} categories on two rows or more: ignored", d.categories.len()));
        d.categories.clear();
        return;
    }
    if once > 0 {
        d.unlisted_missing = true;
        d.notes.push(format!("{once} value(s) seen on one row only are not listed (read as missing)"));
    } else if d.categories.len() == 2 {
        d.kind = ColumnType::Binary;
    }
    d.notes.push("display texts for the categories (en, zh-CN); list ordered balances from lowest to highest".into());
}

/// AUC (alone) from which a numeric feature that stands above every other is flagged.
const LEAK_AUC: f64 = 0.75;
/// How far above the next feature's AUC it must stand to be ignored as a likely leak.
const LEAK_GAP: f64 = 0.15;
/// How far above the next it must stand for a note (it stays a feature).
const LEAK_NOTE_GAP: f64 = 0.05;

/// Flags the numeric feature that alone separates the label better than any other: a value
/// recorded after the outcome (a call's duration) leaks the label, and a model that learns it
/// scores well in every test and is worthless at decision time, without a sign. Far above the
/// next ([`LEAK_GAP`]) it is ignored, with a note; a strong feature known in time (a bureau
/// score) is set back by hand: the draft errs on the side that shows (a weaker model) rather
/// than the one that does not (a leak). Above the next by less ([`LEAK_NOTE_GAP`]) it stays a
/// feature, with a note.
pub fn flag_leaks(profiles: &[ColumnProfile], columns: &mut [ColumnDraft]) {
    let mut aucs: Vec<(f64, usize)> = columns
        .iter()
        .enumerate()
        .filter(|(_, c)| c.role == Role::Feature && c.kind == ColumnType::Numeric)
        .filter_map(|(j, _)| profiles[j].label_auc().map(|a| (a, j)))
        .collect();
    aucs.sort_by(|a, b| b.0.total_cmp(&a.0));
    let [(top, j), (next, _), ..] = aucs[..] else { return };
    if top >= LEAK_AUC && top - next >= LEAK_GAP {
        columns[j].role = Role::Ignore;
        columns[j].notes.push(format!(
            "ignored as a likely leak: alone this column separates the label far better than any other (AUC {top:.2}, the next {next:.2}), as a value recorded after the outcome does; if it is known before the decision, set role = \"feature\""
        ));
    } else if top >= LEAK_AUC && top - next >= LEAK_NOTE_GAP {
        columns[j].notes.push(format!(
            "the strongest column alone (AUC {top:.2}, the next {next:.2}): check it is known before the decision (a value recorded after the outcome leaks the label; then role = \"ignore\")"
        ));
    }
}

/// Ignores a feature whose cells are another column's on every row: a copy of the label would
/// leak it, a copy of a protected column would make it a model input, and a copy of another
/// column asks customers the same thing twice. Run before
/// [`flag_leaks`], which two copies of one leak would hide from each other.
pub fn flag_copies(profiles: &[ColumnProfile], columns: &mut [ColumnDraft]) {
    for j in 0..columns.len() {
        let original = |i: usize| columns[i].role == Role::Label || (i < j && columns[i].role != Role::Ignore);
        if columns[j].role != Role::Feature {
            continue;
        }
        let Some(i) = (0..columns.len()).find(|&i| i != j && original(i) && profiles[i].same_cells(&profiles[j])) else { continue };
        let name = &columns[i].name;
        let note = match columns[i].role {
            Role::Label => format!("the same cell as the label `{name}` on every row: it would leak the label; ignored"),
            Role::Protected => {
                format!("the same cell as the protected column `{name}` on every row: it would bring it into the model; ignored")
            }
            _ => format!("the same cell as `{name}` on every row: a copy, which the form would ask twice; ignored"),
        };
        columns[j].role = Role::Ignore;
        columns[j].notes.push(note);
    }
}

/// The label: binary, its two values and the positive one.
fn label_column(c: &ColumnProfile, d: &mut ColumnDraft) {
    d.role = Role::Label;
    d.kind = ColumnType::Binary;
    let mut two: Vec<(&String, &u64)> = c.texts.iter().collect();
    two.sort_by(|a, b| a.0.cmp(b.0));
    let values = [two[0].0.as_str(), two[1].0.as_str()];
    let p = names::positive(values, [*two[0].1, *two[1].1]);
    d.positive = Some(values[p].to_string());
    d.categories = values.iter().map(|v| v.to_string()).collect();
    d.notes.push("check `positive`: the value counted as the event (bad, default, subscribed)".into());
    let unlabelled: u64 = c.markers.iter().sum();
    if unlabelled > 0 {
        d.notes.push(format!(
            "{unlabelled} row(s) have no label (an empty cell or a missing marker): `fit` stops at the first; pass --drop-missing-label to leave them out"
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn column_of(cells: &[(&str, u64)]) -> ColumnProfile {
        let mut c = ColumnProfile::default();
        for &(t, n) in cells {
            c.texts.insert(t.to_string(), n);
        }
        c
    }

    #[test]
    fn dates_and_formatted_numbers_are_told_apart_from_categories() {
        for t in ["2023-05-04", "2023/5/4", "04/05/2023", "4.5.23", "2023-05-04 10:30", "2023-05-04T10:30:00Z"] {
            assert!(is_date(t), "{t}");
        }
        for t in ["A11", "1-2", "10-20 years", "12345-678-9", "1.5", "v1.2.3x"] {
            assert!(!is_date(t), "{t}");
        }
        let money = column_of(&[("$2,100", 3), ("$950", 2), ("$12,000.50", 2)]);
        assert_eq!(formatted_number(&money).as_deref(), Some("a currency sign and commas"));
        assert_eq!(formatted_number(&column_of(&[("56.9%", 4), ("7%", 2)])).as_deref(), Some("a percent sign"));
        assert_eq!(formatted_number(&column_of(&[("0,345", 4), ("-1,5", 2)])).as_deref(), Some("commas"));
        assert_eq!(formatted_number(&column_of(&[("A11", 4), ("A12", 2)])), None);
        assert_eq!(formatted_number(&column_of(&[("10+ years", 4), ("< 1 year", 2)])), None);
    }

    #[test]
    fn bounds_are_round_and_never_one_rows_value() {
        assert_eq!(lower_bound(19.0, 1), 10.0);
        assert_eq!(lower_bound(250.0, 3), 200.0);
        assert_eq!(lower_bound(200.0, 1), 100.0);
        assert_eq!(lower_bound(0.0, 5), 0.0);
        assert_eq!(lower_bound(0.0, 1), -1.0);
        assert_eq!(lower_bound(0.34, 1), 0.3);
        assert_eq!(-lower_bound(-18424.0, 1), 20000.0);
        assert_eq!(-lower_bound(-75.0, 1), 80.0);
        assert_eq!(-lower_bound(-80.0, 1), 90.0);
        assert_eq!(lower_bound(-3.5, 1), -4.0);
    }
}
