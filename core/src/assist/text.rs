//! Turning a question into features for matching: normalised words (lower case, light English
//! stemming, stop words dropped), character trigrams of each word (so a typo still shares most
//! of a word), and Chinese characters and character pairs (Chinese is written without spaces,
//! so pairs stand in for words).

/// Longest question read, in characters; the rest is ignored (a 100 KB paste costs no more).
pub const MAX_CHARS: usize = 500;

/// One feature of a text and its weight.
#[derive(Debug, Clone, PartialEq)]
pub struct Feature {
    pub key: String,
    pub weight: f32,
}

/// Weight of a whole (stemmed) word, a word's trigram, a Chinese character and a pair of them.
const WORD: f32 = 1.0;
const TRIGRAM: f32 = 0.25;
const HAN: f32 = 0.4;
const HAN_PAIR: f32 = 1.0;

/// English words too common to tell questions apart.
const STOP: &[&str] = &[
    "a", "an", "the", "i", "me", "my", "you", "your", "it", "is", "are", "am", "be", "to", "of", "and", "or", "in", "on", "for", "at",
    "do", "doe", "does", "did", "this", "that", "with", "so", "please", "could", "would", "will", "there", "what", "about", "tell", "us",
    "we", "our", "just", "any", "some", "get", "got", "s", "t", "who", "where", "which", "how", "can", "i'd", "i'm", "whats", "when",
    "like", "much", "many", "have", "has", "if", "then", "now", "all", "by", "from",
];

/// Chinese characters too common to tell questions apart (particles, pronouns).
const HAN_STOP: &[char] = &['的', '了', '吗', '呢', '吧', '我', '你', '是', '在', '有', '么', '啊', '请', '问', '这', '那', '个'];

/// Phrases read as one word (after lower-casing): English idioms and Chinese synonyms, so that
/// other wordings of a question meet the examples' words.
const PHRASES: &[(&str, &str)] = &[
    ("or not", " "),
    ("turned down", "declined"),
    ("turn down", "declined"),
    ("how long", "soon"),
    ("hear back", "reply"),
    ("hear from", "reply"),
    ("pay off", "repay"),
    ("paying off", "repay"),
    ("paid off", "repay"),
    ("paying back", "repay"),
    ("paid back", "repay"),
    ("pay back", "repay"),
    ("a person", "person"),
    ("real person", "person"),
    ("customer service", "person"),
    ("credit score", "score"),
    ("credit rating", "score"),
    ("per year", "annual"),
    ("credit file", "creditfile"),
    ("credit report", "creditfile"),
    ("credit history", "creditfile"),
    ("credit record", "creditfile"),
    ("move up", "improve"),
    ("turned away", "declined"),
    ("turn away", "declined"),
    ("next step", "next"),
    ("based on", "computed"),
    ("work out", "computed"),
    ("worked out", "computed"),
    ("figure out", "computed"),
    ("customer support", "person"),
    ("reapply", "apply again"),
    ("get to", "reach"),
    ("get into", "reach"),
    ("try again", "apply again"),
    ("一下", " "),
    ("结果", "分数"),
    ("信用分", "分数"),
    ("评分", "分数"),
    ("得分", "分数"),
    ("分值", "分数"),
    ("积分", "分数"),
    ("被拒", "拒绝"),
    ("拒了", "拒绝"),
    ("没通过", "拒绝"),
    ("没有通过", "拒绝"),
    ("未通过", "拒绝"),
    ("不通过", "拒绝"),
    ("为啥", "为什么"),
    ("为何", "为什么"),
    ("咋", "怎么"),
    ("如何", "怎么"),
    ("怎样", "怎么"),
    ("提升", "提高"),
    ("增加", "提高"),
    ("改善", "提高"),
    ("变高", "提高"),
    ("档次", "等级"),
    ("级别", "等级"),
    ("几档", "等级"),
    ("上传", "发送"),
    ("传到", "发送"),
    ("储存", "保存"),
    ("存储", "保存"),
    ("真人", "人工"),
    ("工作人员", "人工"),
    ("客服", "人工"),
    ("投诉", "申诉"),
    ("异议", "申诉"),
    ("复核", "申诉"),
    ("资料", "材料"),
    ("证件", "材料"),
    ("手续费", "费用"),
    ("收费", "费用"),
    ("利息", "利率"),
    ("批准", "通过"),
    ("获批", "通过"),
    ("审批", "审核"),
    ("导致", "原因"),
    ("造成", "原因"),
    ("因素", "原因"),
    ("下降", "低"),
    ("降低", "低"),
    ("变低", "低"),
    ("拉低", "低"),
    ("不利", "低"),
    ("扣分", "低"),
    ("多少分", "分数"),
    ("最高", "满分"),
    ("业务", "产品"),
    ("适合", "推荐"),
    ("数据", "信息"),
    ("安全", "隐私"),
    ("判断", "计算"),
    ("算法", "计算"),
    ("性别", "受保护"),
    ("国籍", "受保护"),
    ("婚姻", "受保护"),
    ("种族", "受保护"),
    ("宗教", "受保护"),
    ("人工审核", "审核"),
    ("转人工", "人工"),
    ("打电话", "电话"),
    ("来电", "电话"),
    ("提前还清", "提前还款"),
    ("还清", "还款"),
    ("几天", "多久"),
    ("多长时间", "多久"),
    ("什么时候", "多久"),
    ("夫妻", "共同"),
    ("一起", "共同"),
    ("联名", "共同"),
    ("伴侣", "共同"),
    ("这么差", "这么低"),
    ("很差", "很低"),
    ("更高", "提高"),
    ("更好", "提高"),
    ("升到", "提高"),
    ("升级", "提高"),
    ("再次", "再"),
    ("接下来", "下一步"),
    ("算高", "算好"),
    ("查看", "看到"),
    ("看见", "看到"),
    ("可以", "能"),
    ("信用记录", "征信"),
    ("记录", "保存"),
    ("保密", "隐私"),
    ("理由", "原因"),
    ("不高", "低"),
    ("根据", "计算"),
    ("依据", "计算"),
    ("算出", "计算"),
    ("算分", "计算分数"),
    ("重新申请", "再申请"),
];

