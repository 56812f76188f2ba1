//! The privacy accountant for DP-SGD: Rényi differential privacy (RDP) of the Poisson-subsampled
//! Gaussian mechanism, composed over training steps and converted to (ε, δ).
//!
//! Follows Mironov, Talwar and Zhang, "Rényi Differential Privacy of the Sampled Gaussian
//! Mechanism" (2019): `A_α` for integer orders by the binomial expansion, for fractional orders
//! by the two-sided series of their Section 3.3; the conversion to ε is the improved bound of
//! Balle et al. (2020, Proposition 12), as in Google's `dp-accounting` (`RdpAccountant`), which
//! `benches/reference/dp_accountant.py` runs on a grid for `tests/fixtures/dp_accountant.json`.
//! Parameters are checked once into [`Sgm`].

use crate::error::{Error, Result};

/// The orders tried: 1.1 to 10.9 by 0.1, 11 to 63, and 128, 256, 512, 1024 (`dp-accounting`'s).
pub fn orders() -> Vec<f64> {
    let mut o: Vec<f64> = (1..100).map(|x| 1.0 + x as f64 / 10.0).collect();
    o.extend((11..64).map(f64::from));
    o.extend([128.0, 256.0, 512.0, 1024.0]);
    o
}

/// Terms of the fractional-order series before it is declared not converging.
const MAX_TERMS: usize = 1000;

/// A Poisson-subsampled Gaussian mechanism run for some steps: checked parameters.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sgm {
    /// Sampling rate: each row is in a step's batch with this probability.
    q: f64,
    /// Noise standard deviation over the clipping norm.
    sigma: f64,
    steps: u64,
}

impl Sgm {
    /// Checks `0 ≤ q ≤ 1`, `sigma > 0` (finite) and `steps ≥ 1`.
    pub fn new(q: f64, sigma: f64, steps: u64) -> Result<Sgm> {
        if !(0.0..=1.0).contains(&q) {
            return Err(Error::Usage(format!("DP sampling rate {q} is not in [0, 1]")));
        }
        if !(sigma > 0.0 && sigma.is_finite()) {
            return Err(Error::Usage(format!("DP noise multiplier {sigma} must be positive and finite")));
        }
        if steps == 0 {
            return Err(Error::Usage("DP training needs at least one step".into()));
        }
        Ok(Sgm { q, sigma, steps })
    }

    /// RDP at `alpha` over all the steps (`+∞` where the series does not converge).
    pub fn rdp(&self, alpha: f64) -> f64 {
        let one = if self.q == 0.0 {
            0.0
        } else if self.q == 1.0 {
            alpha / (2.0 * self.sigma * self.sigma)
        } else if alpha.fract() == 0.0 {
            log_a_int(self.q, self.sigma, alpha as u64) / (alpha - 1.0)
        } else {
            log_a_frac(self.q, self.sigma, alpha) / (alpha - 1.0)
        };
        one * self.steps as f64
    }

    /// The smallest ε over [`orders`] for which the mechanism is (ε, δ)-DP, and its order.
    pub fn epsilon(&self, delta: f64) -> Result<(f64, f64)> {
        epsilon_of(|a| self.rdp(a), delta)
    }
}

/// RDP at `alpha` of `releases` Gaussian mechanisms, each of L2 sensitivity 1 and noise
/// standard deviation `sigma` (counts of rows, each row in one count of each release).
pub fn gaussian_rdp(sigma: f64, releases: usize, alpha: f64) -> f64 {
    releases as f64 * alpha / (2.0 * sigma * sigma)
}

/// The smallest ε over [`orders`] for which mechanisms of composed RDP `rdp` are (ε, δ)-DP,
/// and its order.
pub fn epsilon_of(rdp: impl Fn(f64) -> f64, delta: f64) -> Result<(f64, f64)> {
    if !(delta > 0.0 && delta < 1.0) {
        return Err(Error::Usage(format!("DP delta {delta} must be in (0, 1)")));
    }
    let best =
        orders().into_iter().map(|a| (epsilon_at(a, rdp(a), delta), a)).fold((f64::INFINITY, 0.0), |b, x| if x.0 < b.0 { x } else { b });
    Ok((best.0.max(0.0), best.1))
}

