//! The languages the advisor speaks, and every text `core` writes, in one place.
//!
//! A language is a [`Lang`]: parsed once where a request comes in ([`Lang::pick`] for a page's
//! `lang`, [`Lang::parse`] where an unknown code is an error) and passed down typed. Texts a
//! lender or a spec writes are a [`ByLang`] (a [`Text`](crate::schema::Text) is `ByLang<String>`),
//! read and written as `{ "en": …, "zh-CN": … }`; texts `core` itself writes are [`Msg`]s, kept in
//! [`messages`] (scores, reasons, products, bands, the questionnaire) and [`assistant`].
//!
//! Adding a language: a variant, its code in [`Lang::code`], and one more literal in each
//! `texts!` line of the two message modules (the compiler points at every line that lacks
//! it); the spec's and the lender's texts then accept the new code. Nothing else changes.
//!
//! The feature `test-lang` adds a pseudo-locale, `en-XA` (as Android and Chromium use), whose
//! texts are the English ones in ⟦brackets⟧: `tests/tests/third_language.rs` shows it through
//! the whole API. It is never required of a lender's texts ([`Lang::required`]).

pub mod assistant;
pub mod messages;

/// A language the advisor answers in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum Lang {
    /// English: the fallback for every text.
    #[default]
    En,
    /// Simplified Chinese.
    ZhCn,
    /// A pseudo-locale for tests: the English texts, bracketed.
    #[cfg(feature = "test-lang")]
    Pseudo,
}

/// How many languages there are.
pub const COUNT: usize = Lang::ALL.len();

/// The codes, in [`Lang::ALL`]'s order (for error messages and serde's `expected …`).
pub const CODES: [&str; COUNT] = {
    let mut out = [""; COUNT];
    let mut i = 0;
    while i < COUNT {
        out[i] = Lang::ALL[i].code();
        i += 1;
    }
    out
};

impl Lang {
    /// Every language, English first.
    pub const ALL: &'static [Lang] = &[
        Lang::En,
        Lang::ZhCn,
        #[cfg(feature = "test-lang")]
        Lang::Pseudo,
    ];

    /// The BCP 47 code: `en`, `zh-CN`.
    pub const fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::ZhCn => "zh-CN",
            #[cfg(feature = "test-lang")]
            Lang::Pseudo => "en-XA",
        }
    }

    /// Whether a lender's texts (product names, FAQ answers) must be given in this language.
    pub const fn required(self) -> bool {
        match self {
            Lang::En | Lang::ZhCn => true,
            #[cfg(feature = "test-lang")]
            Lang::Pseudo => false,
        }
    }

    /// The language with this code (case-insensitive), or `None`.
    pub fn parse(code: &str) -> Option<Lang> {
        Lang::ALL.iter().copied().find(|l| l.code().eq_ignore_ascii_case(code.trim()))
    }

    /// A page's language: the one with this code, or English for anything else (as a page
    /// in an unsupported language shows English).
    pub fn pick(code: Option<&str>) -> Lang {
        code.and_then(Lang::parse).unwrap_or_default()
    }

    /// The codes as a list for messages: `en, zh-CN`.
    pub fn codes() -> String {
        // Joined as `String`s: one `join` instantiation in the browser modules (bytes).
        CODES.map(String::from).join(", ")
    }

    /// The [`required`](Lang::required) languages' codes as a list for messages.
    pub fn required_codes() -> String {
        Lang::ALL.iter().filter(|l| l.required()).map(|l| l.code().to_string()).collect::<Vec<_>>().join(", ")
    }

    /// The position in [`Lang::ALL`].
    pub const fn index(self) -> usize {
        self as usize
    }
}

impl std::fmt::Display for Lang {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

/// One text `core` writes, in every language (see the `texts!` lines in [`messages`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Msg(pub [&'static str; COUNT]);

impl Msg {
    /// The text in `lang`.
    pub fn get(&self, lang: Lang) -> &'static str {
        self.0[lang.index()]
    }
    /// The text in `lang` with each `{name}` replaced by its value.
    pub fn fill<S: AsRef<str>>(&self, lang: Lang, slots: &[(&str, S)]) -> String {
        let mut s = self.get(lang).to_string();
        for (name, value) in slots {
            s = crate::substr::replace(&s, &format!("{{{name}}}"), value.as_ref());
        }
        s
    }
    /// The text in every language, as a spec or bundle text.
    pub fn text(&self) -> ByLang<String> {
        ByLang(self.0.map(String::from))
    }
}

/// Defines `Msg` constants: `NAME = "English", "中文";`. Under `test-lang` the pseudo-locale's
/// text is derived from the English one.
macro_rules! texts {
    ($($name:ident = $en:literal, $zh:literal;)*) => {
        $(pub const $name: $crate::lang::Msg = $crate::lang::Msg([
            $en,
            $zh,
            #[cfg(feature = "test-lang")]
            concat!("⟦", $en, "⟧"),
        ]);)*
    };
}
pub(crate) use texts;

/// A value per language (a text, a list of example questions), any of them possibly empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ByLang<T>(pub [T; COUNT]);

impl<T: Default> Default for ByLang<T> {
    fn default() -> Self {
        ByLang(std::array::from_fn(|_| T::default()))
    }
}

/// Whether a value counts as not given (an empty text or list), so English stands in for it.
pub trait Blank {
    fn is_blank(&self) -> bool;
}
impl Blank for String {
    fn is_blank(&self) -> bool {
        self.is_empty()
    }
}
impl<T> Blank for Vec<T> {
    fn is_blank(&self) -> bool {
        self.is_empty()
    }
}