/// English word stems read as another (after stemming): synonyms meet on one stem.
const WORDS: &[(&str, &str)] = &[
    ("rating", "scor"),
    ("number", "scor"),
    ("point", "scor"),
    ("mark", "scor"),
    ("grade", "band"),
    ("grad", "band"),
    ("level", "band"),
    ("tier", "band"),
    ("categori", "band"),
    ("class", "band"),
    ("reject", "declin"),
    ("refus", "declin"),
    ("deni", "declin"),
    ("fail", "declin"),
    ("lower", "low"),
    ("drop", "low"),
    ("reduc", "low"),
    ("hurt", "affect"),
    ("impact", "affect"),
    ("pull", "low"),
    ("drag", "low"),
    ("negativ", "low"),
    ("bad", "low"),
    ("poor", "low"),
    ("wors", "low"),
    ("rais", "improv"),
    ("different", "chang"),
    ("increas", "improv"),
    ("boost", "improv"),
    ("higher", "improv"),
    ("better", "improv"),
    ("accept", "approv"),
    ("pass", "approv"),
    ("qualify", "eligibl"),
    ("qualifi", "eligibl"),
    ("inform", "data"),
    ("info", "data"),
    ("detail", "data"),
    ("upload", "send"),
    ("share", "send"),
    ("transmit", "send"),
    ("sav", "stor"),
    ("keep", "stor"),
    ("view", "see"),
    ("access", "see"),
    ("safe", "privacy"),
    ("secur", "privacy"),
    ("privat", "privacy"),
    ("confidential", "privacy"),
    ("record", "stor"),
    ("human", "person"),
    ("someone", "person"),
    ("agent", "person"),
    ("staff", "person"),
    ("people", "person"),
    ("advisor", "person"),
    ("adviser", "person"),
    ("representativ", "person"),
    ("operator", "person"),
    ("speak", "talk"),
    ("chat", "talk"),
    ("phone", "call"),
    ("ring", "call"),
    ("disput", "appeal"),
    ("challeng", "appeal"),
    ("complain", "appeal"),
    ("complaint", "appeal"),
    ("contest", "appeal"),
    ("option", "product"),
    ("offer", "product"),
    ("suggest", "recommend"),
    ("charg", "fee"),
    ("cost", "fee"),
    ("penalty", "fee"),
    ("free", "fee"),
    ("yearly", "annual"),
    ("paperwork", "document"),
    ("paper", "document"),
    ("proof", "document"),
    ("quick", "soon"),
    ("fast", "soon"),
    ("answer", "reply"),
    ("respons", "reply"),
    ("algorithm", "comput"),
    ("formula", "comput"),
    ("calculat", "comput"),
    ("decid", "comput"),
    ("determin", "comput"),
    ("gender", "protect"),
    ("sex", "protect"),
    ("nationality", "protect"),
    ("race", "protect"),
    ("religion", "protect"),
    ("ethnic", "protect"),
    ("marital", "protect"),
    ("bias", "fair"),
    ("discriminat", "fair"),
    ("hi", "hello"),
    ("hey", "hello"),
    ("thank", "hello"),
    ("thanks", "hello"),
    ("bye", "hello"),
    ("morning", "hello"),
    ("evening", "hello"),
    ("afternoon", "hello"),
    ("goodbye", "hello"),
];

