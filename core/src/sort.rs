//! An in-place heap sort for lists sorted once, where bytes count more than time: the
//! assistant's (catalog, FAQ, each question's matches) and the scan's nodes of a tree ensemble
//! (`trees/quick.rs`, once per model load). `std`'s sorts are faster on large inputs, but each
//! of their instantiations was 2–3 KB of a browser module, where this is a few hundred bytes
//! (BENCHMARKS.md, "The assistant"). Not stable.

/// Sorts `v` so that no element is `less` than one before it.
pub fn sort_by<T>(v: &mut [T], less: impl Fn(&T, &T) -> bool) {
    let sift = |v: &mut [T], mut root: usize, end: usize| loop {
        let mut child = 2 * root + 1;
        if child >= end {
            break;
        }
        if child + 1 < end && less(&v[child], &v[child + 1]) {
            child += 1;
        }
        if !less(&v[root], &v[child]) {
            break;
        }
        v.swap(root, child);
        root = child;
    };
    let n = v.len();
    for root in (0..n / 2).rev() {
        sift(v, root, n);
    }
    for end in (1..n).rev() {
        v.swap(0, end);
        sift(v, 0, end);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_like_std() {
        let mut seed = 7u64;
        for n in [0, 1, 2, 3, 10, 257] {
            let mut v: Vec<u32> = (0..n)
                .map(|_| {
                    seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                    (seed >> 40) as u32 % 50
                })
                .collect();
            let mut want = v.clone();
            want.sort_unstable();
            sort_by(&mut v, |a, b| a < b);
            assert_eq!(v, want, "n = {n}");
        }
    }
}
