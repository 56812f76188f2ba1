//! A small JSON reader for what the browser's modules read as text: the product catalog, the
//! lender's FAQ and the assistant's context.
//!
//! Why not serde_json: its parser and serde's derived visitors were three quarters of the
//! assistant's module (BENCHMARKS.md, "Assistant module bytes"). This is one non-generic parser
//! to a [`Json`] tree and one trait, [`FromJson`], implemented once per type beside the type.
//! Errors say where: the line and column of a syntax error, the path (`entries[2].answer.en`)
//! of a wrong, missing or unknown field.

/// A parsed JSON value. Objects keep their keys in order (duplicates are refused on read).
#[derive(Debug, Clone, PartialEq)]
pub enum Json {
    Null,
    Bool(bool),
    /// A number written with a fraction or an exponent (or too long for an `Int`).
    Num(f64),
    /// A number written as a whole one, within ±u64::MAX (`-0` is the float `Num(-0.0)`, as
    /// serde_json reads it; longer ones are `Num`).
    Int(i128),
    Str(String),
    Arr(Vec<Json>),
    Obj(Vec<(String, Json)>),
}

/// A reading error: where and what, ready to show after the file's name.
pub type JsonResult<T> = std::result::Result<T, String>;

/// Deepest nesting read (deeper text is refused, not a stack overflow).
const MAX_DEPTH: usize = 64;

/// Parses `text` and reads it as `T`, numbers as [`parse`] reads them.
pub fn read<T: FromJson>(text: &[u8]) -> JsonResult<T> {
    T::from_json(&parse(utf8(text)?)?, "")
}

/// Parses `text` and reads it as `T`, every number correctly rounded (core's float parser, as
/// serde_json with `float_roundtrip` reads them): for files a model's figures are read from
/// (bundle manifests), where the last digit of a 17-digit cutoff matters.
pub fn read_exact<T: FromJson>(text: &[u8]) -> JsonResult<T> {
    T::from_json(&Parser::<true> { text: utf8(text)?, at: 0 }.all()?, "")
}

fn utf8(text: &[u8]) -> JsonResult<&str> {
    std::str::from_utf8(text).map_err(|e| format!("not UTF-8 at byte {}", e.valid_up_to()))
}