/// ε from RDP `r` at order `a` (Balle et al. 2020, Prop. 12), as `dp-accounting` computes it.
fn epsilon_at(a: f64, r: f64, delta: f64) -> f64 {
    if r < 0.0 || delta * delta + (-r).exp_m1() > 0.0 {
        0.0
    } else if a > 1.01 {
        r + (-1.0 / a).ln_1p() - (delta * a).ln() / (a - 1.0)
    } else {
        f64::INFINITY
    }
}

/// The smallest noise multiplier (to 0.1 %) that keeps `steps` steps at sampling rate `q`,
/// composed with the mechanisms of RDP `other`, within (`epsilon`, `delta`); an error when
/// even σ = 10,000 does not.
pub fn noise_for(epsilon: f64, delta: f64, (q, steps): (f64, u64), other: impl Fn(f64) -> f64) -> Result<f64> {
    let eps = |sigma: f64| Sgm::new(q, sigma, steps).and_then(|m| epsilon_of(|a| m.rdp(a) + other(a), delta)).map(|e| e.0);
    smallest_noise(epsilon, eps).map_err(|_| {
        Error::Usage(format!("ε = {epsilon} is out of reach: {steps} steps at sampling rate {q} need more noise than σ = 10,000"))
    })
}

/// The smallest noise (to 0.1 %) for `releases` Gaussian count releases alone within
/// (`epsilon`, `delta`).
pub fn count_noise_for(epsilon: f64, delta: f64, releases: usize) -> Result<f64> {
    smallest_noise(epsilon, |sigma| epsilon_of(|a| gaussian_rdp(sigma, releases, a), delta).map(|e| e.0))
        .map_err(|_| Error::Usage(format!("ε = {epsilon} is out of reach for {releases} noisy counts")))
}