/// The word a stem (or word) of [`WORDS`] is read as.
pub fn synonym(w: &str) -> Option<&'static str> {
    WORDS.iter().find(|(from, _)| *from == w).map(|&(_, to)| to)
}

/// The English stems with a synonym (for typo correction toward them).
pub fn synonym_stems() -> impl Iterator<Item = &'static str> {
    WORDS.iter().map(|&(from, _)| from)
}

/// Whether `c` is a Chinese (Han) character.
pub fn is_han(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF)
}

/// Whether `c` is part of a word: ASCII letters and digits, the apostrophe, and any other
/// character but spaces, controls and punctuation (the languages served are English and
/// Chinese; no Unicode tables, which would cost the browser module their bytes).
fn is_word_char(c: char) -> bool {
    match c as u32 {
        0..=0x7F => c.is_ascii_alphanumeric() || c == '\'',
        0x80..=0xBF | 0x2000..=0x206F | 0x3000..=0x303F | 0xFE30..=0xFE4F | 0xFF00..=0xFF65 => false,
        _ => !c.is_whitespace(),
    }
}

/// ASCII lower case, full-width ASCII folded to ASCII, controls and punctuation to spaces, at
/// most [`MAX_CHARS`] characters.
pub fn normalise(text: &str) -> String {
    text.chars()
        .take(MAX_CHARS)
        .map(|c| match c as u32 {
            0xFF01..=0xFF5E => char::from_u32(c as u32 - 0xFEE0).unwrap_or(' '),
            _ => c,
        })
        .map(|c| c.to_ascii_lowercase())
        .map(|c| if is_word_char(c) { c } else { ' ' })
        .collect()
}

