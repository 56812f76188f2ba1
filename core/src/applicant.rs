//! Applicant records as they arrive from a form or an API, checked field by field against the
//! spec into the raw row the model takes (numbers, category codes, NaN = not given).
//!
//! Rules: every feature must be present; `null` (or an empty text) means "not given" and is
//! allowed only for fields that are not `required`; numbers may come as JSON numbers or as
//! numeric texts; categories come as the spec's category values. Fields of the spec that are not
//! model inputs (id, label, ignored, protected) are accepted and never read; any other field is
//! an error. Nothing here recurses into nested values, so no input can exhaust the stack.

use crate::error::{Error, Result};
use crate::lang::Lang;
use crate::schema::{ColumnSpec, Role, Spec};

/// Longest text accepted in a field (category values, numeric texts).
pub const MAX_TEXT: usize = 256;
/// Most fields a record may have.
pub const MAX_FIELDS: usize = 4096;

/// One field's value as given, without nesting: the caller reports objects and arrays by kind.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `null` or `undefined`: not given.
    Null,
    Number(f64),
    Text(String),
    Bool(bool),
    /// Anything else, by kind (`"an object"`, `"an array"`, …).
    Other(&'static str),
}

impl Value {
    fn kind(&self) -> String {
        match self {
            Value::Null => "null".into(),
            Value::Number(v) => format!("the number {v}"),
            Value::Text(t) => format!("the text {:?}", t.chars().take(32).collect::<String>()),
            Value::Bool(b) => format!("{b}"),
            Value::Other(k) => (*k).into(),
        }
    }

    /// Converts a top-level JSON value (nested values are reported by kind, not visited).
    pub fn from_json(v: &serde_json::Value) -> Value {
        match v {
            serde_json::Value::Null => Value::Null,
            serde_json::Value::Bool(b) => Value::Bool(*b),
            serde_json::Value::Number(n) => Value::Number(n.as_f64().unwrap_or(f64::NAN)),
            serde_json::Value::String(s) => Value::Text(s.clone()),
            serde_json::Value::Array(_) => Value::Other("an array"),
            serde_json::Value::Object(_) => Value::Other("an object"),
        }
    }
}

/// Reads one feature's value into its raw encoding.
pub fn read_field(col: &ColumnSpec, value: &Value) -> Result<f32> {
    let wrong = |expected: &'static str| Error::WrongType { field: col.name.clone(), expected, got: value.kind() };
    let expected = if col.is_categorical() { "one of the category values (text)" } else { "a number" };
    let not_given = || {
        if col.required {
            Err(Error::MissingField { field: col.name.clone() })
        } else {
            Ok(f32::NAN)
        }
    };
    match value {
        Value::Null => not_given(),
        Value::Text(t) if t.len() > MAX_TEXT => Err(Error::TooLong { field: col.name.clone(), len: t.len(), max: MAX_TEXT }),
        Value::Text(t) if t.trim().is_empty() => not_given(),
        Value::Text(t) if col.is_categorical() => col.category_code(t).map(|c| c as f32).ok_or_else(|| col.unknown_category(t)),
        Value::Text(t) => match t.trim().parse::<f64>() {
            Ok(v) => number(col, v),
            Err(_) => Err(wrong(expected)),
        },
        Value::Number(v) if !col.is_categorical() => number(col, *v),
        _ => Err(wrong(expected)),
    }
}

fn number(col: &ColumnSpec, v: f64) -> Result<f32> {
    let x = col.check_number(v)?;
    if col.integer && v.fract() != 0.0 {
        return Err(Error::WrongType { field: col.name.clone(), expected: "a whole number", got: format!("the number {v}") });
    }
    Ok(x)
}

/// Rows already encoded by position (a batch's fast path: the features in order, numbers as
/// given, a category as its code, NaN = not given), checked with [`read_field`]'s rules — a
/// code as the category's own text would be. What each code reads as is worked out once, when
/// the bundle loads ([`crate::advisor::Advisor::encoded`]).
#[derive(Debug, Clone)]
pub struct EncodedRows {
    cols: Vec<ColumnSpec>,
    /// `codes[j][c]`: what code `c` of feature `j` reads as, where that reading succeeds.
    codes: Vec<Vec<Option<f32>>>,
}