/// Appends `s` to `out` as a JSON string (quoted; quotes, backslashes and control characters
/// escaped).
pub fn write_str(out: &mut String, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if (c as u32) < 0x20 => {
                out.push_str("\\u00");
                out.push(HEX[(c as usize) >> 4] as char);
                out.push(HEX[(c as usize) & 15] as char);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Parses JSON text (RFC 8259) to a tree. Numbers are read by [`Decimal`] (exact up to 15
/// significant digits), which keeps core's float parser out of the modules that read only
/// texts people write; [`read_exact`] reads every number exactly.
pub fn parse(text: &str) -> JsonResult<Json> {
    Parser::<false> { text, at: 0 }.all()
}

/// `EXACT`: numbers by core's float parser instead of [`Decimal`].
struct Parser<'a, const EXACT: bool> {
    text: &'a str,
    at: usize,
}

impl<const EXACT: bool> Parser<'_, EXACT> {
    fn all(&mut self) -> JsonResult<Json> {
        let v = self.value(0)?;
        self.space();
        if self.at < self.text.len() {
            return self.fail("text after the value");
        }
        Ok(v)
    }

    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.at).copied()
    }

    fn fail<T>(&self, what: &str) -> JsonResult<T> {
        let before = self.text.get(..self.at).unwrap_or_default();
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        Err(format!("line {line} column {column}: {what}"))
    }

    fn space(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.at += 1;
        }
    }

    fn eat(&mut self, byte: u8) -> bool {
        let hit = self.peek() == Some(byte);
        self.at += usize::from(hit);
        hit
    }

    fn value(&mut self, depth: usize) -> JsonResult<Json> {
        self.space();
        if depth > MAX_DEPTH {
            return self.fail("nested too deeply");
        }
        match self.peek() {
            Some(b'{') => self.object(depth),
            Some(b'[') => self.array(depth),
            Some(b'"') => self.string().map(Json::Str),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(_) => self.word(),
            None => self.fail("the text ends where a value was expected"),
        }
    }

    fn word(&mut self) -> JsonResult<Json> {
        for (word, value) in [("true", Json::Bool(true)), ("false", Json::Bool(false)), ("null", Json::Null)] {
            if self.text.as_bytes().get(self.at..).is_some_and(|t| t.starts_with(word.as_bytes())) {
                self.at += word.len();
                return Ok(value);
            }
        }
        self.fail("expected a value")
    }

    fn object(&mut self, depth: usize) -> JsonResult<Json> {
        self.at += 1;
        let mut pairs = Vec::new();
        self.space();
        if self.eat(b'}') {
            return Ok(Json::Obj(pairs));
        }
        loop {
            self.space();
            if self.peek() != Some(b'"') {
                return self.fail("expected a key in double quotes");
            }
            let key = self.string()?;
            self.space();
            if !self.eat(b':') {
                return self.fail("expected ':'");
            }
            pairs.push((key, self.value(depth + 1)?));
            self.space();
            if self.eat(b'}') {
                return Ok(Json::Obj(pairs));
            }
            if !self.eat(b',') {
                return self.fail("expected ',' or '}'");
            }
        }
    }

    fn array(&mut self, depth: usize) -> JsonResult<Json> {
        self.at += 1;
        let mut items = Vec::new();
        self.space();
        if self.eat(b']') {
            return Ok(Json::Arr(items));
        }
        loop {
            items.push(self.value(depth + 1)?);
            self.space();
            if self.eat(b']') {
                return Ok(Json::Arr(items));
            }
            if !self.eat(b',') {
                return self.fail("expected ',' or ']'");
            }
        }
    }

    fn string(&mut self) -> JsonResult<String> {
        self.at += 1;
        let mut out = String::new();
        loop {
            let start = self.at;
            while matches!(self.peek(), Some(c) if c != b'"' && c != b'\\' && c >= 0x20) {
                self.at += 1;
            }
            // Stops only at ASCII bytes, so both ends are character boundaries.
            out.push_str(self.text.get(start..self.at).unwrap_or_default());
            match self.peek() {
                Some(b'"') => {
                    self.at += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.at += 1;
                    out.push(self.escape()?);
                }
                Some(_) => return self.fail("a control character inside a string"),
                None => return self.fail("the text ends inside a string"),
            }
        }
    }

    fn escape(&mut self) -> JsonResult<char> {
        let c = self.peek();
        self.at += 1;
        Ok(match c {
            Some(b'"') => '"',
            Some(b'\\') => '\\',
            Some(b'/') => '/',
            Some(b'b') => '\u{8}',
            Some(b'f') => '\u{c}',
            Some(b'n') => '\n',
            Some(b'r') => '\r',
            Some(b't') => '\t',
            Some(b'u') => return self.unicode(),
            _ => return self.fail("an unknown escape"),
        })
    }

    fn unicode(&mut self) -> JsonResult<char> {
        let high = self.hex4()?;
        let code = if (0xD800..0xDC00).contains(&high) {
            if !(self.eat(b'\\') && self.eat(b'u')) {
                return self.fail("a lone surrogate in \\u escapes");
            }
            let low = self.hex4()?;
            if !(0xDC00..0xE000).contains(&low) {
                return self.fail("a lone surrogate in \\u escapes");
            }
            0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
        } else {
            high
        };
        char::from_u32(code).map_or_else(|| self.fail("a lone surrogate in \\u escapes"), Ok)
    }

    fn hex4(&mut self) -> JsonResult<u32> {
        let digits = self.text.get(self.at..self.at + 4).filter(|d| d.bytes().all(|b| b.is_ascii_hexdigit()));
        match digits.and_then(|d| u32::from_str_radix(d, 16).ok()) {
            Some(v) => {
                self.at += 4;
                Ok(v)
            }
            None => self.fail("expected four hex digits after \\u"),
        }
    }

    fn digits(&mut self) -> usize {
        let start = self.at;
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.at += 1;
        }
        self.at - start
    }

    fn number(&mut self) -> JsonResult<Json> {
        let start = self.at;
        let negative = self.eat(b'-');
        let whole_at = self.at;
        let whole = self.digits();
        let mut ok = whole == 1 || (whole > 1 && self.text.as_bytes()[whole_at] != b'0');
        let mut decimal = Decimal::default();
        decimal.push(self.text.get(whole_at..self.at).unwrap_or_default(), 0);
        if self.eat(b'.') {
            let from = self.at;
            ok &= self.digits() > 0;
            decimal.push(self.text.get(from..self.at).unwrap_or_default(), 1);
        }
        if self.eat(b'e') || self.eat(b'E') {
            let sign = if self.eat(b'-') { -1 } else { i64::from(self.eat(b'+')).max(1) };
            let from = self.at;
            ok &= self.digits() > 0;
            let e = self.text.get(from..self.at).unwrap_or_default().bytes().fold(0i64, |e, b| (e * 10 + i64::from(b - b'0')).min(1 << 20));
            decimal.exponent += sign * e;
        }
        // A whole number up to ±u64::MAX, read digit by digit (no 128-bit arithmetic: bytes).
        let digits = self.text.get(whole_at..self.at).filter(|_| ok && self.at == whole_at + whole).unwrap_or_default();
        let magnitude = digits.bytes().try_fold(0u64, |m, b| m.checked_mul(10)?.checked_add(u64::from(b - b'0')));
        if let Some(m) = magnitude.filter(|&m| !digits.is_empty() && (m != 0 || !negative)) {
            return Ok(Json::Int(if negative { -i128::from(m) } else { i128::from(m) }));
        }
        let value = if EXACT {
            self.text.get(start..self.at).and_then(|t| t.parse::<f64>().ok()).filter(|v| v.is_finite())
        } else {
            decimal.value().map(|v| if negative { -v } else { v })
        };
        match value {
            Some(v) if ok => Ok(Json::Num(v)),
            _ => {
                self.at = start;
                self.fail("a malformed or out-of-range number")
            }
        }
    }
}

