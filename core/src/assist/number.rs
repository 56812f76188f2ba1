//! Numbers in answers (`454`, `-23.4`, `0.35`), written without core's float formatter: its
//! shortest-digits algorithms were a tenth of the assistant's module (BENCHMARKS.md), and an
//! answer never needs more than six decimals.

/// Largest magnitude written in plain digits; beyond it, `1.23e20`.
const PLAIN_MAX: f64 = 1e15;

/// `v` rounded to `decimals` places (half away from zero; never `-0`).
pub fn fixed(v: f64, decimals: usize) -> String {
    let scale = 10f64.powi(decimals as i32);
    let n = (v * scale).round();
    if n.is_nan() || n.abs() >= PLAIN_MAX {
        return scientific(v);
    }
    let mut digits = format!("{:0>width$}", (n as i64).unsigned_abs(), width = decimals + 1);
    if decimals > 0 {
        digits.insert(digits.len() - decimals, '.');
    }
    if n < 0.0 {
        digits.insert(0, '-');
    }
    digits
}

/// `v` as written in a catalog: the fewest decimals (up to six) that give it back exactly
/// (`600`, `0.35`), else six with trailing zeros dropped.
pub fn plain(v: f64) -> String {
    let exact = (0..=6).find(|&d| {
        let scale = 10f64.powi(d);
        let n = (v * scale).round();
        n.abs() < PLAIN_MAX && n / scale == v
    });
    match exact {
        Some(d) => fixed(v, d as usize),
        None => {
            let s = fixed(v, 6);
            if s.bytes().any(|b| b == b'.') {
                s.trim_end_matches('0').trim_end_matches('.').to_string()
            } else {
                s
            }
        }
    }
}

fn scientific(v: f64) -> String {
    if v.is_nan() {
        return "NaN".into();
    }
    if v.is_infinite() {
        return if v > 0.0 { "∞" } else { "-∞" }.into();
    }
    let e = v.abs().log10().floor() as i32;
    format!("{}e{e}", plain((v / 10f64.powi(e) * 1000.0).round() / 1000.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_as_people_write_them() {
        for (v, d, want) in [(454.4, 0, "454"), (-23.45, 1, "-23.5"), (-0.04, 1, "0.0"), (0.0, 1, "0.0"), (7.0, 2, "7.00"), (-0.4, 0, "0")]
        {
            assert_eq!(fixed(v, d), want, "{v} {d}");
        }
        for (v, want) in [(600.0, "600"), (0.35, "0.35"), (-12.5, "-12.5"), (0.1 + 0.2, "0.3"), (1.0 / 3.0, "0.333333"), (1e300, "1e300")] {
            assert_eq!(plain(v), want, "{v}");
        }
        assert_eq!((plain(-3.4e38), plain(f64::INFINITY), fixed(f64::NAN, 1)), ("-3.4e38".into(), "∞".into(), "NaN".into()));
        // Agrees with the standard formatter wherever rounding is not a tie.
        for i in -2000..2000 {
            let v = i as f64 * 0.173;
            if ((v * 10.0).abs().fract() - 0.5).abs() < 1e-9 {
                continue;
            }
            assert_eq!(fixed(v, 1), format!("{v:.1}"), "{v}");
        }
    }
}
