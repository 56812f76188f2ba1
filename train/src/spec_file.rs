//! Reading dataset spec files (TOML): every error names the file, the line and the column of
//! what is wrong, whether the TOML does not parse, does not fit the spec format, or fails the
//! spec's own checks ([`SpecParams::check`]).

use std::ops::Range;
use std::path::Path;

use advisor_core::error::SpecPlace;
use advisor_core::schema::{Spec, SpecParams};
use toml::de::{DeTable, DeValue};
use toml::Spanned;

use crate::error::{Error, Result};

/// Reads a spec file (TOML) and checks it.
/// How a spec that `advisor-train init` drafted from a data file begins; a person who has
/// reviewed it deletes the line.
pub const DRAFTED: &str = "# Drafted by `advisor-train init`";

/// Whether the spec file at `path` still has the line [`DRAFTED`] (its bounds and categories
/// then come from the rows).
pub fn is_drafted(path: &Path) -> Result<bool> {
    let text = std::fs::read_to_string(path).map_err(Error::io(path))?;
    Ok(text.lines().any(|l| l.starts_with(DRAFTED)))
}

pub fn read_spec(path: &Path) -> Result<Spec> {
    let text = std::fs::read_to_string(path).map_err(Error::io(path))?;
    parse_spec(path, &text)
}

/// Parses and checks the text of the spec file at `path` (which only names it in errors).
pub fn parse_spec(path: &Path, text: &str) -> Result<Spec> {
    let at = |span: Range<usize>, msg: String| {
        let (line, column) = line_column(text, span.start);
        Error::Spec { path: path.into(), line, column, msg }
    };
    let params: SpecParams = toml::from_str(text).map_err(|e| at(e.span().unwrap_or(0..0), e.message().trim().to_string()))?;
    params.check().map_err(|e| match e {
        advisor_core::Error::SpecAt { place, msg } => at(place_span(text, place).unwrap_or(0..0), msg),
        other => at(0..0, other.to_string()),
    })
}

/// 1-based line and column (in characters) of byte `offset` of `text`.
pub fn line_column(text: &str, offset: usize) -> (u64, u64) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() as u64 + 1;
    let column = before.rsplit('\n').next().unwrap_or("").chars().count() as u64 + 1;
    (line, column)
}

/// Where a place of the spec stands in its TOML text: the key at fault, else its table.
fn place_span(text: &str, place: SpecPlace) -> Option<Range<usize>> {
    let root = DeTable::parse(text).ok()?.into_inner();
    let entry = |list: &str, index: usize| -> Option<Spanned<DeValue<'_>>> {
        match get(&root, list)?.get_ref() {
            DeValue::Array(items) => items.get(index).cloned(),
            _ => None,
        }
    };
    match place {
        SpecPlace::Whole => get(&root, "name").map(|v| v.span()),
        SpecPlace::Cross { index } => entry("crosses", index).map(|v| v.span()),
        SpecPlace::Column { index, key } => {
            let column = entry("columns", index)?;
            let key_span = match (column.get_ref(), key) {
                (DeValue::Table(t), Some(key)) => t.iter().find(|(k, _)| k.get_ref() == key).map(|(k, _)| k.span()),
                _ => None,
            };
            key_span.or(Some(column.span()))
        }
    }
}

fn get<'a, 'i>(table: &'a DeTable<'i>, key: &str) -> Option<&'a Spanned<DeValue<'i>>> {
    table.iter().find(|(k, _)| k.get_ref() == key).map(|(_, v)| v)
}

#[cfg(test)]
mod tests {
    use super::*;
    use advisor_core::lang::Lang;

    const SPEC: &str = r#"name = "t"

[[columns]]
name = "age"
type = "numeric"
role = "feature"
min = 50
max = 10

[[columns]]
name = "y"
type = "binary"
role = "label"
positive = "1"
categories = [{ value = "0" }, { value = "1" }]
"#;

    fn error(text: &str) -> String {
        parse_spec(Path::new("s.toml"), text).unwrap_err().to_string()
    }

    #[test]
    fn a_failed_check_names_the_line_and_column_of_its_key() {
        assert_eq!(error(SPEC), "s.toml:8:1: column `age`: min 50 > max 10");
        let e = error(&SPEC.replace("max = 10", "max = 100").replace("positive = \"1\"", "positive = \"2\""));
        assert!(e.starts_with("s.toml:14:1: label `y`"), "{e}");
    }

    #[test]
    fn a_format_error_names_the_line_and_column() {
        let e = error(&SPEC.replace("max = 10", "max = 10\ndisplay = { en = \"Age\", zh = \"年龄\" }"));
        assert!(e.starts_with("s.toml:9:") && e.contains("unknown field `zh`"), "{e}");
        let e = error(&SPEC.replace("role = \"feature\"", "role = \"featur\""));
        assert!(e.starts_with("s.toml:6:8:") && e.contains("featur"), "{e}");
    }

    #[test]
    fn any_language_subset_is_accepted() {
        let ok = SPEC.replace("max = 10\n", "max = 100\ndisplay = { en = \"Age\" }\nunit = { \"zh-CN\" = \"岁\" }\n");
        let spec = parse_spec(Path::new("s.toml"), &ok).unwrap();
        let age = spec.features().next().unwrap();
        assert_eq!((age.label(Lang::En), age.label(Lang::ZhCn)), ("Age", "Age"));
        assert_eq!(age.unit.as_ref().unwrap().get_or(Lang::En, "-"), "-");
    }
}
