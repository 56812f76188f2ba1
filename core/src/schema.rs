//! Dataset specs: what each column is, what role it plays, and how it is shown.
//!
//! A spec is written by people (TOML in `specs/`, or JSON inside a bundle), deserialised into
//! [`SpecParams`] and checked once into a [`Spec`]; everything downstream takes a `Spec`.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result, SpecPlace};

use crate::lang::{ByLang, Lang};

/// A display text in the languages the advisor ships (`{ en = …, "zh-CN" = … }`). Any of them
/// may be left out: a missing language falls back to English, and a missing English text to
/// what the caller shows instead (the column name, the category value).
pub type Text = ByLang<String>;

/// How a column's values are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ColumnType {
    /// A number; missing where the cell is one of the spec's `missing` tokens.
    Numeric,
    /// One of the listed `categories`.
    Categorical,
    /// One of exactly two listed `categories`.
    Binary,
}

/// What a column is used for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// A model input.
    Feature,
    /// The target; needs `positive`.
    Label,
    /// A row identifier, carried through batch scoring.
    Id,
    /// Read and checked, never used.
    Ignore,
    /// A sensitive attribute: never a model input, used only for fairness reports.
    Protected,
}

/// Which way an actionable feature can realistically be moved by the applicant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    Increase,
    Decrease,
    Any,
}

/// How the risk may move as a numeric feature grows, for models that can promise it (the
/// trainer's trees hold to it; a network cannot, so `fit --model auto` then trains trees only).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Monotone {
    /// A larger value never lowers the risk (e.g. more days past due).
    Increasing,
    /// A larger value never raises the risk (e.g. a higher income).
    Decreasing,
}

impl Monotone {
    /// +1 or −1: the sign of the risk's slope.
    pub fn sign(self) -> i8 {
        match self {
            Monotone::Increasing => 1,
            Monotone::Decreasing => -1,
        }
    }
}

/// One category of a categorical or binary column.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Category {
    /// The value as it appears in the data.
    pub value: String,
    /// What a person sees.
    #[serde(default)]
    pub display: Text,
    /// Whether advice may suggest moving to this value (`false` for "no account", "unknown",
    /// "none": a customer is never told to close an account or hide information). Reason codes
    /// do not measure against it either.
    #[serde(default = "yes", skip_serializing_if = "is_yes")]
    pub advice: bool,
}

fn yes() -> bool {
    true
}

fn is_yes(v: &bool) -> bool {
    *v
}

/// One column of a dataset, as written in a spec file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ColumnSpec {
    /// The field name used by the API and the model.
    pub name: String,
    /// The header text in the CSV, when it differs from `name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub header: Option<String>,
    #[serde(rename = "type")]
    pub kind: ColumnType,
    pub role: Role,
    #[serde(default)]
    pub display: Text,
    /// A short help text shown next to the form field.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hint: Option<Text>,
    /// A form section the field belongs to (e.g. "finances").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// Whether an applicant can change this (used by what-if advice).
    #[serde(default)]
    pub actionable: bool,
    /// Which way an actionable field can move.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub direction: Option<Direction>,
    /// How the risk may move with the value (numeric features; see [`Monotone`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub monotone: Option<Monotone>,
    /// Smallest allowed value (numeric).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    /// Largest allowed value (numeric).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
    /// Whether the value is a whole number (numeric).
    #[serde(default)]
    pub integer: bool,
    /// Unit shown after the value (numeric): a text, or one per language.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "text_or_string")]
    pub unit: Option<Text>,
    /// The allowed values (categorical, binary, label).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub categories: Vec<Category>,
    /// The label value that counts as positive (bad / default / subscribed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub positive: Option<String>,
    /// Cell texts that mean "missing" in the data (default: the empty cell).
    #[serde(default = "default_missing")]
    pub missing: Vec<String>,
    /// Whether an applicant must give a value (no missing allowed when scoring).
    #[serde(default)]
    pub required: bool,
    /// What a data file's value that `categories` does not list means (categorical features
    /// and protected columns): an error (the default), or a missing value.
    #[serde(default, skip_serializing_if = "Unlisted::is_error")]
    pub unlisted: Unlisted,
}