/// A decimal number's first 19 significant digits and its power of ten. core's float parser
/// is exact but brings 11 KB of tables that do not compress; this one is exact for up to 15
/// significant digits with exponents within ±22 (every catalog bound, score and point), and
/// within a few units in the last place beyond.
#[derive(Default)]
struct Decimal {
    mantissa: u64,
    digits: u32,
    exponent: i64,
}

impl Decimal {
    /// Appends digits; `fraction` is 1 after the point (each digit read lowers the exponent).
    fn push(&mut self, digits: &str, fraction: i64) {
        for b in digits.bytes() {
            if self.digits < 19 {
                self.mantissa = self.mantissa * 10 + u64::from(b - b'0');
                self.digits += u32::from(self.mantissa > 0);
                self.exponent -= fraction;
            } else {
                self.exponent += 1 - fraction;
            }
        }
    }

    /// The value, or `None` when it is too large for an f64.
    fn value(&self) -> Option<f64> {
        if self.mantissa == 0 || self.exponent < -400 {
            return Some(0.0);
        }
        if self.exponent > 400 {
            return None;
        }
        // Up to 10^22 every power of ten is exact, so one multiplication or division rounds once.
        let (mut v, mut e) = (self.mantissa as f64, self.exponent as i32);
        while e != 0 {
            let step = e.clamp(-22, 22);
            let p = 10f64.powi(step.abs());
            v = if step > 0 { v * p } else { v / p };
            e -= step;
        }
        v.is_finite().then_some(v)
    }
}

