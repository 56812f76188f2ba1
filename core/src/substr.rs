//! Finding and replacing substrings by direct comparison. `str::contains` and `str::replace`
//! with a `&str` pattern bring core's two-way searcher and its slicing-error formatting (about
//! 4 KB of the assistant's module, BENCHMARKS.md "The assistant"); the texts searched here are
//! short (a question, a message template), where comparing at each position is as fast.

/// Where `needle` first occurs in `hay`, in bytes.
pub fn find(hay: &str, needle: &str) -> Option<usize> {
    let (h, n) = (hay.as_bytes(), needle.as_bytes());
    // UTF-8 is self-synchronising: a match of whole characters' bytes starts on a boundary.
    (0..=h.len().checked_sub(n.len())?).find(|&i| h.get(i..i + n.len()) == Some(n))
}

/// `text` with every occurrence of `from` (non-empty) replaced by `to`.
pub fn replace(text: &str, from: &str, to: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = find(rest, from).filter(|_| !from.is_empty()) {
        out.push_str(rest.get(..i).unwrap_or_default());
        out.push_str(to);
        rest = rest.get(i + from.len()..).unwrap_or_default();
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_and_replaces_like_std() {
        for (hay, needle) in [("why not me", "not"), ("", "a"), ("a", ""), ("为什么不给我", "不给"), ("aaa", "aa"), ("abc", "abcd")]
        {
            assert_eq!(find(hay, needle), hay.find(needle), "{hay:?} {needle:?}");
            if !needle.is_empty() {
                assert_eq!(replace(hay, needle, "<x>"), hay.replace(needle, "<x>"), "{hay:?} {needle:?}");
            }
        }
    }
}
