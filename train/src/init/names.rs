//! What a column's name says: a display text, whether it names a protected attribute, whether
//! it is a label.

/// Name tokens of protected attributes (en), compared with whole tokens of the column's name.
const PROTECTED: [&str; 13] = [
    "sex",
    "gender",
    "marital",
    "nationality",
    "national",
    "citizenship",
    "race",
    "racial",
    "ethnicity",
    "ethnic",
    "religion",
    "religious",
    "foreign",
];
/// Protected attributes in Chinese, found anywhere in the name.
const PROTECTED_ZH: [&str; 7] = ["性别", "婚姻", "民族", "国籍", "宗教", "种族", "籍贯"];
/// Words after `age` that make it an age band.
const AGE_BAND: [&str; 5] = ["band", "group", "bracket", "range", "category"];
/// Label names (a whole header, in any case), most likely first: en, then zh ("default", "is it
/// a default", "overdue", "is it overdue", "label", "target").
pub const LABEL_NAMES: [&str; 24] = [
    "label",
    "target",
    "class",
    "y",
    "outcome",
    "response",
    "bad",
    "defaulted",
    "default",
    "is_default",
    "default_flag",
    "bad_flag",
    "loan_status",
    "charged_off",
    "charge_off",
    "chargeoff",
    "risk",
    "credit_risk",
    "违约",
    "是否违约",
    "逾期",
    "是否逾期",
    "标签",
    "目标",
];

/// Words that make a header a label's when no header is a label's name ([`LABEL_NAMES`]):
/// "default payment next month", "SeriousDlqin2yrs" is not one (name it), "bad_loan" is.
const LABEL_WORDS: [&str; 5] = ["default", "defaulted", "delinquent", "delinquency", "bad"];
/// The same in Chinese, found anywhere in the header.
const LABEL_WORDS_ZH: [&str; 2] = ["违约", "逾期"];

/// The label's column in `header`: the first of [`LABEL_NAMES`] that is a whole header; else
/// the last header with one of [`LABEL_WORDS`] (a label is most often the last column).
pub fn label(header: &[String]) -> Option<usize> {
    LABEL_NAMES.iter().find_map(|l| header.iter().position(|h| h.to_lowercase() == *l)).or_else(|| {
        header
            .iter()
            .rposition(|h| words(h).iter().any(|w| LABEL_WORDS.contains(&w.as_str())) || LABEL_WORDS_ZH.iter().any(|z| h.contains(z)))
    })
}

/// The lower-case words of a name: split at anything not a letter or digit, and where a
/// lower-case letter meets an upper-case one (`NumberOfTimes90DaysLate` → number, of, times,
/// 90, days, late).
pub fn words(name: &str) -> Vec<String> {
    let mut out: Vec<String> = vec![];
    let mut prev: Option<char> = None;
    for ch in name.chars() {
        let starts = match prev {
            None => true,
            Some(p) => !p.is_alphanumeric() || (p.is_lowercase() && ch.is_uppercase()) || (p.is_ascii_digit() != ch.is_ascii_digit()),
        };
        if ch.is_alphanumeric() {
            if starts || out.is_empty() {
                out.push(String::new());
            }
            out.last_mut().expect("pushed").extend(ch.to_lowercase());
        }
        prev = Some(ch);
    }
    out
}

/// An English display text from a column name: its words, the first capitalised
/// (`credit_amount` → "Credit amount"), a range of numbers kept as one (`30-59`); a name that is
/// not made of words is kept as it is.
pub fn display(name: &str) -> String {
    let w = words(name);
    if w.is_empty() || !name.is_ascii() {
        return name.to_string();
    }
    let mut text = w.join(" ");
    for range in ranges(name) {
        text = text.replace(&range.replace('-', " "), &range);
    }
    if let Some(first) = text.get(..1) {
        text = first.to_uppercase() + &text[1..];
    }
    text
}

/// The `12-34` number ranges in a name.
fn ranges(name: &str) -> Vec<String> {
    let b = name.as_bytes();
    let mut out = vec![];
    for (i, &c) in b.iter().enumerate() {
        if c != b'-' || i == 0 || !b[i - 1].is_ascii_digit() || !b.get(i + 1).is_some_and(u8::is_ascii_digit) {
            continue;
        }
        let start = b[..i].iter().rposition(|d| !d.is_ascii_digit()).map_or(0, |p| p + 1);
        let end = b[i + 1..].iter().position(|d| !d.is_ascii_digit()).map_or(b.len(), |p| i + 1 + p);
        out.push(name[start..end].to_string());
    }
    out
}