/// The path of a field inside `at`.
fn field_path(at: &str, key: &str) -> String {
    if at.is_empty() {
        key.to_string()
    } else {
        format!("{at}.{key}")
    }
}

/// An error message about the value at path `at` (the top level when empty).
pub fn at_error(at: &str, what: &str) -> String {
    if at.is_empty() {
        what.to_string()
    } else {
        format!("{at}: {what}")
    }
}

/// Reads a value of a type from a [`Json`] tree; `at` is its path, for errors.
pub trait FromJson: Sized {
    fn from_json(v: &Json, at: &str) -> JsonResult<Self>;
}

/// `T` read from `v`, whose path `path` makes: for a scalar only when the reading fails (read
/// first with its parent's path `parent`, used for nothing but errors, then again with its own
/// for the message), for a list or an object at once (so that no error is read more than
/// twice). A bundle's manifest has thousands of scalars, and writing each one's path was a
/// fifth of loading the German bundle natively (0.72 → 0.58 ms a load) and about 4 ms of a
/// cold load in Chromium.
pub fn read_at<T: FromJson>(v: &Json, parent: &str, path: &dyn Fn() -> String) -> JsonResult<T> {
    match v {
        Json::Arr(_) | Json::Obj(_) => T::from_json(v, &path()),
        _ => T::from_json(v, parent).or_else(|_| T::from_json(v, &path())),
    }
}

/// An error saying what was expected at `at`.
pub fn expected<T>(at: &str, what: &str) -> JsonResult<T> {
    Err(at_error(at, &format!("expected {what}")))
}

impl FromJson for String {
    fn from_json(v: &Json, at: &str) -> JsonResult<Self> {
        match v {
            Json::Str(s) => Ok(s.clone()),
            _ => expected(at, "a string"),
        }
    }
}

impl FromJson for f64 {
    fn from_json(v: &Json, at: &str) -> JsonResult<Self> {
        match v {
            Json::Num(n) => Ok(*n),
            // Whole numbers read are within ±u64::MAX: converted through u64 (no 128-bit code).
            Json::Int(i) if *i < 0 => Ok(-(i.unsigned_abs() as u64 as f64)),
            Json::Int(i) => Ok(*i as u64 as f64),
            _ => expected(at, "a number"),
        }
    }
}

impl FromJson for u8 {
    fn from_json(v: &Json, at: &str) -> JsonResult<Self> {
        whole(v, at, 255).map(|n| n as u8)
    }
}

/// A value kept as it was written (read on, by its reader, later).
impl FromJson for Json {
    fn from_json(v: &Json, _: &str) -> JsonResult<Self> {
        Ok(v.clone())
    }
}

impl FromJson for bool {
    fn from_json(v: &Json, at: &str) -> JsonResult<Self> {
        match v {
            Json::Bool(b) => Ok(*b),
            _ => expected(at, "true or false"),
        }
    }
}

/// Rounded from the f64 read, as serde_json reads an f32.
impl FromJson for f32 {
    fn from_json(v: &Json, at: &str) -> JsonResult<Self> {
        f64::from_json(v, at).map(|x| x as f32)
    }
}

/// A whole number from 0 to `max` (written as one, or as a float with no fraction).
fn whole(v: &Json, at: &str, max: u64) -> JsonResult<u64> {
    match v {
        Json::Int(i) if (0..=i128::from(max)).contains(i) => Ok(*i as u64),
        Json::Num(n) if n.fract() == 0.0 && *n >= 0.0 && *n <= max as f64 && *n < 18_446_744_073_709_551_616.0 => Ok(*n as u64),
        _ => expected(at, &format!("a whole number from 0 to {max}")),
    }
}

impl FromJson for u32 {
    fn from_json(v: &Json, at: &str) -> JsonResult<Self> {
        whole(v, at, u64::from(u32::MAX)).map(|n| n as u32)
    }
}