impl<T> ByLang<T> {
    /// The value in `lang` exactly as given (possibly empty).
    pub fn exact(&self, lang: Lang) -> &T {
        &self.0[lang.index()]
    }
    /// Each language with its value.
    pub fn iter(&self) -> impl Iterator<Item = (Lang, &T)> {
        Lang::ALL.iter().copied().zip(&self.0)
    }
}

impl<T: Blank> ByLang<T> {
    /// The value in `lang`, or English where it is not given.
    pub fn get(&self, lang: Lang) -> &T {
        let v = self.exact(lang);
        if v.is_blank() {
            self.exact(Lang::En)
        } else {
            v
        }
    }
}

impl ByLang<String> {
    /// One text for every language (a spec's plain `unit = "%"`).
    pub fn same(text: &str) -> Self {
        let mut t = ByLang::default();
        t.0[0] = text.to_string();
        t
    }
    /// The text in `lang`, then English, then `fallback`.
    pub fn get_or<'a>(&'a self, lang: Lang, fallback: &'a str) -> &'a str {
        let t = self.get(lang);
        if t.is_empty() {
            fallback
        } else {
            t
        }
    }
}

/// Written as `{ "en": …, "zh-CN": … }`, leaving out the languages not given.
impl<T: serde::Serialize + Blank> serde::Serialize for ByLang<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(None)?;
        for (lang, v) in self.iter().filter(|(_, v)| !v.is_blank()) {
            m.serialize_entry(lang.code(), v)?;
        }
        m.end()
    }
}

/// Read from `{ "en": …, "zh-CN": … }`: each language optional, an unknown code an error
/// (serde's `unknown field `zh`, expected `en` or `zh-CN``, with its line in TOML).
impl<'de, T: serde::Deserialize<'de> + Default> serde::Deserialize<'de> for ByLang<T> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(std::marker::PhantomData<T>);
        impl<'de, T: serde::Deserialize<'de> + Default> serde::de::Visitor<'de> for V<T> {
            type Value = ByLang<T>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                write!(f, "a table of texts by language ({})", Lang::codes())
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut out = ByLang::<T>::default();
                while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
                    let lang = Lang::ALL.iter().find(|l| l.code() == key).ok_or_else(|| serde::de::Error::unknown_field(&key, &CODES))?;
                    out.0[lang.index()] = map.next_value()?;
                }
                Ok(out)
            }
        }
        d.deserialize_map(V(std::marker::PhantomData))
    }
}

/// Read from `{ "en": …, "zh-CN": … }` by the assistant's own JSON reader.
impl<T: crate::json::FromJson + Default> crate::json::FromJson for ByLang<T> {
    fn from_json(v: &crate::json::Json, at: &str) -> crate::json::JsonResult<Self> {
        let mut f = crate::json::Fields::of(v, at)?;
        let mut out = ByLang::<T>::default();
        for lang in Lang::ALL {
            out.0[lang.index()] = f.or_default(lang.code())?;
        }
        f.deny_unknown()?;
        Ok(out)
    }
}

/// A page's `lang` as the assistant's context gives it: [`Lang::pick`], so an unsupported code
/// answers in English.
impl crate::json::FromJson for Lang {
    fn from_json(v: &crate::json::Json, at: &str) -> crate::json::JsonResult<Self> {
        Ok(Lang::pick(Some(&String::from_json(v, at)?)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_parse_back_case_insensitively_and_unknown_ones_pick_english() {
        for &l in Lang::ALL {
            assert_eq!(Lang::parse(l.code()), Some(l));
            assert_eq!(Lang::parse(&l.code().to_lowercase()), Some(l));
        }
        assert_eq!(Lang::parse("fr"), None);
        assert_eq!((Lang::pick(Some("fr")), Lang::pick(None), Lang::pick(Some("ZH-cn"))), (Lang::En, Lang::En, Lang::ZhCn));
        assert_eq!(Lang::ALL[0], Lang::En);
        assert!(Lang::ALL.iter().enumerate().all(|(i, l)| l.index() == i));
    }

    #[test]
    fn texts_fall_back_to_english_and_serialise_without_blank_languages() {
        let t: ByLang<String> = serde_json::from_str(r#"{"en": "Age"}"#).unwrap();
        assert_eq!((t.get(Lang::ZhCn).as_str(), t.exact(Lang::ZhCn).as_str()), ("Age", ""));
        assert_eq!(serde_json::to_string(&t).unwrap(), r#"{"en":"Age"}"#);
        let both: ByLang<String> = serde_json::from_str(r#"{"en": "Age", "zh-CN": "年龄"}"#).unwrap();
        assert_eq!(serde_json::to_string(&both).unwrap(), r#"{"en":"Age","zh-CN":"年龄"}"#);
        let e = serde_json::from_str::<ByLang<String>>(r#"{"en": "Age", "zh": "年龄"}"#).unwrap_err().to_string();
        assert!(e.contains("unknown field `zh`, expected `en` or `zh-CN`") || cfg!(feature = "test-lang"), "{e}");
    }

    #[test]
    fn messages_fill_their_slots() {
        texts! { HELLO = "Hello {name}", "你好 {name}"; }
        assert_eq!(HELLO.fill(Lang::En, &[("name", "Ann")]), "Hello Ann");
        assert_eq!(HELLO.fill(Lang::ZhCn, &[("name", "安")]), "你好 安");
        assert_eq!(HELLO.text().get(Lang::ZhCn), "你好 {name}");
    }
}