/// Whether a name tells a customer nothing: a letter or two and digits (`A4`, `x12`), or none.
pub fn is_opaque(name: &str) -> bool {
    let letters = name.chars().filter(|c| c.is_alphabetic()).count();
    letters <= 2 && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Words of a name that say its values are codes, not amounts (`region_code`, `product_type`).
const CODE_WORDS: [&str; 10] = ["code", "cd", "type", "category", "class", "kind", "zip", "postcode", "region", "branch"];

/// Whether a column name reads like codes (a word of [`CODE_WORDS`], or 编码 / 代码 / 类型 /
/// 类别 in it).
pub fn reads_like_codes(name: &str) -> bool {
    words(name).iter().any(|w| CODE_WORDS.contains(&w.as_str())) || ["编码", "代码", "类型", "类别"].iter().any(|t| name.contains(t))
}

/// Whether a column name names a protected attribute (sex, marital status, nationality, race,
/// religion, an age band; in English or Chinese).
pub fn is_protected(name: &str) -> bool {
    let w = words(name);
    let has = |t: &str| w.iter().any(|x| x == t);
    PROTECTED.iter().any(|t| has(t))
        || (has("personal") && has("status"))
        || (has("age") && AGE_BAND.iter().any(|t| has(t)))
        || PROTECTED_ZH.iter().any(|t| name.contains(t))
}

/// The label's positive value among its two: the larger number, a word meaning the event
/// (yes, true, bad, default), or else the rarer value. `counts` are the rows of each.
pub fn positive(values: [&str; 2], counts: [u64; 2]) -> usize {
    if let (Ok(a), Ok(b)) = (values[0].trim().parse::<f64>(), values[1].trim().parse::<f64>()) {
        return usize::from(b > a);
    }
    const EVENT: [&str; 12] = ["yes", "y", "true", "bad", "default", "defaulted", "charged off", "delinquent", "是", "坏", "违约", "逾期"];
    if let Some(i) = values.iter().position(|v| EVENT.contains(&v.trim().to_lowercase().as_str())) {
        return i;
    }
    usize::from(counts[1] < counts[0])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_that_read_like_codes() {
        for n in ["region_code", "ProductType", "branch", "zip", "客户类型", "postcode"] {
            assert!(reads_like_codes(n), "{n}");
        }
        for n in ["income", "num_dependents", "codename_length_x", "age", "credit_amount"] {
            assert!(!reads_like_codes(n), "{n}");
        }
    }

    #[test]
    fn names_read_as_words() {
        assert_eq!(
            words("NumberOfTime30-59DaysPastDueNotWorse"),
            ["number", "of", "time", "30", "59", "days", "past", "due", "not", "worse"]
        );
        assert_eq!(display("credit_amount"), "Credit amount");
        assert_eq!(display("MonthlyIncome"), "Monthly income");
        assert_eq!(display("NumberOfTime30-59DaysPastDueNotWorse"), "Number of time 30-59 days past due not worse");
        assert_eq!(display("月收入"), "月收入");
        assert!(is_opaque("A14") && is_opaque("x3") && !is_opaque("age"));
    }

    #[test]
    fn protected_attributes_are_recognised_by_name() {
        for p in ["sex", "Gender", "personal_status", "marital", "foreign_worker", "AgeBand", "age_group", "ethnicity", "申请人性别"] {
            assert!(is_protected(p), "{p}");
        }
        for p in ["age", "average_balance", "message", "races_won_count"] {
            assert!(!is_protected(p), "{p}");
        }
    }

    #[test]
    fn a_label_is_found_by_its_name_or_its_words() {
        let h = |names: &[&str]| names.iter().map(|n| n.to_string()).collect::<Vec<_>>();
        // A whole name first, wherever it is; "default" as a word of a feature's name does not
        // take it from `loan_status` (Kaggle's credit_risk_dataset).
        assert_eq!(label(&h(&["person_age", "loan_status", "cb_person_default_on_file"])), Some(1));
        assert_eq!(label(&h(&["ID", "LIMIT_BAL", "default payment next month"])), Some(2));
        assert_eq!(label(&h(&["id", "default.payment.next.month"])), Some(1));
        assert_eq!(label(&h(&["客户", "是否发生逾期"])), Some(1));
        assert_eq!(label(&h(&["age", "income"])), None);
        assert_eq!(label(&h(&["badge_count", "Class"])), Some(1));
        assert_eq!(label(&h(&["acct", "Charged_Off", "ratio"])), Some(1));
        // Kaggle's German credit: `Risk` holding good / bad; a risk score is no label.
        assert_eq!(label(&h(&["Age", "Sex", "Credit amount", "Risk"])), Some(3));
        assert_eq!(label(&h(&["risk_score", "income"])), None);
    }

    #[test]
    fn the_positive_value_is_the_event() {
        assert_eq!(positive(["1", "2"], [700, 300]), 1);
        assert_eq!(positive(["1", "0"], [10, 90]), 0);
        assert_eq!(positive(["no", "yes"], [90, 10]), 1);
        assert_eq!(positive(["good", "poor"], [60, 40]), 1);
        assert_eq!(positive(["Charged Off", "Fully Paid"], [20, 80]), 0);
        assert_eq!(positive(["否", "是"], [10, 90]), 1);
        assert_eq!(positive(["正常", "逾期"], [90, 10]), 1);
    }
}