/// What an unlisted category value in a data file means (see [`ColumnSpec::unlisted`]). Only
/// data files: an applicant's unlisted value is always an error.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Unlisted {
    #[default]
    Error,
    Missing,
}

impl Unlisted {
    fn is_error(&self) -> bool {
        *self == Unlisted::Error
    }
}

/// Reads `"months"` (same in every language) or `{ en = "months", "zh-CN" = "个月" }`, keeping
/// the deserialiser's own error (and so its line and column) for anything else.
fn text_or_string<'de, D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Option<Text>, D::Error> {
    struct TextVisitor;
    impl<'de> serde::de::Visitor<'de> for TextVisitor {
        type Value = Option<Text>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            write!(f, "a text, or a table of texts by language ({})", Lang::codes())
        }
        fn visit_str<E: serde::de::Error>(self, v: &str) -> std::result::Result<Self::Value, E> {
            Ok(Some(Text::same(v)))
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> std::result::Result<Self::Value, A::Error> {
            Text::deserialize(serde::de::value::MapAccessDeserializer::new(map)).map(Some)
        }
        fn visit_none<E: serde::de::Error>(self) -> std::result::Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D2: serde::Deserializer<'de>>(self, d: D2) -> std::result::Result<Self::Value, D2::Error> {
            d.deserialize_any(TextVisitor)
        }
        fn visit_unit<E: serde::de::Error>(self) -> std::result::Result<Self::Value, E> {
            Ok(None)
        }
    }
    d.deserialize_option(TextVisitor)
}

fn default_missing() -> Vec<String> {
    vec![String::new()]
}

/// A dataset spec as written by people; check it with [`SpecParams::check`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SpecParams {
    /// Short identifier, e.g. `german_credit`.
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// CSV field delimiter (default `,`).
    #[serde(default = "default_delimiter")]
    pub delimiter: char,
    /// The data file's decimal mark: `.` (the default) or `,` (as spreadsheets write numbers in
    /// much of Europe: `1,5`; the delimiter is then not `,`). Only the training file's cells are
    /// read with it; bounds in the spec and applicants' numbers are plain numbers.
    #[serde(default = "default_decimal", skip_serializing_if = "is_point")]
    pub decimal: char,
    pub columns: Vec<ColumnSpec>,
    /// Feature interactions: each pair of feature columns gets a one-hot over the value pairs
    /// seen in training (see [`crate::preprocess::Cross`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub crosses: Vec<CrossSpec>,
}

/// Two feature columns crossed: categorical, binary or `integer` numeric ones.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CrossSpec {
    pub columns: [String; 2],
}

/// Largest number of crosses a spec may declare.
pub const MAX_CROSSES: usize = 64;

fn default_delimiter() -> char {
    ','
}

fn default_decimal() -> char {
    '.'
}

/// A data file's number cell written with the decimal mark `decimal`, as a plain number's text:
/// with `,` the comma becomes a point (`1,5` → `1.5`), and a point is an error (it would be a
/// thousands separator, `1.234,5`, or a number from a file written the other way).
pub fn plain_number(decimal: char, cell: &str) -> std::result::Result<std::borrow::Cow<'_, str>, String> {
    if decimal != ',' {
        return Ok(cell.into());
    }
    if cell.contains('.') {
        return Err(format!("{cell:?} has a point, where this file's decimal mark is a comma (the spec's `decimal`): write numbers without thousands separators"));
    }
    Ok(if cell.contains(',') { cell.replacen(',', ".", 1).into() } else { cell.into() })
}

fn is_point(c: &char) -> bool {
    *c == '.'
}

/// Largest number of columns and categories a spec may declare (guards allocation on load).
pub const MAX_COLUMNS: usize = 4096;
/// Largest number of categories one column may declare.
pub const MAX_CATEGORIES: usize = 4096;

