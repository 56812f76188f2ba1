//! A small TF-IDF index over labelled example phrases: each label (an intent, an FAQ entry)
//! scores as the cosine similarity of the question with its closest example. Words the index
//! has never seen weigh like its rarest words, so an off-topic question scores low.
//!
//! Terms are kept as lists sorted by key (looked up by binary search) rather than hash maps:
//! the lists are short, and hashing was 3 KB of the assistant's module (BENCHMARKS.md).

use super::text::Feature;
use crate::sort::sort_by;

/// Terms and their weights, sorted by term, each term once.
type Terms = Vec<(String, f32)>;

/// The weight of `key` in sorted `terms`.
fn lookup(terms: &[(String, f32)], key: &str) -> Option<f32> {
    terms.binary_search_by(|(t, _)| t.as_str().cmp(key)).ok().map(|i| terms[i].1)
}

struct Doc<L> {
    label: L,
    terms: Terms,
    norm: f32,
}

impl<L> Doc<L> {
    fn new(label: L, terms: Terms) -> Self {
        let norm = terms.iter().map(|(_, w)| w * w).sum::<f32>().sqrt();
        Doc { label, terms, norm }
    }
    /// Cosine similarity with a query of norm `q_norm`.
    fn cosine(&self, q: &[(String, f32)], q_norm: f32) -> f32 {
        let dot: f32 = q.iter().filter_map(|(t, w)| lookup(&self.terms, t).map(|v| v * w)).sum();
        dot / (q_norm * self.norm.max(1e-6))
    }
}

/// Labelled examples, indexed.
pub struct Index<L> {
    docs: Vec<Doc<L>>,
    idf: Terms,
    unseen_idf: f32,
    /// The English words of the examples and the synonyms' stems, for typo correction.
    words: Vec<String>,
}

/// Whether a feature key is an English word (not a trigram, not Chinese).
pub fn is_word(key: &str) -> bool {
    !key.starts_with('~') && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '\'')
}

/// `query` with each unknown English word of 5+ letters replaced by the closest word of
/// `words` with the same first letter (one edit away, two for words of 7+ letters): "imporve"
/// reads as "improve", and
/// "rejectd" as "declin" (the word `reject` is read as).
pub fn correct(query: &[Feature], words: &[String], known: impl Fn(&str) -> bool) -> Vec<Feature> {
    query
        .iter()
        .map(|f| {
            if !is_word(&f.key) || f.key.len() < 5 || known(&f.key) {
                return f.clone();
            }
            let max = if f.key.len() >= 7 { 2 } else { 1 };
            // Typos seldom change a word's first letter; off-topic words often are two edits
            // from a known word ("capital", "marital").
            let near = words
                .iter()
                .filter(|w| w.as_bytes().first() == f.key.as_bytes().first())
                .filter_map(|w| distance(&f.key, w, max).map(|d| (d, w)))
                .min_by_key(|&(d, _)| d);
            // A word near a synonym's stem ("rejectd") reads as that synonym's word.
            near.map_or_else(|| f.clone(), |(_, w)| Feature { key: super::text::synonym(w).unwrap_or(w).to_string(), weight: f.weight })
        })
        .collect()
}

/// Optimal-string-alignment distance (edits, with adjacent swaps) of two words, or `None`
/// when it exceeds `max`.
fn distance(a: &str, b: &str, max: usize) -> Option<usize> {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    if a.len().abs_diff(b.len()) > max {
        return None;
    }
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    (0..=a.len()).for_each(|i| d[i][0] = i);
    (0..=b.len()).for_each(|j| d[0][j] = j);
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            d[i][j] = (d[i - 1][j] + 1).min(d[i][j - 1] + 1).min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d[i][j] = d[i][j].min(d[i - 2][j - 2] + 1);
            }
        }
    }
    Some(d[a.len()][b.len()]).filter(|&x| x <= max)
}