impl EncodedRows {
    pub fn new(spec: &Spec) -> Self {
        let cols: Vec<ColumnSpec> = spec.features().cloned().collect();
        let read = |col: &ColumnSpec| col.categories.iter().map(|c| read_field(col, &Value::Text(c.value.clone())).ok()).collect();
        let codes = cols.iter().map(read).collect();
        Self { cols, codes }
    }

    /// Checks one row's `values` and appends its raw row to `out` (after an error, what it
    /// appended is no row: the batch stops there).
    pub fn read(&self, values: &[f64], out: &mut Vec<f32>) -> Result<()> {
        if values.len() != self.cols.len() {
            return Err(Error::Input(format!("{} values; the model takes {}", values.len(), self.cols.len())));
        }
        for ((col, codes), &v) in self.cols.iter().zip(&self.codes).zip(values) {
            out.push(match v {
                v if v.is_nan() => read_field(col, &Value::Null)?,
                v if col.is_categorical() => match (v >= 0.0 && v.fract() == 0.0).then_some(v as usize).filter(|&c| c < codes.len()) {
                    // (A code whose text does not read gives that text's error.)
                    Some(c) => codes[c].map_or_else(|| read_field(col, &Value::Text(col.categories[c].value.clone())), Ok)?,
                    None => return Err(Error::Input(format!("`{}`: {v} is not a category code (0..{})", col.name, col.categories.len()))),
                },
                v => number(col, v)?,
            });
        }
        Ok(())
    }
}

/// Checks a record (field name → value) and returns the model's raw row, in feature order.
/// The error is the first problem found (see [`problems`] for all of them).
pub fn raw_row<'a>(spec: &Spec, fields: impl IntoIterator<Item = (&'a str, Value)>) -> Result<Vec<f32>> {
    let (row, mut errors) = read_all(spec, fields, 1);
    match errors.pop() {
        Some(e) => Err(e),
        None => Ok(row.into_iter().map(|v| v.expect("no error: every feature read")).collect()),
    }
}

/// Every problem in a record, at most one per field, in the order found: for forms that show
/// each message next to its field.
pub fn problems<'a>(spec: &Spec, fields: impl IntoIterator<Item = (&'a str, Value)>) -> Vec<Error> {
    read_all(spec, fields, usize::MAX).1
}

/// Reads what it can; stops after `max_errors` problems.
fn read_all<'a>(spec: &Spec, fields: impl IntoIterator<Item = (&'a str, Value)>, max_errors: usize) -> (Vec<Option<f32>>, Vec<Error>) {
    let features: Vec<&ColumnSpec> = spec.features().collect();
    let mut row: Vec<Option<f32>> = vec![None; features.len()];
    let mut errors = vec![];
    let mut seen = vec![false; features.len()];
    for (n, (name, value)) in fields.into_iter().enumerate() {
        if errors.len() >= max_errors {
            return (row, errors);
        }
        if n >= MAX_FIELDS {
            errors.push(Error::Input(format!("the record has more than {MAX_FIELDS} fields")));
            return (row, errors);
        }
        match features.iter().position(|c| c.name == name) {
            Some(i) => {
                seen[i] = true;
                match read_field(features[i], &value) {
                    Ok(v) => row[i] = Some(v),
                    Err(e) => errors.push(e),
                }
            }
            None if spec.columns().iter().any(|c| c.name == name && c.role != Role::Feature) => {}
            None => {
                let shown: String = name.chars().take(64).collect();
                errors.push(Error::UnknownField { field: shown });
            }
        }
    }
    for (i, c) in features.iter().enumerate() {
        if !seen[i] && errors.len() < max_errors {
            errors.push(Error::MissingField { field: c.name.clone() });
        }
    }
    (row, errors)
}