impl SpecParams {
    /// Checks the spec once; everything downstream takes the checked [`Spec`]. An error names
    /// the column (by position and key) or the cross it is about ([`SpecPlace`]), so that a
    /// reader of the file can point at its line.
    pub fn check(self) -> Result<Spec> {
        let p = &self;
        let whole = |msg: String| Error::SpecAt { place: SpecPlace::Whole, msg: format!("{}: {msg}", p.name) };
        if p.name.trim().is_empty() {
            return Err(Error::SpecAt { place: SpecPlace::Whole, msg: "the spec has no name".into() });
        }
        if p.columns.is_empty() || p.columns.len() > MAX_COLUMNS {
            return Err(whole(format!("needs 1..={MAX_COLUMNS} columns, has {}", p.columns.len())));
        }
        if !p.delimiter.is_ascii() || p.delimiter == '"' || p.delimiter == '\n' {
            return Err(whole(format!("delimiter {:?} is not a single ASCII separator", p.delimiter)));
        }
        if !matches!(p.decimal, '.' | ',') || p.decimal == p.delimiter {
            return Err(whole(format!("decimal {:?} must be \".\" or \",\", and not the delimiter", p.decimal)));
        }
        let mut seen = std::collections::HashSet::new();
        for (index, c) in p.columns.iter().enumerate() {
            let at = |key: &'static str, msg: String| Error::SpecAt { place: SpecPlace::Column { index, key: Some(key) }, msg };
            if c.name.trim().is_empty() {
                return Err(at("name", "a column has an empty name".into()));
            }
            if !seen.insert(c.name.as_str()) {
                return Err(at("name", format!("column `{}` is declared twice", c.name)));
            }
            c.check().map_err(|(key, msg)| at(key, format!("column `{}`: {msg}", c.name)))?;
        }
        self.check_label().map_err(|(index, key, msg)| Error::SpecAt { place: SpecPlace::Column { index, key }, msg })?;
        if !p.columns.iter().any(|c| c.role == Role::Feature) {
            return Err(whole("has no feature column".into()));
        }
        if p.crosses.len() > MAX_CROSSES {
            return Err(whole(format!("declares {} crosses, at most {MAX_CROSSES}", p.crosses.len())));
        }
        for index in 0..p.crosses.len() {
            self.check_cross(index).map_err(|msg| Error::SpecAt { place: SpecPlace::Cross { index }, msg })?;
        }
        Ok(Spec { params: self })
    }

    /// Exactly one label, with a `positive` value among its categories.
    fn check_label(&self) -> std::result::Result<(), (usize, Option<&'static str>, String)> {
        let labels: Vec<usize> = (0..self.columns.len()).filter(|&i| self.columns[i].role == Role::Label).collect();
        let &[index] = labels.as_slice() else {
            let at = labels.get(1).copied().unwrap_or(0);
            return Err((at, Some("role"), format!("{}: needs exactly one label column, has {}", self.name, labels.len())));
        };
        let label = &self.columns[index];
        let Some(pos) = &label.positive else {
            return Err((index, None, format!("label `{}` needs `positive`", label.name)));
        };
        if !label.categories.is_empty() && !label.categories.iter().any(|c| &c.value == pos) {
            return Err((index, Some("positive"), format!("label `{}`: positive value {pos:?} is not among its categories", label.name)));
        }
        Ok(())
    }

    /// Cross `i`: two different feature columns, categorical or integer, not repeated.
    fn check_cross(&self, i: usize) -> std::result::Result<(), String> {
        let x = &self.crosses[i];
        let [a, b] = &x.columns;
        let what = format!("cross {} ({a} × {b})", i + 1);
        let repeated = self.crosses[..i].iter().any(|y| y.columns == x.columns || (&y.columns[0], &y.columns[1]) == (b, a));
        if a == b || repeated {
            return Err(format!("{what} crosses a column with itself or repeats a cross"));
        }
        for name in [a, b] {
            match self.columns.iter().find(|c| &c.name == name) {
                None => return Err(format!("{what}: no column `{name}`")),
                Some(c) if c.role != Role::Feature => return Err(format!("{what}: `{name}` is not a feature")),
                Some(c) if c.kind == ColumnType::Numeric && !c.integer => {
                    return Err(format!("{what}: `{name}` is numeric without `integer = true`"))
                }
                Some(_) => {}
            }
        }
        Ok(())
    }
}

