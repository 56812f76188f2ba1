//! DP-SGD for the network (`fit --dp-epsilon`): Poisson-sampled batches, each example's gradient
//! clipped to a norm, Gaussian noise on their sum, Adam on the result; the noise multiplier is
//! the smallest the accountant ([`crate::accountant`]) allows for the requested (ε, δ) over the
//! planned steps. Training runs the planned steps: no early stopping, no selection on validation
//! rows, so nothing but the noisy sums touches the rows trained on.
//!
//! Per-example gradients of a dense ReLU network are outer products: layer `l`'s weight gradient
//! for example `i` is `a_{l-1,i} ⊗ δ_{l,i}`, whose squared norm is `‖a_{l-1,i}‖²·‖δ_{l,i}‖²` (and
//! the bias adds `‖δ_{l,i}‖²`), so every example's norm comes from the batch's activations and
//! back-propagated errors, and the clipped sum is one matrix product per layer (the "ghost norm"
//! of Goodfellow 2015). The matrix products run on burn's tensors.

use advisor_core::bundle::PrivacyRecord;
use advisor_core::matrix::Matrix;
use advisor_core::network::Mlp;
use burn::tensor::{activation, Tensor, TensorData};
use rand::{Rng, SeedableRng};

use crate::accountant::{count_noise_for, epsilon_of, gaussian_rdp, noise_for, Sgm};
use crate::error::{Error, Result};
use crate::net::{self, TrainParams};

/// What `fit --dp-*` asks for.
#[derive(Debug, Clone, PartialEq)]
pub struct DpParams {
    pub epsilon: f64,
    /// δ; default `1 / (10 n)` for `n` rows trained on.
    pub delta: Option<f64>,
    /// Each example's gradient is clipped to this L2 norm.
    pub clip: f64,
    pub epochs: usize,
    /// Expected batch size: each row is in a step's batch with probability `batch / n`;
    /// default `n / 20` within 16..=512 (a sampling rate of at most 5 %).
    pub batch: Option<usize>,
}

impl Default for DpParams {
    fn default() -> Self {
        DpParams { epsilon: 3.0, delta: None, clip: 1.0, epochs: 15, batch: None }
    }
}

/// The default expected batch for `rows` rows: `rows / 20`, within 16..=512 (and at most `rows`).
fn default_batch(rows: usize) -> usize {
    (rows / 20).clamp(16, 512).min(rows)
}

/// [`DpParams`] checked for a number of rows, with δ resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidDpParams {
    p: DpParams,
    delta: f64,
    rows: usize,
}

impl DpParams {
    /// Checks the settings for training on `rows` rows.
    pub fn check(self, rows: usize) -> Result<ValidDpParams> {
        let bad = |m: String| Err(Error::Usage(m));
        if !(self.epsilon > 0.0 && self.epsilon <= 100.0) {
            return bad(format!("--dp-epsilon {} is not in (0, 100]", self.epsilon));
        }
        let delta = self.delta.unwrap_or(1.0 / (10.0 * rows as f64));
        if !(delta > 0.0 && delta < 1.0 / rows as f64) {
            return bad(format!("--dp-delta {delta} must be in (0, 1/n) = (0, {:.3e}) for the {rows} rows trained on", 1.0 / rows as f64));
        }
        if !(self.clip > 0.0 && self.clip.is_finite()) {
            return bad(format!("--dp-clip {} must be positive", self.clip));
        }
        if !(1..=1000).contains(&self.epochs) {
            return bad(format!("--dp-epochs {} is not in 1..=1000", self.epochs));
        }
        let batch = self.batch.unwrap_or_else(|| default_batch(rows));
        if batch == 0 || batch > rows {
            return bad(format!("--dp-batch {batch} is not in 1..={rows} (the rows trained on)"));
        }
        Ok(ValidDpParams { p: DpParams { batch: Some(batch), ..self }, delta, rows })
    }
}

/// The share of ε the noisy counts alone would cost (their noise is set from it); DP-SGD's
/// noise is then the least that keeps the two composed within the ε asked.
pub const COUNT_SHARE: f64 = 0.25;

