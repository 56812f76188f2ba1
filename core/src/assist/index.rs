//! A small TF-IDF index over labelled example phrases: each label (an intent, an FAQ entry)
//! scores as the cosine similarity of the question with its closest example. Words the index
//! has never seen weigh like its rarest words, so an off-topic question scores low.

use std::collections::HashMap;

use super::text::Feature;

struct Doc<L> {
    label: L,
    terms: HashMap<String, f32>,
    norm: f32,
}

/// Labelled examples, indexed.
pub struct Index<L> {
    docs: Vec<Doc<L>>,
    idf: HashMap<String, f32>,
    unseen_idf: f32,
    /// The English words of the examples, for typo correction.
    words: Vec<String>,
}

/// Whether a feature key is an English word (not a trigram, not Chinese).
pub fn is_word(key: &str) -> bool {
    !key.starts_with('~') && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '\'')
}

/// `query` with each unknown English word of 4+ letters replaced by the closest word of
/// `words` (one edit away, two for words of 7+ letters): "imporve" reads as "improve".
pub fn correct(query: &[Feature], words: &[String], known: impl Fn(&str) -> bool) -> Vec<Feature> {
    query
        .iter()
        .map(|f| {
            if !is_word(&f.key) || f.key.len() < 4 || known(&f.key) {
                return f.clone();
            }
            let max = if f.key.len() >= 7 { 2 } else { 1 };
            let near = words.iter().filter_map(|w| distance(&f.key, w, max).map(|d| (d, w))).min_by_key(|&(d, _)| d);
            near.map_or_else(|| f.clone(), |(_, w)| Feature { key: w.clone(), weight: f.weight })
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

fn weights(features: &[Feature]) -> HashMap<String, f32> {
    let mut terms: HashMap<String, f32> = HashMap::new();
    for f in features {
        *terms.entry(f.key.clone()).or_default() += f.weight;
    }
    terms
}

impl<L: Copy + PartialEq> Index<L> {
    /// An index of `(label, features)` examples.
    pub fn new(examples: impl IntoIterator<Item = (L, Vec<Feature>)>) -> Self {
        let raw: Vec<(L, HashMap<String, f32>)> =
            examples.into_iter().map(|(l, f)| (l, weights(&f))).filter(|(_, t)| !t.is_empty()).collect();
        let mut df: HashMap<String, usize> = HashMap::new();
        for (_, terms) in &raw {
            for t in terms.keys() {
                *df.entry(t.clone()).or_default() += 1;
            }
        }
        let n = raw.len().max(1) as f32;
        let idf: HashMap<String, f32> = df.into_iter().map(|(t, d)| (t, (1.0 + n / d as f32).ln())).collect();
        let docs = raw
            .into_iter()
            .map(|(label, mut terms)| {
                terms.iter_mut().for_each(|(t, w)| *w *= idf[t]);
                let norm = terms.values().map(|w| w * w).sum::<f32>().sqrt();
                Doc { label, terms, norm }
            })
            .collect();
        let mut words: Vec<String> = idf.keys().filter(|k| is_word(k) && k.len() >= 3).cloned().collect();
        words.sort_unstable();
        Index { docs, idf, unseen_idf: (1.0 + n).ln(), words }
    }

    /// The query with typos corrected toward the examples' words ([`correct`]).
    pub fn correct(&self, query: &[Feature]) -> Vec<Feature> {
        correct(query, &self.words, |k| self.idf.contains_key(k))
    }

    /// Every label with its best example's similarity, best first (labels with no shared
    /// feature left out).
    pub fn search(&self, query: &[Feature]) -> Vec<Hit<L>> {
        // An unseen pair of Chinese characters is most often two words' edges, not a word: it
        // weighs less than an unseen word.
        let unseen = |t: &str| if t.chars().count() == 2 && t.chars().all(super::text::is_han) { 0.3 } else { 1.0 };
        let query = self.correct(query);
        let q: Vec<(String, f32)> = weights(&query)
            .into_iter()
            .map(|(t, w)| {
                let idf = self.idf.get(&t).copied().unwrap_or(self.unseen_idf * unseen(&t));
                (t, w * idf)
            })
            .collect();
        let q_norm = q.iter().map(|(_, w)| w * w).sum::<f32>().sqrt().max(1e-6);
        let mut best: Vec<Hit<L>> = Vec::new();
        for d in &self.docs {
            let dot: f32 = q.iter().filter_map(|(t, w)| d.terms.get(t).map(|v| v * w)).sum();
            if dot <= 0.0 {
                continue;
            }
            let score = dot / (q_norm * d.norm.max(1e-6));
            match best.iter_mut().find(|h| h.label == d.label) {
                Some(h) if h.score < score => h.score = score,
                Some(_) => {}
                None => best.push(Hit { label: d.label, score }),
            }
        }
        // Ties keep the examples' order (an unstable sort is a fifth of the bytes of a stable one).
        let mut ranked: Vec<(usize, Hit<L>)> = best.into_iter().enumerate().collect();
        ranked.sort_unstable_by(|(i, a), (j, b)| b.score.total_cmp(&a.score).then(i.cmp(j)));
        ranked.into_iter().map(|(_, h)| h).collect()
    }
}