impl ColumnSpec {
    /// One column on its own: categories fit the type, bounds are finite and ordered, and
    /// `positive` / `actionable` sit on the roles that have them. The error names the key. An
    /// `id` or `ignore` column's values are never read as values, so its categories may be
    /// left out (a column of names or free text has none worth listing).
    fn check(&self) -> std::result::Result<(), (&'static str, String)> {
        let has_cats = !self.categories.is_empty();
        let unread = matches!(self.role, Role::Id | Role::Ignore);
        match self.kind {
            ColumnType::Numeric if has_cats && self.role != Role::Label => {
                return Err(("categories", "a numeric column lists categories".into()))
            }
            ColumnType::Categorical | ColumnType::Binary if !has_cats && !unread => return Err(("type", "needs `categories`".into())),
            ColumnType::Binary if has_cats && self.categories.len() != 2 => {
                return Err(("categories", "a binary column needs exactly 2 categories".into()))
            }
            _ => {}
        }
        if self.categories.len() > MAX_CATEGORIES {
            return Err(("categories", format!("lists more than {MAX_CATEGORIES} categories")));
        }
        let mut cats = std::collections::HashSet::new();
        if let Some(cat) = self.categories.iter().find(|cat| !cats.insert(cat.value.as_str())) {
            return Err(("categories", format!("lists category {:?} twice", cat.value)));
        }
        for (key, bound) in [("min", self.min), ("max", self.max)] {
            if bound.is_some_and(|v| !v.is_finite()) {
                return Err((key, "a bound is not finite".into()));
            }
        }
        if let (Some(lo), Some(hi)) = (self.min, self.max) {
            if lo > hi {
                return Err(("max", format!("min {lo} > max {hi}")));
            }
        }
        if self.unlisted == Unlisted::Missing && (self.kind != ColumnType::Categorical || self.role == Role::Label) {
            return Err(("unlisted", "only a categorical column that is not the label can read unlisted values as missing".into()));
        }
        if self.positive.is_some() && self.role != Role::Label {
            return Err(("positive", "only the label has `positive`".into()));
        }
        if self.actionable && self.role != Role::Feature {
            return Err(("actionable", "actionable but not a feature".into()));
        }
        if self.monotone.is_some() && (!matches!(self.role, Role::Feature | Role::Ignore) || self.kind != ColumnType::Numeric) {
            return Err(("monotone", "only a numeric feature can be monotone".into()));
        }
        // (An ignored column keeps its marks: `fit --features` ignores the spec's other features.)
        if self.categories.iter().any(|c| !c.advice) && !self.actionable && self.role != Role::Ignore {
            return Err(("categories", "`advice = false` is for the categories of actionable features".into()));
        }
        if self.actionable && !self.categories.is_empty() && self.categories.iter().all(|c| !c.advice) {
            return Err(("categories", "every category has `advice = false`: make the field not actionable instead".into()));
        }
        Ok(())
    }
}

impl SpecParams {
    /// The model inputs, in the order the model takes them.
    pub fn features(&self) -> impl Iterator<Item = &ColumnSpec> + Clone {
        self.columns.iter().filter(|c| c.role == Role::Feature)
    }

    /// The same spec with only `names` as features: every other feature becomes `ignore` (and
    /// not actionable), and crosses over an ignored column are dropped — for a model over the
    /// fields another form shares (e.g. a propensity model beside a credit model).
    pub fn keep_features(&self, names: &[String]) -> Result<SpecParams> {
        if names.is_empty() {
            return Err(Error::Spec(format!("{}: keep at least one feature", self.name)));
        }
        if let Some(n) = names.iter().find(|n| !self.columns.iter().any(|c| &c.name == *n && c.role == Role::Feature)) {
            return Err(Error::Spec(format!("{}: `{n}` is not a feature column", self.name)));
        }
        let mut p = self.clone();
        for c in p.columns.iter_mut().filter(|c| c.role == Role::Feature && !names.contains(&c.name)) {
            c.role = Role::Ignore;
            c.actionable = false;
        }
        p.crosses.retain(|x| x.columns.iter().all(|c| names.contains(c)));
        Ok(p)
    }
}

/// A checked dataset spec.
#[derive(Debug, Clone, PartialEq)]
pub struct Spec {
    params: SpecParams,
}