/// The display text of a raw value of `col` (category display, number with unit, or "not given").
pub fn display_value(col: &ColumnSpec, raw: f32, lang: Lang) -> String {
    if raw.is_nan() {
        return crate::lang::messages::NOT_GIVEN.get(lang).into();
    }
    if col.is_categorical() {
        return col
            .categories
            .get(raw as usize)
            .filter(|_| raw >= 0.0 && raw.fract() == 0.0)
            .map(|c| c.display.get_or(lang, &c.value).to_string())
            .unwrap_or_else(|| "?".into());
    }
    let v = if col.integer { format!("{}", raw.round()) } else { format!("{}", (raw as f64 * 100.0).round() / 100.0) };
    match col.unit.as_ref().map(|u| u.get(lang)).filter(|u| !u.is_empty()) {
        Some(u) => format!("{v} {u}"),
        None => v,
    }
}

/// The value of a raw entry as an applicant would send it (number or category value).
pub fn json_value(col: &ColumnSpec, raw: f32) -> serde_json::Value {
    if raw.is_nan() {
        serde_json::Value::Null
    } else if col.is_categorical() {
        col.categories.get(raw as usize).map_or(serde_json::Value::Null, |c| c.value.clone().into())
    } else if col.integer {
        (raw.round() as i64).into()
    } else {
        serde_json::Number::from_f64(raw as f64).map_or(serde_json::Value::Null, serde_json::Value::Number)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::tests::{cats, col};
    use crate::schema::{ColumnType, SpecParams};

    fn spec() -> Spec {
        let mut age = col("age", ColumnType::Numeric, Role::Feature);
        age.min = Some(18.0);
        age.max = Some(100.0);
        age.integer = true;
        age.required = true;
        let mut label = col("y", ColumnType::Binary, Role::Label);
        label.categories = cats(&["0", "1"]);
        label.positive = Some("1".into());
        let mut home = col("home", ColumnType::Categorical, Role::Feature);
        home.categories = cats(&["own", "rent"]);
        let income = col("income", ColumnType::Numeric, Role::Feature);
        let id = col("id", ColumnType::Numeric, Role::Id);
        SpecParams {
            name: "t".into(),
            description: String::new(),
            delimiter: ',',
            decimal: '.',
            columns: vec![id, age, home, income, label],
            crosses: vec![],
        }
        .check()
        .unwrap()
    }

    fn rec(pairs: Vec<(&'static str, Value)>) -> Result<Vec<f32>> {
        raw_row(&spec(), pairs)
    }

    #[test]
    fn reads_a_good_record() {
        let r = rec(vec![
            ("age", Value::Number(40.0)),
            ("home", Value::Text("rent".into())),
            ("income", Value::Text(" 1200.5 ".into())),
            ("id", Value::Number(7.0)),
        ])
        .unwrap();
        assert_eq!(r[..3], [40.0, 1.0, 1200.5]);
        let r = rec(vec![("age", Value::Number(40.0)), ("home", Value::Null), ("income", Value::Text(String::new()))]).unwrap();
        assert!(r[1].is_nan() && r[2].is_nan());
    }

    #[test]
    fn encoded_rows_read_as_their_records_do() {
        let spec = spec();
        let rows = EncodedRows::new(&spec);
        let record = |[age, home, income]: [f64; 3]| {
            let text = |c: f64| match c {
                c if c.is_nan() => Value::Null,
                0.0 => Value::Text("own".into()),
                _ => Value::Text("rent".into()),
            };
            let num = |v: f64| if v.is_nan() { Value::Null } else { Value::Number(v) };
            raw_row(&spec, vec![("age", num(age)), ("home", text(home)), ("income", num(income))])
        };
        let nan = f64::NAN;
        let good = [[40.0, 1.0, 1200.5], [18.0, 0.0, nan], [100.0, nan, -3.0]];
        let bad = [[nan, 0.0, 1.0], [40.5, 0.0, 1.0], [17.0, 0.0, 1.0], [40.0, 0.0, f64::INFINITY]];
        for values in good.iter().chain(&bad) {
            let mut out = vec![];
            let got = rows.read(values, &mut out).map(|_| out.iter().map(|v| v.to_bits()).collect::<Vec<_>>());
            let want = record(*values).map(|r| r.iter().map(|v| v.to_bits()).collect());
            assert_eq!(got.as_ref().map_err(Error::code), want.as_ref().map_err(Error::code), "{values:?}");
            assert_eq!(got.err().map(|e| e.field().map(str::to_string)), want.err().map(|e| e.field().map(str::to_string)));
        }
        // Not a code of `home`: 2, 0.5, −1; and a short row.
        for home in [2.0, 0.5, -1.0] {
            assert_eq!(rows.read(&[40.0, home, 1.0], &mut vec![]).unwrap_err().code(), "BAD_INPUT");
        }
        assert!(rows.read(&[40.0, 1.0], &mut vec![]).is_err());
    }

    #[test]
    fn each_bad_input_has_its_own_error() {
        let base = || vec![("age", Value::Number(40.0)), ("home", Value::Text("own".into())), ("income", Value::Number(1.0))];
        let with = |f: &'static str, v: Value| {
            let mut r = base();
            r.iter_mut().find(|p| p.0 == f).unwrap().1 = v;
            rec(r).unwrap_err()
        };
        let code = |e: Error| (e.code(), e.field().map(str::to_string));
        assert_eq!(code(rec(base()[1..].to_vec()).unwrap_err()), ("MISSING_FIELD", Some("age".into())));
        assert_eq!(code(with("age", Value::Null)), ("MISSING_FIELD", Some("age".into())));
        assert_eq!(code(with("age", Value::Text("forty".into()))), ("WRONG_TYPE", Some("age".into())));
        assert_eq!(code(with("age", Value::Bool(true))), ("WRONG_TYPE", Some("age".into())));
        assert_eq!(code(with("age", Value::Number(40.5))), ("WRONG_TYPE", Some("age".into())));
        assert_eq!(code(with("home", Value::Number(1.0))), ("WRONG_TYPE", Some("home".into())));
        assert_eq!(code(with("home", Value::Other("an object"))), ("WRONG_TYPE", Some("home".into())));
        assert_eq!(code(with("income", Value::Number(f64::NAN))), ("NOT_FINITE", Some("income".into())));
        assert_eq!(code(with("income", Value::Number(f64::INFINITY))), ("NOT_FINITE", Some("income".into())));
        assert_eq!(code(with("income", Value::Number(f64::NEG_INFINITY))), ("NOT_FINITE", Some("income".into())));
        assert_eq!(code(with("age", Value::Number(17.0))), ("OUT_OF_RANGE", Some("age".into())));
        assert_eq!(code(with("home", Value::Text("castle".into()))), ("UNKNOWN_CATEGORY", Some("home".into())));
        assert_eq!(code(with("home", Value::Text("x".repeat(1 << 20)))), ("TOO_LONG", Some("home".into())));
        let mut extra = base();
        extra.push(("colour", Value::Text("red".into())));
        assert_eq!(code(rec(extra).unwrap_err()), ("UNKNOWN_FIELD", Some("colour".into())));
    }

    #[test]
    fn problems_lists_one_error_per_bad_field() {
        let p = problems(&spec(), vec![("age", Value::Number(3.0)), ("home", Value::Text("castle".into())), ("x", Value::Null)]);
        let codes: Vec<(&str, Option<&str>)> = p.iter().map(|e| (e.code(), e.field())).collect();
        assert_eq!(
            codes,
            [
                ("OUT_OF_RANGE", Some("age")),
                ("UNKNOWN_CATEGORY", Some("home")),
                ("UNKNOWN_FIELD", Some("x")),
                ("MISSING_FIELD", Some("income"))
            ]
        );
        assert!(problems(&spec(), vec![("age", Value::Number(30.0)), ("home", Value::Null), ("income", Value::Null)]).is_empty());
    }

    #[test]
    fn display_and_json_values() {
        let s = spec();
        let f: Vec<&ColumnSpec> = s.features().collect();
        assert_eq!(display_value(f[1], 1.0, Lang::En), "rent");
        assert_eq!(display_value(f[0], f32::NAN, Lang::ZhCn), "未提供");
        assert_eq!(json_value(f[1], 0.0), serde_json::json!("own"));
        assert_eq!(json_value(f[0], 41.0), serde_json::json!(41));
    }
}