/// A label's best example for a query, with its cosine similarity (0–1).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Hit<L> {
    pub label: L,
    pub score: f32,
}

/// Each feature's total weight, sorted by key.
fn weights(features: &[Feature]) -> Terms {
    let mut terms: Terms = features.iter().map(|f| (f.key.clone(), f.weight)).collect();
    sort_by(&mut terms, |a, b| a.0 < b.0);
    terms.dedup_by(|later, kept| {
        let same = later.0 == kept.0;
        if same {
            kept.1 += later.1;
        }
        same
    });
    terms
}

impl<L: Copy + PartialEq> Index<L> {
    /// An index of `(label, features)` examples.
    pub fn new(examples: impl IntoIterator<Item = (L, Vec<Feature>)>) -> Self {
        let raw: Vec<(L, Terms)> = examples.into_iter().map(|(l, f)| (l, weights(&f))).filter(|(_, t)| !t.is_empty()).collect();
        // Document frequencies: each example's terms once, counted as one weight each.
        let every: Vec<Feature> = raw.iter().flat_map(|(_, t)| t.iter().map(|(k, _)| Feature { key: k.clone(), weight: 1.0 })).collect();
        let n = raw.len().max(1) as f32;
        let mut idf = weights(&every);
        idf.iter_mut().for_each(|(_, d)| *d = (1.0 + n / *d).ln());
        let docs = raw
            .into_iter()
            .map(|(label, mut terms)| {
                terms.iter_mut().for_each(|(t, w)| *w *= lookup(&idf, t).unwrap_or(0.0));
                Doc::new(label, terms)
            })
            .collect();
        // Synonyms' stems of 5+ letters only: a short stem ("wors") is one edit from common words.
        let stems = super::text::synonym_stems().filter(|s| s.len() >= 5).map(String::from);
        let mut words: Vec<String> = idf.iter().map(|(k, _)| k.clone()).chain(stems).filter(|k| is_word(k) && k.len() >= 3).collect();
        sort_by(&mut words, |a, b| a < b);
        words.dedup();
        Index { docs, idf, unseen_idf: (1.0 + n).ln(), words }
    }

    /// The query with typos corrected toward the examples' words ([`correct`]).
    pub fn correct(&self, query: &[Feature]) -> Vec<Feature> {
        correct(query, &self.words, |k| lookup(&self.idf, k).is_some())
    }

    /// Every label with its best example's similarity, best first (labels with no shared
    /// feature left out).
    pub fn search(&self, query: &[Feature]) -> Vec<Hit<L>> {
        // An unseen pair of Chinese characters is most often two words' edges, not a word: it
        // weighs less than an unseen word.
        let unseen = |t: &str| if t.chars().count() == 2 && t.chars().all(super::text::is_han) { 0.3 } else { 1.0 };
        let query = self.correct(query);
        let q: Terms = weights(&query)
            .into_iter()
            .map(|(t, w)| {
                let idf = lookup(&self.idf, &t).unwrap_or(self.unseen_idf * unseen(&t));
                (t, w * idf)
            })
            .collect();
        let q_norm = q.iter().map(|(_, w)| w * w).sum::<f32>().sqrt().max(1e-6);
        let mut best: Vec<Hit<L>> = Vec::new();
        for d in &self.docs {
            let score = d.cosine(&q, q_norm);
            if score <= 0.0 {
                continue;
            }
            match best.iter_mut().find(|h| h.label == d.label) {
                Some(h) if h.score < score => h.score = score,
                Some(_) => {}
                None => best.push(Hit { label: d.label, score }),
            }
        }
        // Ties keep the examples' order.
        let mut ranked: Vec<(usize, Hit<L>)> = best.into_iter().enumerate().collect();
        sort_by(&mut ranked, |(i, a), (j, b)| a.score > b.score || (a.score == b.score && i < j));
        ranked.into_iter().map(|(_, h)| h).collect()
    }
}