impl Spec {
    /// The spec as written.
    pub fn params(&self) -> &SpecParams {
        &self.params
    }
    /// The spec's name.
    pub fn name(&self) -> &str {
        &self.params.name
    }
    /// All columns in file order.
    pub fn columns(&self) -> &[ColumnSpec] {
        &self.params.columns
    }
    /// The model inputs, in the order the model takes them.
    pub fn features(&self) -> impl Iterator<Item = &ColumnSpec> + Clone {
        self.params.features()
    }
    /// The number of model inputs.
    pub fn n_features(&self) -> usize {
        self.features().count()
    }
    /// The label column.
    pub fn label(&self) -> &ColumnSpec {
        self.params.columns.iter().find(|c| c.role == Role::Label).expect("checked: one label")
    }
    /// The crosses as pairs of feature indices (positions among [`Spec::features`]).
    pub fn crosses(&self) -> Vec<[usize; 2]> {
        let index = |name: &str| self.features().position(|c| c.name == name).expect("checked: a feature");
        self.params.crosses.iter().map(|x| [index(&x.columns[0]), index(&x.columns[1])]).collect()
    }
    /// The protected columns (never model inputs).
    pub fn protected(&self) -> impl Iterator<Item = &ColumnSpec> {
        self.params.columns.iter().filter(|c| c.role == Role::Protected)
    }
}

impl ColumnSpec {
    /// The header text this column has in a CSV file.
    pub fn header(&self) -> &str {
        self.header.as_deref().unwrap_or(&self.name)
    }
    /// The display name in `lang`, or the field name when the spec gives none.
    pub fn label(&self, lang: Lang) -> &str {
        let l = self.display.get(lang);
        if l.is_empty() {
            &self.name
        } else {
            l
        }
    }
    /// Whether the column is categorical or binary.
    pub fn is_categorical(&self) -> bool {
        matches!(self.kind, ColumnType::Categorical | ColumnType::Binary)
    }
    /// Whether advice may suggest category `code` (a category not marked `advice = false`).
    pub fn advisable(&self, code: f32) -> bool {
        code >= 0.0 && self.categories.get(code as usize).is_some_and(|c| c.advice)
    }
    /// The code (index into `categories`) of a category value.
    pub fn category_code(&self, value: &str) -> Option<usize> {
        self.categories.iter().position(|c| c.value == value)
    }
    /// Whether a cell text means "missing" for this column.
    pub fn is_missing_token(&self, cell: &str) -> bool {
        self.missing.iter().any(|m| m == cell)
    }
    /// Reads one cell into the model's raw encoding: the number, the category code, or NaN
    /// for missing. Errors name the column.
    pub fn parse_cell(&self, cell: &str) -> Result<f32> {
        if self.is_missing_token(cell) {
            return Ok(f32::NAN);
        }
        if self.is_categorical() {
            return match self.category_code(cell) {
                Some(c) => Ok(c as f32),
                None if self.unlisted == Unlisted::Missing => Ok(f32::NAN),
                None => Err(self.unknown_category(cell)),
            };
        }
        let v: f64 = cell.trim().parse().map_err(|_| Error::WrongType {
            field: self.name.clone(),
            expected: "a number",
            got: format!("{cell:?}"),
        })?;
        self.check_number(v)
    }
    /// Checks a number against the column's bounds and returns it as the model reads it.
    pub fn check_number(&self, v: f64) -> Result<f32> {
        if !v.is_finite() {
            return Err(Error::NotFinite { field: self.name.clone(), value: v.to_string() });
        }
        // The model reads f32: a bound beyond its range is the range.
        let limit = f32::MAX as f64;
        let (lo, hi) = (self.min.unwrap_or(-limit).max(-limit), self.max.unwrap_or(limit).min(limit));
        if v < lo || v > hi {
            return Err(Error::OutOfRange { field: self.name.clone(), value: v, min: lo, max: hi });
        }
        Ok(v as f32)
    }
    /// The error for a category value the spec does not list.
    pub fn unknown_category(&self, value: &str) -> Error {
        let mut allowed: Vec<&str> = self.categories.iter().take(12).map(|c| c.value.as_str()).collect();
        if self.categories.len() > 12 {
            allowed.push("…");
        }
        let shown: String = value.chars().take(64).collect();
        Error::UnknownCategory { field: self.name.clone(), value: shown, allowed: allowed.join(", ") }
    }
}