impl ValidDpParams {
    /// The sampling rate, steps and noise multiplier the accountant allows, composed with
    /// `releases` noisy counts that each row is in ([`crate::dp_counts`]).
    pub fn plan(&self, releases: usize) -> Result<PrivacyRecord> {
        let batch = self.p.batch.expect("resolved by check");
        let q = batch as f64 / self.rows as f64;
        let steps = (self.p.epochs as u64 * self.rows.div_ceil(batch) as u64).max(1);
        let count_noise = count_noise_for(COUNT_SHARE * self.p.epsilon, self.delta, releases)?;
        let counts = |a: f64| gaussian_rdp(count_noise, releases, a);
        let sigma = noise_for(self.p.epsilon, self.delta, (q, steps), counts)?;
        let sgm = Sgm::new(q, sigma, steps)?;
        let (epsilon, order) = epsilon_of(|a| sgm.rdp(a) + counts(a), self.delta)?;
        Ok(PrivacyRecord {
            epsilon,
            epsilon_asked: self.p.epsilon,
            delta: self.delta,
            accountant: format!(
                "RDP: the Poisson-subsampled Gaussian (Mironov et al. 2019) composed with {releases} Gaussian count releases, \
                 best order {order}; ε by Balle et al. 2020"
            ),
            noise_multiplier: sigma,
            clip: self.p.clip,
            sampling_rate: q,
            steps,
            epochs: self.p.epochs,
            rows: self.rows,
            count_noise,
            count_releases: releases,
            test_count_noise: count_noise_for(self.p.epsilon, self.delta, 1)?,
            covers: COVERS.into(),
            not_covered: NOT_COVERED.iter().map(|s| s.to_string()).collect(),
        })
    }
}

/// What the guarantee covers.
const COVERS: &str = "every value in the bundle computed from the data file, for any one row of it given the split \
     into parts: the network's weights (DP-SGD on the fit rows); the preprocessing (noisy counts over the spec's declared \
     bounds, categories and cross pairs, on the training part); the calibration, the bands and cutoffs, the stability \
     baseline and the metrics (noisy counts of the model's scores on each part)";
/// What it does not.
const NOT_COVERED: [&str; 3] = [
    "the spec, taken as public: its bounds and categories must not come from the rows (a spec `init` drafted from them \
     is not public until reviewed)",
    "the number of rows in the file and in each part, and the file's sha256 (in the manifest)",
    "the parity figure: the largest float difference between two runtimes on the test rows",
];

/// Trains the network of `train`'s shape with DP-SGD on encoded rows; `record` is its plan.
/// The initial weights come from the seed; the batches and the noise from the operating
/// system's random source, never from the seed (which the manifest records: noise drawn from
/// it could be drawn again and subtracted). So a DP network is not reproducible byte for byte.
pub fn train(train: &TrainParams, record: &PrivacyRecord, x: &Matrix, y: &[u8]) -> Result<Mlp> {
    let device = net::device();
    let mut mlp = net::init_mlp(x.cols(), &train.hidden, &mut rand::rngs::StdRng::seed_from_u64(train.seed));
    let mut rng = rand::rngs::StdRng::try_from_os_rng()
        .map_err(|e| Error::Usage(format!("DP-SGD draws its noise from the operating system's random source, which failed: {e}")))?;
    let mut adam = Adam::new(&mlp, train.learning_rate as f32);
    let noise_sd = (record.noise_multiplier * record.clip) as f32;
    let expected = (record.sampling_rate * x.rows() as f64) as f32;
    for _ in 0..record.steps {
        let rows: Vec<usize> = (0..x.rows()).filter(|_| rng.random::<f64>() < record.sampling_rate).collect();
        let mut grads = clipped_sum(&mlp, x, y, &rows, record.clip as f32, &device);
        for g in grads.iter_mut().flatten() {
            *g = (*g + noise_sd * gaussian(&mut rng) as f32) / expected;
        }
        adam.step(&mut mlp, &grads);
    }
    if mlp.layers.iter().any(|l| l.weight.iter().chain(&l.bias).any(|v| !v.is_finite())) {
        return Err(Error::Usage("DP training diverged (a weight is not finite); lower --lr or --dp-clip".into()));
    }
    Ok(mlp)
}