/// Bisection (in log scale, to 0.1 %) for the smallest σ in [10⁻³, 10⁴] whose ε is within
/// `epsilon`; an error when even 10⁴ is not.
fn smallest_noise(epsilon: f64, eps: impl Fn(f64) -> Result<f64>) -> Result<f64> {
    if !(epsilon > 0.0 && epsilon.is_finite()) {
        return Err(Error::Usage(format!("DP epsilon {epsilon} must be positive and finite")));
    }
    let (mut lo, mut hi) = (1e-3, 1e4);
    if eps(hi)? > epsilon {
        return Err(Error::Usage("out of reach".into()));
    }
    if eps(lo)? <= epsilon {
        return Ok(lo);
    }
    while hi / lo > 1.001 {
        let mid = (lo * hi).sqrt();
        if eps(mid)? <= epsilon {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    Ok(hi)
}

/// `log(exp(x) + exp(y))`.
fn log_add(x: f64, y: f64) -> f64 {
    let (a, b) = if x < y { (x, y) } else { (y, x) };
    if a == f64::NEG_INFINITY {
        return b;
    }
    (a - b).exp().ln_1p() + b
}

/// `log C(n, k)` for real `n`, `k`.
fn log_comb(n: f64, k: f64) -> f64 {
    libm::lgamma(n + 1.0) - libm::lgamma(k + 1.0) - libm::lgamma(n - k + 1.0)
}

/// `log A_α` for an integer order, `0 < q < 1`.
fn log_a_int(q: f64, sigma: f64, alpha: u64) -> f64 {
    let (lq, l1mq) = (q.ln(), (-q).ln_1p());
    (0..=alpha).fold(f64::NEG_INFINITY, |acc, i| {
        let i = i as f64;
        let coef = log_comb(alpha as f64, i) + i * lq + (alpha as f64 - i) * l1mq;
        log_add(acc, coef + (i * i - i) / (2.0 * sigma * sigma))
    })
}

/// `log A_α` for a fractional order, `0 < q < 1` (`+∞` when the series does not converge).
fn log_a_frac(q: f64, sigma: f64, alpha: f64) -> f64 {
    let (mut a0, mut a1) = (f64::NEG_INFINITY, f64::NEG_INFINITY);
    let z0 = sigma * sigma * (1.0 / q - 1.0).ln() + 0.5;
    let (lq, l1mq) = (q.ln(), (-q).ln_1p());
    let (mut last0, mut last1) = (f64::NEG_INFINITY, f64::NEG_INFINITY);
    let s2 = std::f64::consts::SQRT_2 * sigma;
    for i in 0..MAX_TERMS {
        let i = i as f64;
        let (coef, j) = (log_comb(alpha, i), alpha - i);
        let s0 = coef + i * lq + j * l1mq + (i * i - i) / (2.0 * sigma * sigma) + 0.5f64.ln() + log_erfc((i - z0) / s2);
        let s1 = coef + j * lq + i * l1mq + (j * j - j) / (2.0 * sigma * sigma) + 0.5f64.ln() + log_erfc((z0 - j) / s2);
        a0 = log_add(a0, s0);
        a1 = log_add(a1, s1);
        let total = log_add(a0, a1);
        if s0 < last0 && s1 < last1 && s0.max(s1) < total - 30.0 {
            return total;
        }
        (last0, last1) = (s0, s1);
    }
    f64::INFINITY
}

/// `log erfc(x)`, accurate far into the tail (where `erfc` underflows: its asymptotic series).
fn log_erfc(x: f64) -> f64 {
    let r = libm::erfc(x);
    if r > 1e-300 {
        return r.ln();
    }
    let x2 = x * x;
    -std::f64::consts::PI.ln() / 2.0 - x.ln() - x2 - 0.5 / x2 + 0.625 / (x2 * x2) - 37.0 / 24.0 / (x2 * x2 * x2)
        + 353.0 / 64.0 / (x2 * x2 * x2 * x2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_sampling_is_the_gaussian_mechanism() {
        // q = 1: RDP α / (2σ²) per step, composed linearly.
        let m = Sgm::new(1.0, 2.0, 10).unwrap();
        assert!((m.rdp(3.0) - 10.0 * 3.0 / 8.0).abs() < 1e-12);
        // Integer and fractional orders agree where they meet.
        let m = Sgm::new(0.01, 1.1, 1).unwrap();
        let (int, frac) = (m.rdp(4.0), log_a_frac(0.01, 1.1, 4.0 + 1e-9) / (3.0 + 1e-9));
        assert!((int - frac).abs() / int < 1e-5, "{int} vs {frac}");
    }

    #[test]
    fn more_noise_less_epsilon_and_the_search_finds_it() {
        let e = |s: f64| Sgm::new(0.01, s, 1000).unwrap().epsilon(1e-5).unwrap().0;
        assert!(e(0.8) > e(1.0) && e(1.0) > e(2.0));
        let sigma = noise_for(3.0, 1e-6, (0.01, 1000), |_| 0.0).unwrap();
        let at = Sgm::new(0.01, sigma, 1000).unwrap().epsilon(1e-6).unwrap().0;
        assert!(at <= 3.0 && at > 2.98, "σ {sigma} gives ε {at}");
    }

    #[test]
    fn count_releases_compose_with_the_steps() {
        // Gaussian releases alone: k releases at σ√k cost what one does at σ.
        let (one, four) = (count_noise_for(1.0, 1e-6, 1).unwrap(), count_noise_for(1.0, 1e-6, 4).unwrap());
        assert!((four / one - 2.0).abs() < 0.005, "{one} {four}");
        // Adding them to the steps asks more noise of the steps for the same ε.
        let alone = noise_for(3.0, 1e-6, (0.01, 1000), |_| 0.0).unwrap();
        let with = noise_for(3.0, 1e-6, (0.01, 1000), |a| gaussian_rdp(20.0, 12, a)).unwrap();
        assert!(with > alone);
        let m = Sgm::new(0.01, with, 1000).unwrap();
        let total = epsilon_of(|a| m.rdp(a) + gaussian_rdp(20.0, 12, a), 1e-6).unwrap().0;
        assert!(total <= 3.0 && total > 2.98, "{total}");
    }

    #[test]
    fn bad_parameters_are_refused() {
        assert!(Sgm::new(1.5, 1.0, 1).is_err());
        assert!(Sgm::new(0.1, 0.0, 1).is_err());
        assert!(Sgm::new(0.1, 1.0, 0).is_err());
        assert!(Sgm::new(0.1, 1.0, 1).unwrap().epsilon(0.0).is_err());
        assert!(noise_for(-1.0, 1e-5, (0.1, 10), |_| 0.0).is_err());
        assert!(count_noise_for(0.0, 1e-5, 3).is_err());
    }
}