/// Reading a spec from a bundle's manifest ([`crate::json`]): the same fields, defaults and
/// names as the serde reading of spec files (TOML) above; `tests/tests/bundle.rs` reads every
/// shipped spec both ways.
mod from_json {
    use super::*;
    use crate::json::{variant, Fields, FromJson, Json, JsonResult};

    impl FromJson for ColumnType {
        fn from_json(v: &Json, at: &str) -> JsonResult<Self> {
            variant(v, at, &[("numeric", Self::Numeric), ("categorical", Self::Categorical), ("binary", Self::Binary)])
        }
    }

    impl FromJson for Role {
        fn from_json(v: &Json, at: &str) -> JsonResult<Self> {
            let names = [
                ("feature", Self::Feature),
                ("label", Self::Label),
                ("id", Self::Id),
                ("ignore", Self::Ignore),
                ("protected", Self::Protected),
            ];
            variant(v, at, &names)
        }
    }

    impl FromJson for Direction {
        fn from_json(v: &Json, at: &str) -> JsonResult<Self> {
            variant(v, at, &[("increase", Self::Increase), ("decrease", Self::Decrease), ("any", Self::Any)])
        }
    }

    impl FromJson for Monotone {
        fn from_json(v: &Json, at: &str) -> JsonResult<Self> {
            variant(v, at, &[("increasing", Self::Increasing), ("decreasing", Self::Decreasing)])
        }
    }

    impl FromJson for Unlisted {
        fn from_json(v: &Json, at: &str) -> JsonResult<Self> {
            variant(v, at, &[("error", Self::Error), ("missing", Self::Missing)])
        }
    }

    impl FromJson for Category {
        fn from_json(v: &Json, at: &str) -> JsonResult<Self> {
            let mut f = Fields::of(v, at)?;
            let c = Category { value: f.req("value")?, display: f.or_default("display")?, advice: f.opt("advice")?.unwrap_or_else(yes) };
            f.deny_unknown()?;
            Ok(c)
        }
    }

    /// A unit: `"months"` (every language) or `{"en": "months", "zh-CN": "个月"}`.
    fn unit(f: &mut Fields, key: &str) -> JsonResult<Option<Text>> {
        match f.opt::<Json>(key)? {
            Some(Json::Str(s)) => Ok(Some(Text::same(&s))),
            Some(t) => Text::from_json(&t, &f.path(key)).map(Some),
            None => Ok(None),
        }
    }

    impl FromJson for ColumnSpec {
        fn from_json(v: &Json, at: &str) -> JsonResult<Self> {
            let mut f = Fields::of(v, at)?;
            let c = ColumnSpec {
                name: f.req("name")?,
                header: f.opt("header")?,
                kind: f.req("type")?,
                role: f.req("role")?,
                display: f.or_default("display")?,
                hint: f.opt("hint")?,
                group: f.opt("group")?,
                actionable: f.or_default("actionable")?,
                direction: f.opt("direction")?,
                monotone: f.opt("monotone")?,
                min: f.opt("min")?,
                max: f.opt("max")?,
                integer: f.or_default("integer")?,
                unit: unit(&mut f, "unit")?,
                categories: f.or_default("categories")?,
                positive: f.opt("positive")?,
                missing: f.opt("missing")?.unwrap_or_else(default_missing),
                required: f.or_default("required")?,
                unlisted: f.opt("unlisted")?.unwrap_or_default(),
            };
            f.deny_unknown()?;
            Ok(c)
        }
    }

    impl FromJson for CrossSpec {
        fn from_json(v: &Json, at: &str) -> JsonResult<Self> {
            let mut f = Fields::of(v, at)?;
            let c = CrossSpec { columns: f.req("columns")? };
            f.deny_unknown()?;
            Ok(c)
        }
    }