/// A standard normal draw (Box–Muller).
pub(crate) fn gaussian(rng: &mut impl Rng) -> f64 {
    let u1: f64 = 1.0 - rng.random::<f64>();
    let u2: f64 = rng.random();
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

fn tensor(v: Vec<f32>, shape: [usize; 2], device: &burn::tensor::Device) -> Tensor<2> {
    Tensor::<2>::from_data(TensorData::new(v, shape), device)
}

/// Zeros shaped as the network's parameters, flattened: per layer, weights then bias.
fn zeros_like(mlp: &Mlp) -> Vec<Vec<f32>> {
    mlp.layers.iter().flat_map(|l| [vec![0.0; l.weight.len()], vec![0.0; l.bias.len()]]).collect()
}

/// The sum over `rows` of each example's gradient of the log loss, clipped to norm `clip`:
/// per layer, the weight gradient then the bias gradient, flattened as the network stores them.
fn clipped_sum(mlp: &Mlp, x: &Matrix, y: &[u8], rows: &[usize], clip: f32, device: &burn::tensor::Device) -> Vec<Vec<f32>> {
    if rows.is_empty() {
        return zeros_like(mlp);
    }
    let b = rows.len();
    let xb: Vec<f32> = rows.iter().flat_map(|&i| x.row(i).iter().copied()).collect();
    let weights: Vec<Tensor<2>> = mlp.layers.iter().map(|l| tensor(l.weight.clone(), [l.inputs, l.outputs], device)).collect();
    // Forward: each layer's input (a) and pre-activation (z).
    let mut inputs = vec![tensor(xb, [b, x.cols()], device)];
    let mut pre = Vec::new();
    for (l, w) in mlp.layers.iter().zip(&weights) {
        let z = inputs.last().expect("input").clone().matmul(w.clone()) + tensor(l.bias.clone(), [1, l.outputs], device);
        inputs.push(activation::relu(z.clone()));
        pre.push(z);
    }
    inputs.pop(); // the output's ReLU is not used
    let labels = tensor(rows.iter().map(|&i| y[i] as f32).collect(), [b, 1], device);
    // Backward: each layer's error, from the output down.
    let mut errors = vec![activation::sigmoid(pre.last().expect("output").clone()) - labels];
    for k in (1..mlp.layers.len()).rev() {
        let d = errors.last().expect("error").clone().matmul(weights[k].clone().transpose()) * pre[k - 1].clone().greater_elem(0.0).float();
        errors.push(d);
    }
    errors.reverse();
    // Each example's squared norm, then its clipping factor.
    let mut norm2 = tensor(vec![0.0; b], [b, 1], device);
    for (a, d) in inputs.iter().zip(&errors) {
        norm2 = norm2 + (a.clone().square().sum_dim(1) + 1.0) * d.clone().square().sum_dim(1);
    }
    let factor = (norm2.sqrt() + 1e-12).recip().mul_scalar(clip).clamp_max(1.0);
    inputs
        .into_iter()
        .zip(errors)
        .flat_map(|(a, d)| {
            let scaled = d * factor.clone();
            [net::floats(a.transpose().matmul(scaled.clone()).into_data()), net::floats(scaled.sum_dim(0).into_data())]
        })
        .collect()
}

/// Adam on the flattened parameters (weights then bias, layer by layer).
struct Adam {
    lr: f32,
    t: i32,
    m: Vec<Vec<f32>>,
    v: Vec<Vec<f32>>,
}

impl Adam {
    const B1: f32 = 0.9;
    const B2: f32 = 0.999;
    const EPS: f32 = 1e-8;

    fn new(mlp: &Mlp, lr: f32) -> Adam {
        Adam { lr, t: 0, m: zeros_like(mlp), v: zeros_like(mlp) }
    }

    fn step(&mut self, mlp: &mut Mlp, grads: &[Vec<f32>]) {
        self.t += 1;
        let (c1, c2) = (1.0 - Self::B1.powi(self.t), 1.0 - Self::B2.powi(self.t));
        let params = mlp.layers.iter_mut().flat_map(|l| [&mut l.weight, &mut l.bias]);
        for (((p, g), m), v) in params.zip(grads).zip(&mut self.m).zip(&mut self.v) {
            for k in 0..p.len() {
                m[k] = Self::B1 * m[k] + (1.0 - Self::B1) * g[k];
                v[k] = Self::B2 * v[k] + (1.0 - Self::B2) * g[k] * g[k];
                p[k] -= self.lr * (m[k] / c1) / ((v[k] / c2).sqrt() + Self::EPS);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Flattened parameter `k` (layer `k / 2`, its weights or, for odd `k`, its bias), entry `j`.
    fn param(m: &mut Mlp, k: usize, j: usize) -> &mut f32 {
        let l = &mut m.layers[k / 2];
        if k % 2 == 1 {
            &mut l.bias[j]
        } else {
            &mut l.weight[j]
        }
    }

    /// The clipped sum against each example's gradient computed one at a time, by finite
    /// differences of the log loss.
    #[test]
    fn clipped_sums_match_per_example_gradients() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(3);
        let mlp = net::init_mlp(3, &[4], &mut rng);
        let x = Matrix::new(vec![0.5, -1.0, 2.0, 1.5, 0.2, -0.3], 3).unwrap();
        let y = [1u8, 0];
        let device = net::device();
        let loss = |m: &Mlp, i: usize| {
            let z = m.logit(x.row(i)) as f64;
            let p = 1.0 / (1.0 + (-z).exp());
            -(if y[i] == 1 { p.ln() } else { (1.0 - p).ln() })
        };
        for clip in [100.0f32, 0.05] {
            let got = clipped_sum(&mlp, &x, &y, &[0, 1], clip, &device);
            let mut want: Vec<Vec<f64>> = got.iter().map(|g| vec![0.0; g.len()]).collect();
            for i in 0..2 {
                let mut g: Vec<Vec<f64>> = got.iter().map(|g| vec![0.0; g.len()]).collect();
                for (k, gk) in g.iter_mut().enumerate() {
                    for (j, gkj) in gk.iter_mut().enumerate() {
                        let (mut plus, mut minus) = (mlp.clone(), mlp.clone());
                        *param(&mut plus, k, j) += 1e-3;
                        *param(&mut minus, k, j) -= 1e-3;
                        *gkj = (loss(&plus, i) - loss(&minus, i)) / 2e-3;
                    }
                }
                let norm = g.iter().flatten().map(|v| v * v).sum::<f64>().sqrt();
                let c = (clip as f64 / norm).min(1.0);
                for (w, gk) in want.iter_mut().zip(&g) {
                    w.iter_mut().zip(gk).for_each(|(a, b)| *a += c * b);
                }
            }
            for (a, b) in got.iter().flatten().zip(want.iter().flatten()) {
                assert!((*a as f64 - b).abs() < 2e-3 * (1.0 + b.abs()), "clip {clip}: {a} vs {b}");
            }
        }
    }

    #[test]
    fn settings_are_checked() {
        assert!(DpParams { epsilon: 0.0, ..Default::default() }.check(1000).is_err());
        assert!(DpParams { delta: Some(0.01), ..Default::default() }.check(1000).is_err());
        assert!(DpParams { batch: Some(2000), ..Default::default() }.check(1000).is_err());
        let v = DpParams::default().check(100_000).unwrap();
        let plan = v.plan(12).unwrap();
        assert!(plan.epsilon <= 3.0 && plan.epsilon > 2.9, "{plan:?}");
        // The counts alone would cost a quarter of ε; the steps get more noise than without them.
        let alone = crate::accountant::epsilon_of(|a| crate::accountant::gaussian_rdp(plan.count_noise, 12, a), 1e-6).unwrap().0;
        assert!((alone - 0.75).abs() < 0.01, "{alone}");
        assert!(plan.noise_multiplier > v.plan(0).unwrap().noise_multiplier);
        assert_eq!((plan.delta, plan.steps, plan.sampling_rate), (1e-6, 15 * 196, 512.0 / 100_000.0));
        assert_eq!((default_batch(640), default_batch(100), default_batch(10)), (32, 16, 10));
    }
}