/// A light English stemmer: enough that "declined", "declines" and "declining" meet.
pub fn stem(word: &str) -> String {
    let w = word.trim_matches('\'');
    let w = w.strip_suffix("'s").unwrap_or(w);
    if w.len() <= 3 || !w.is_ascii() {
        return w.to_string();
    }
    for (suffix, keep) in [("ies", "y"), ("ied", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", ""), ("ly", "")] {
        if let Some(base) = w.strip_suffix(suffix) {
            if base.len() >= 3 && !(suffix == "s" && base.ends_with('s')) {
                let mut b = base.to_string();
                // "approv(e)d" / "approv(e)" meet; doubled consonants ("stopped") are undone.
                if b.ends_with('e') {
                    b.pop();
                }
                let bytes = b.as_bytes();
                if bytes.len() >= 2 && bytes[bytes.len() - 1] == bytes[bytes.len() - 2] && !b.ends_with("ss") && !b.ends_with("ll") {
                    b.pop();
                }
                return b + keep;
            }
        }
    }
    w.strip_suffix('e').filter(|b| b.len() >= 3).unwrap_or(w).to_string()
}

/// The features of a text: stemmed words and their trigrams, Chinese characters and pairs.
pub fn features(text: &str) -> Vec<Feature> {
    let mut text = normalise(text);
    for (from, to) in PHRASES {
        if crate::substr::find(&text, from).is_some() {
            text = crate::substr::replace(&text, from, to);
        }
    }
    let mut out = Vec::new();
    let mut han_run: Vec<char> = Vec::new();
    let flush_han = |run: &mut Vec<char>, out: &mut Vec<Feature>| {
        // Stop characters split the run: a pair across one ("致我") is not a word.
        for (i, &c) in run.iter().enumerate().filter(|(_, c)| !HAN_STOP.contains(c)) {
            out.push(Feature { key: c.to_string(), weight: HAN });
            if let Some(&next) = run.get(i + 1).filter(|n| !HAN_STOP.contains(n)) {
                out.push(Feature { key: format!("{c}{next}"), weight: HAN_PAIR });
            }
        }
        run.clear();
    };
    for word in text.split_whitespace() {
        let mut latin = String::new();
        for c in word.chars() {
            if is_han(c) {
                push_word(&latin, &mut out);
                latin.clear();
                han_run.push(c);
            } else {
                flush_han(&mut han_run, &mut out);
                latin.push(c);
            }
        }
        push_word(&latin, &mut out);
    }
    flush_han(&mut han_run, &mut out);
    out
}

/// The feature every number stands for: "is 450 low?" asks about the scale, whatever the number.
pub const NUMBER: &str = "#number";

fn push_word(word: &str, out: &mut Vec<Feature>) {
    if !word.is_empty() && word.bytes().all(|b| b.is_ascii_digit()) {
        out.push(Feature { key: NUMBER.into(), weight: WORD });
        return;
    }
    // The synonym list is looked up before stemming ("rating") and after ("ratings" → "rating").
    let s = synonym(word).map_or_else(
        || {
            let s = stem(word);
            synonym(&s).map_or(s, String::from)
        },
        String::from,
    );
    if s.is_empty() || STOP.contains(&s.as_str()) || STOP.contains(&word) {
        return;
    }
    let chars: Vec<char> = format!("#{s}#").chars().collect();
    if chars.len() > 4 {
        for w in chars.windows(3) {
            out.push(Feature { key: format!("~{}", w.iter().collect::<String>()), weight: TRIGRAM });
        }
    }
    out.push(Feature { key: s, weight: WORD });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_forms_meet() {
        for (a, b) in
            [("declined", "declines"), ("declining", "decline"), ("approved", "approve"), ("scores", "score"), ("policies", "policy")]
        {
            assert_eq!(stem(a), stem(b), "{a} / {b}");
        }
    }

    #[test]
    fn chinese_is_split_into_characters_and_pairs() {
        let f: Vec<String> = features("为什么被拒绝？").into_iter().map(|f| f.key).collect();
        assert!(f.contains(&"拒绝".to_string()) && f.contains(&"拒".to_string()), "{f:?}");
        let mixed: Vec<String> = features("我的score为什么低").into_iter().map(|f| f.key).collect();
        assert!(mixed.contains(&"scor".to_string()) && mixed.contains(&"为什".to_string()), "{mixed:?}");
    }

    #[test]
    fn hostile_text_is_bounded_and_never_panics() {
        assert!(features("").is_empty());
        assert!(features(&"x".repeat(100_000)).len() < 2 * MAX_CHARS);
        let _ = features("\u{0}\u{7}<script>alert(1)</script>😀🏦 ｆｕｌｌ　ｗｉｄｔｈ \u{202e}");
        assert_eq!(normalise("ＡＢＣ"), "abc");
    }
}