    impl FromJson for SpecParams {
        fn from_json(v: &Json, at: &str) -> JsonResult<Self> {
            let mut f = Fields::of(v, at)?;
            let p = SpecParams {
                name: f.req("name")?,
                description: f.or_default("description")?,
                delimiter: f.opt("delimiter")?.unwrap_or_else(default_delimiter),
                decimal: f.opt("decimal")?.unwrap_or_else(default_decimal),
                columns: f.req("columns")?,
                crosses: f.or_default("crosses")?,
            };
            f.deny_unknown()?;
            Ok(p)
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A column with every optional setting at its default.
    pub(crate) fn col(name: &str, kind: ColumnType, role: Role) -> ColumnSpec {
        ColumnSpec {
            name: name.into(),
            header: None,
            kind,
            role,
            display: Text::default(),
            hint: None,
            group: None,
            actionable: false,
            direction: None,
            monotone: None,
            min: None,
            max: None,
            integer: false,
            unit: None,
            categories: vec![],
            positive: None,
            missing: default_missing(),
            required: false,
            unlisted: Unlisted::Error,
        }
    }

    pub(crate) fn cats(values: &[&str]) -> Vec<Category> {
        values.iter().map(|v| Category { value: v.to_string(), display: Text::default(), advice: true }).collect()
    }

    fn spec() -> SpecParams {
        let mut label = col("y", ColumnType::Binary, Role::Label);
        label.categories = cats(&["0", "1"]);
        label.positive = Some("1".into());
        let mut c = col("colour", ColumnType::Categorical, Role::Feature);
        c.categories = cats(&["red", "blue"]);
        let mut a = col("age", ColumnType::Numeric, Role::Feature);
        a.min = Some(18.0);
        a.max = Some(120.0);
        SpecParams {
            name: "t".into(),
            description: String::new(),
            delimiter: ',',
            decimal: '.',
            columns: vec![a, c, label],
            crosses: vec![],
        }
    }

    #[test]
    fn advice_marks_are_checked() {
        let mut p = spec();
        p.columns[1].categories[1].advice = false;
        let e = p.clone().check().unwrap_err().to_string();
        assert!(e.contains("for the categories of actionable features"), "{e}");
        p.columns[1].actionable = true;
        let s = p.clone().check().unwrap();
        assert!(s.columns()[1].advisable(0.0) && !s.columns()[1].advisable(1.0) && !s.columns()[1].advisable(f32::NAN));
        p.columns[1].categories[0].advice = false;
        assert!(p.check().unwrap_err().to_string().contains("make the field not actionable"));
    }

    #[test]
    fn keep_features_ignores_the_rest() {
        let mut p = spec();
        p.columns[0].integer = true;
        p.columns[0].actionable = true;
        p.crosses = vec![CrossSpec { columns: ["colour".into(), "age".into()] }];
        let kept = p.keep_features(&["colour".into()]).unwrap().check().unwrap();
        assert_eq!(kept.features().map(|c| c.name.as_str()).collect::<Vec<_>>(), ["colour"]);
        assert!(kept.crosses().is_empty() && !kept.params().columns[0].actionable);
        for (names, needle) in
            [(vec![], "at least one"), (vec!["y".to_string()], "`y` is not a feature"), (vec!["size".to_string()], "`size`")]
        {
            let e = p.keep_features(&names).unwrap_err().to_string();
            assert!(e.contains(needle), "{e}");
        }
    }

    #[test]
    fn crosses_are_checked_by_name_role_and_kind() {
        let cross = |a: &str, b: &str| CrossSpec { columns: [a.into(), b.into()] };
        let with = |xs: Vec<CrossSpec>, integer: bool| {
            let mut p = spec();
            p.columns[0].integer = integer;
            p.crosses = xs;
            p.check()
        };
        let s = with(vec![cross("colour", "age")], true).unwrap();
        assert_eq!(s.crosses(), vec![[1, 0]]);
        for (xs, integer, needle) in [
            (vec![cross("colour", "age")], false, "`age` is numeric without `integer = true`"),
            (vec![cross("colour", "size")], true, "no column `size`"),
            (vec![cross("colour", "y")], true, "`y` is not a feature"),
            (vec![cross("colour", "colour")], true, "with itself"),
            (vec![cross("colour", "age"), cross("age", "colour")], true, "repeats a cross"),
        ] {
            let e = with(xs, integer).unwrap_err().to_string();
            assert!(e.contains(needle), "{e}");
        }
    }

    #[test]
    fn only_columns_read_as_values_need_categories() {
        for role in [Role::Id, Role::Ignore] {
            let mut p = spec();
            p.columns.push(col("name", ColumnType::Categorical, role));
            p.check().unwrap();
        }
        for role in [Role::Feature, Role::Protected] {
            let mut p = spec();
            p.columns.push(col("name", ColumnType::Categorical, role));
            let e = p.check().unwrap_err().to_string();
            assert!(e.contains("column `name`: needs `categories`"), "{e}");
        }
        let mut p = spec();
        let mut one = col("flag", ColumnType::Binary, Role::Ignore);
        one.categories = cats(&["y"]);
        p.columns.push(one);
        assert!(p.check().unwrap_err().to_string().contains("exactly 2 categories"));
    }

    #[test]
    fn a_decimal_comma_is_read_and_checked() {
        assert_eq!(plain_number(',', "-1,5").unwrap(), "-1.5");
        assert_eq!(plain_number(',', "12").unwrap(), "12");
        assert_eq!(plain_number('.', "1.5").unwrap(), "1.5");
        assert!(plain_number(',', "1.234,5").unwrap_err().contains("decimal mark is a comma"));
        let with = |delimiter, decimal| SpecParams { delimiter, decimal, ..spec() }.check().map(|_| ());
        assert!(with(';', ',').is_ok() && with(',', '.').is_ok());
        for (delimiter, decimal) in [(',', ','), (';', ';'), (';', 'x')] {
            assert!(with(delimiter, decimal).unwrap_err().to_string().contains("must be \".\" or \",\""), "{delimiter} {decimal}");
        }
    }

    #[test]
    fn a_good_spec_checks() {
        let s = spec().check().unwrap();
        assert_eq!(s.n_features(), 2);
        assert_eq!(s.label().name, "y");
    }

    #[test]
    fn duplicate_and_missing_label_are_errors() {
        let at = |p: SpecParams| match p.check() {
            Err(Error::SpecAt { place, msg }) => (place, msg),
            other => panic!("{other:?}"),
        };
        let mut p = spec();
        p.columns.push(p.columns[0].clone());
        let (place, msg) = at(p);
        assert!(msg.contains("`age` is declared twice"), "{msg}");
        assert_eq!(place, SpecPlace::Column { index: 3, key: Some("name") });
        let mut p = spec();
        p.columns.pop();
        assert!(at(p).1.contains("exactly one label"));
        let mut p = spec();
        p.columns[2].positive = Some("2".into());
        let (place, msg) = at(p);
        assert!(msg.contains("not among its categories"), "{msg}");
        assert_eq!(place, SpecPlace::Column { index: 2, key: Some("positive") });
    }

    #[test]
    fn cells_parse_with_errors_naming_the_field() {
        let s = spec().check().unwrap();
        let age = &s.columns()[0];
        assert_eq!(age.parse_cell("30").unwrap(), 30.0);
        assert!(age.parse_cell("").unwrap().is_nan());
        assert!(matches!(age.parse_cell("abc"), Err(Error::WrongType { field, .. }) if field == "age"));
        assert!(matches!(age.parse_cell("NaN"), Err(Error::NotFinite { .. })));
        assert!(matches!(age.parse_cell("inf"), Err(Error::NotFinite { .. })));
        assert!(matches!(age.parse_cell("12"), Err(Error::OutOfRange { .. })));
        let colour = &s.columns()[1];
        assert_eq!(colour.parse_cell("blue").unwrap(), 1.0);
        assert!(matches!(colour.parse_cell("green"), Err(Error::UnknownCategory { .. })));
    }

    #[test]
    fn unlisted_values_read_as_missing_only_where_asked() {
        let mut colour = col("colour", ColumnType::Categorical, Role::Feature);
        colour.categories = cats(&["red", "blue"]);
        assert!(matches!(colour.parse_cell("green"), Err(Error::UnknownCategory { .. })));
        colour.unlisted = Unlisted::Missing;
        assert!(colour.parse_cell("green").unwrap().is_nan());
        assert_eq!(colour.parse_cell("blue").unwrap(), 1.0);
        assert!(colour.check().is_ok());
        let mut amount = col("amount", ColumnType::Numeric, Role::Feature);
        amount.unlisted = Unlisted::Missing;
        assert_eq!(amount.check().unwrap_err().0, "unlisted");
        let mut label = col("y", ColumnType::Categorical, Role::Label);
        label.categories = cats(&["no", "yes", "maybe"]);
        label.unlisted = Unlisted::Missing;
        assert_eq!(label.check().unwrap_err().0, "unlisted");
    }
}