impl FromJson for u64 {
    fn from_json(v: &Json, at: &str) -> JsonResult<Self> {
        whole(v, at, u64::MAX)
    }
}

impl FromJson for usize {
    fn from_json(v: &Json, at: &str) -> JsonResult<Self> {
        whole(v, at, usize::MAX as u64).map(|n| n as usize)
    }
}

impl FromJson for char {
    fn from_json(v: &Json, at: &str) -> JsonResult<Self> {
        let s = String::from_json(v, at)?;
        let mut chars = s.chars();
        match (chars.next(), chars.next()) {
            (Some(c), None) => Ok(c),
            _ => expected(at, "a single character"),
        }
    }
}

/// One of a unit enum's variants by the name it is written as (`names`: every variant).
pub fn variant<T: Copy>(v: &Json, at: &str, names: &[(&str, T)]) -> JsonResult<T> {
    let s = String::from_json(v, at)?;
    match names.iter().find(|(n, _)| *n == s) {
        Some((_, t)) => Ok(*t),
        None => {
            let all: Vec<&str> = names.iter().map(|(n, _)| *n).collect();
            expected(at, &format!("one of {}, got `{s}`", all.join(", ")))
        }
    }
}

impl<T: FromJson> FromJson for Vec<T> {
    fn from_json(v: &Json, at: &str) -> JsonResult<Self> {
        match v {
            Json::Arr(items) => items.iter().enumerate().map(|(i, x)| read_at(x, at, &|| format!("{at}[{i}]"))).collect(),
            _ => expected(at, "a list"),
        }
    }
}

impl<T: FromJson> FromJson for [T; 2] {
    fn from_json(v: &Json, at: &str) -> JsonResult<Self> {
        <[T; 2]>::try_from(Vec::<T>::from_json(v, at)?).or_else(|_| expected(at, "a list of two values"))
    }
}

/// An object read as its `(key, value)` pairs, in the order written (keys are unique: [`Fields::of`]
/// refuses a key given twice). A list, not a map: lookups are few and a map's code costs the
/// assistant's module bytes.
#[derive(Debug, Clone, PartialEq)]
pub struct Keyed<T>(pub Vec<(String, T)>);

impl<T> Default for Keyed<T> {
    fn default() -> Self {
        Keyed(Vec::new())
    }
}

impl<T> Keyed<T> {
    /// The value of `key`.
    pub fn get(&self, key: &str) -> Option<&T> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }
}

impl<T: FromJson> FromJson for Keyed<T> {
    fn from_json(v: &Json, at: &str) -> JsonResult<Self> {
        let fields = Fields::of(v, at)?;
        fields.pairs.iter().map(|(k, v)| Ok((k.clone(), read_at(v, at, &|| fields.path(k))?))).collect::<JsonResult<_>>().map(Keyed)
    }
}

/// An object's fields, read by key: each key read at most once, and (for records that deny
/// them) unknown keys reported by [`Fields::deny_unknown`].
pub struct Fields<'a> {
    pairs: &'a [(String, Json)],
    at: &'a str,
    read: Vec<bool>,
}

impl<'a> Fields<'a> {
    /// The fields of the object `v`; refuses anything else and keys given twice.
    pub fn of(v: &'a Json, at: &'a str) -> JsonResult<Self> {
        let Json::Obj(pairs) = v else { return expected(at, "an object") };
        if let Some((k, _)) = pairs.iter().enumerate().find(|(i, (k, _))| pairs[..*i].iter().any(|(j, _)| j == k)).map(|(_, p)| p) {
            return Err(at_error(at, &format!("the field `{k}` is given twice")));
        }
        Ok(Fields { pairs, at, read: vec![false; pairs.len()] })
    }

    /// The path of one of these fields, for errors.
    pub fn path(&self, key: &str) -> String {
        field_path(self.at, key)
    }

    fn take(&mut self, key: &str) -> Option<&'a Json> {
        let i = self.pairs.iter().position(|(k, _)| k == key)?;
        self.read[i] = true;
        Some(&self.pairs[i].1)
    }

    /// A field that must be there.
    pub fn req<T: FromJson>(&mut self, key: &str) -> JsonResult<T> {
        match self.take(key) {
            Some(v) => read_at(v, self.at, &|| self.path(key)),
            None => Err(at_error(self.at, &format!("missing field `{key}`"))),
        }
    }

    /// A field that may be missing or `null`.
    pub fn opt<T: FromJson>(&mut self, key: &str) -> JsonResult<Option<T>> {
        match self.take(key) {
            None | Some(Json::Null) => Ok(None),
            Some(v) => read_at(v, self.at, &|| self.path(key)).map(Some),
        }
    }

    /// A field that may be missing (or `null`): then `T::default()`.
    pub fn or_default<T: FromJson + Default>(&mut self, key: &str) -> JsonResult<T> {
        Ok(self.opt(key)?.unwrap_or_default())
    }

    /// Refuses the first key no read asked for (a typo would otherwise be silently ignored).
    pub fn deny_unknown(self) -> JsonResult<()> {
        match self.pairs.iter().zip(&self.read).find(|(_, read)| !**read) {
            Some(((k, _), _)) => Err(at_error(self.at, &format!("unknown field `{k}`"))),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_what_serde_json_parses() {
        let texts = [
            r#"{"a": [1, -2.5e3, 0, 0.125, true, false, null], "b": {"c": "x\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00"}, "d": []}"#,
            " [ ] ",
            "\"授信额度\"",
            "-0",
            "1E+2",
        ];
        for text in texts {
            let ours = parse(text).unwrap();
            let theirs: serde_json::Value = serde_json::from_str(text).unwrap();
            assert_eq!(ours, from_serde(&theirs), "{text}");
        }
    }

    fn from_serde(v: &serde_json::Value) -> Json {
        use serde_json::Value as V;
        match v {
            V::Null => Json::Null,
            V::Bool(b) => Json::Bool(*b),
            V::Number(n) => match (n.as_i64(), n.as_u64()) {
                (Some(i), _) => Json::Int(i.into()),
                (None, Some(u)) => Json::Int(u.into()),
                _ => Json::Num(n.as_f64().unwrap()),
            },
            V::String(s) => Json::Str(s.clone()),
            V::Array(a) => Json::Arr(a.iter().map(from_serde).collect()),
            V::Object(o) => Json::Obj(o.iter().map(|(k, v)| (k.clone(), from_serde(v))).collect()),
        }
    }

    #[test]
    fn numbers_are_exact_where_people_write_them_and_close_beyond() {
        let ulps = |a: f64, b: f64| (a.to_bits() as i64 - b.to_bits() as i64).unsigned_abs();
        let mut seed = 42u64;
        for i in 0..20_000 {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let digits = 1 + (seed >> 60) as usize % 15;
            let mantissa = (seed >> 8) % 10u64.pow(digits as u32);
            let exp = ((seed >> 40) % 45) as i32 - 22;
            let text = if i % 2 == 0 { format!("{mantissa}e{exp}") } else { format!("0.{mantissa:0>digits$}") };
            let ours = f64::from_json(&parse(&text).unwrap(), "").unwrap();
            assert_eq!(ours, text.parse::<f64>().unwrap(), "{text}");
        }
        for text in [
            "0.30000000000000004",
            "123456789012345678901234567890",
            "1.7976931348623157e308",
            "4.9e-324",
            "2.2250738585072014e-308",
            "0.1e-20",
        ] {
            let ours = f64::from_json(&parse(text).unwrap(), "").unwrap();
            assert!(ulps(ours, text.parse().unwrap()) <= 4, "{text}: {ours}");
        }
        assert_eq!(parse("-0.0e-5000").unwrap(), Json::Num(0.0));
        assert_eq!((parse("-0").unwrap(), parse("-12").unwrap(), parse("1.0").unwrap()), (Json::Num(-0.0), Json::Int(-12), Json::Num(1.0)));
        assert_eq!(read_exact::<u64>(b"18446744073709551615").unwrap(), u64::MAX);
        assert_eq!(parse("00000").ok(), None);
    }

    #[test]
    fn read_exact_reads_every_number_as_core_does() {
        let mut seed = 7u64;
        for _ in 0..20_000 {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let x = f64::from_bits(seed >> 2);
            if !x.is_finite() {
                continue;
            }
            let text = serde_json::to_string(&x).unwrap();
            assert_eq!(read_exact::<f64>(text.as_bytes()).unwrap().to_bits(), x.to_bits(), "{text}");
        }
        assert!(read_exact::<f64>(b"1e999").unwrap_err().contains("out-of-range"));
        assert!(read_exact::<f64>(b"01").unwrap_err().contains("malformed"));
        assert_eq!(read_exact::<[u32; 2]>(b"[3, 4]").unwrap(), [3, 4]);
        assert!(read_exact::<u32>(b"2.5").unwrap_err().contains("expected a whole number"));
        assert!(read_exact::<char>(b"\"ab\"").unwrap_err().contains("a single character"));
    }

    #[test]
    fn refuses_what_json_refuses_and_says_where() {
        for (text, needle) in [
            ("", "line 1 column 1: the text ends"),
            ("{\n  \"a\": 1,\n}", "line 3 column 1: expected a key"),
            ("[1 2]", "line 1 column 4: expected ','"),
            ("01", "malformed"),
            ("1.", "malformed"),
            ("-", "malformed"),
            ("1e999", "out-of-range"),
            ("\"a\u{1}\"", "control character"),
            ("\"\\x\"", "unknown escape"),
            ("\"\\ud800\"", "lone surrogate"),
            ("\"\\u12\"", "four hex digits"),
            ("\"abc", "ends inside a string"),
            ("nul", "expected a value"),
            ("{} {}", "text after the value"),
            ("tru", "expected a value"),
        ] {
            let e = parse(text).unwrap_err();
            assert!(e.contains(needle), "{text:?}: {e}");
            assert!(serde_json::from_str::<serde_json::Value>(text).is_err(), "{text:?}");
        }
        assert!(parse(&"[".repeat(100_000)).unwrap_err().contains("nested too deeply"));
    }

    #[test]
    fn fields_name_the_path_of_what_is_wrong() {
        struct Pair {
            name: String,
            sizes: Vec<u8>,
        }
        impl FromJson for Pair {
            fn from_json(v: &Json, at: &str) -> JsonResult<Self> {
                let mut f = Fields::of(v, at)?;
                let p = Pair { name: f.req("name")?, sizes: f.or_default("sizes")? };
                f.deny_unknown()?;
                Ok(p)
            }
        }
        let ok: Vec<Pair> = read(br#"[{"name": "a"}, {"name": "b", "sizes": [1, 2]}]"#).unwrap();
        assert_eq!((ok[1].name.as_str(), ok[1].sizes.as_slice(), ok[0].sizes.len()), ("b", &[1u8, 2][..], 0));
        for (text, needle) in [
            (r#"[{"name": "a", "sizes": [1, 300]}]"#, "[0].sizes[1]: expected a whole number"),
            (r#"[{"name": 1}]"#, "[0].name: expected a string"),
            (r#"[{}, {"nam": "b"}]"#, "[0]: missing field `name`"),
            (r#"[{"name": "a", "size": []}]"#, "[0]: unknown field `size`"),
            (r#"[{"name": "a", "name": "b"}]"#, "the field `name` is given twice"),
            ("{}", "expected a list"),
        ] {
            let e = read::<Vec<Pair>>(text.as_bytes()).err().unwrap();
            assert!(e.contains(needle), "{text}: {e}");
        }
        assert!(read::<String>(b"\"\xff\"").unwrap_err().contains("not UTF-8"));
    }
}
