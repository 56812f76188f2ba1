//! The network and its training loop, in burn (ndarray backend, autodiff).

use std::time::Instant;

use advisor_core::matrix::Matrix;
use advisor_core::metrics;
use advisor_core::network::{Activation, Dense, Mlp};
use burn::module::{Module, Param};
use burn::nn::Linear;
use burn::optim::decay::WeightDecayConfig;
use burn::optim::{AdamConfig, GradientsParams};
use burn::tensor::{activation, Device, Tensor, TensorData};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// A dense ReLU network ending in one logit.
#[derive(Module, Debug)]
pub struct Net {
    layers: Vec<Linear>,
}

impl Net {
    /// Logits `[rows, 1]`.
    pub fn forward(&self, x: Tensor<2>) -> Tensor<2> {
        let last = self.layers.len() - 1;
        let mut h = x;
        for (i, l) in self.layers.iter().enumerate() {
            h = l.forward(h);
            if i < last {
                h = activation::relu(h);
            }
        }
        h
    }

    /// A network holding the given weights.
    pub fn from_mlp(mlp: &Mlp, device: &Device) -> Net {
        let layers = mlp
            .layers
            .iter()
            .map(|l| Linear {
                weight: Param::from_data(TensorData::new(l.weight.clone(), [l.inputs, l.outputs]), device),
                bias: Some(Param::from_data(TensorData::new(l.bias.clone(), [l.outputs]), device)),
            })
            .collect();
        Net { layers }
    }

    /// The weights as plain data.
    pub fn to_mlp(&self) -> Mlp {
        let last = self.layers.len() - 1;
        let layers = self
            .layers
            .iter()
            .enumerate()
            .map(|(i, l)| {
                let w = l.weight.val().into_data();
                let [inputs, outputs] = [w.shape()[0], w.shape()[1]];
                let bias = l.bias.as_ref().map(|b| floats(b.val().into_data())).unwrap_or_else(|| vec![0.0; outputs]);
                Dense {
                    inputs,
                    outputs,
                    weight: floats(w),
                    bias,
                    activation: if i < last { Activation::Relu } else { Activation::Identity },
                }
            })
            .collect();
        Mlp { layers }
    }
}

pub(crate) fn floats(d: TensorData) -> Vec<f32> {
    d.as_slice::<f32>().expect("float tensor").to_vec()
}

/// The CPU device training runs on.
#[allow(deprecated)] // burn 0.22 deprecates ndarray in favour of flex; ndarray is our chosen backend.
pub fn device() -> Device {
    Device::ndarray()
}

/// Training settings; check them with [`TrainParams::check`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainParams {
    pub hidden: Vec<usize>,
    pub epochs: usize,
    pub batch_size: usize,
    pub learning_rate: f64,
    pub weight_decay: f32,
    /// Loss weight of positive rows (1 = unweighted).
    pub pos_weight: f32,
    /// Weight positive rows by negatives/positives of the rows trained on (instead of
    /// `pos_weight`).
    pub balance_classes: bool,
    /// Stop after this many epochs without a better validation AUC.
    pub patience: Option<usize>,
    /// A validation AUC counts as better only when it beats the best so far by more than
    /// this (a gain below the metric's resolution is noise, not a better epoch).
    #[serde(default)]
    pub min_delta: f64,
    /// Keep the weights of the epoch with the best validation AUC.
    pub restore_best: bool,
    /// Decay of the exponential moving average of the weights, per step (0 = no averaging),
    /// capped at `1 - 1/steps_per_epoch`. The averaged weights are validated and exported.
    pub ema_decay: f32,
    pub seed: u64,
}

impl Default for TrainParams {
    fn default() -> Self {
        Self {
            hidden: vec![128, 64],
            epochs: 100,
            batch_size: 32,
            learning_rate: 1e-3,
            weight_decay: 0.0,
            pos_weight: 1.0,
            balance_classes: false,
            patience: Some(10),
            min_delta: 1e-4,
            restore_best: true,
            ema_decay: 0.999,
            seed: 42,
        }
    }
}

/// Checked [`TrainParams`].
#[derive(Debug, Clone, PartialEq)]
pub struct ValidTrainParams(TrainParams);

impl TrainParams {
    pub fn check(self) -> Result<ValidTrainParams> {
        let bad = |m: String| Err(Error::Usage(m));
        if self.epochs == 0 || self.epochs > 10_000 {
            return bad(format!("--epochs {} is not in 1..=10000", self.epochs));
        }
        if !(0.0..0.1).contains(&self.min_delta) {
            return bad(format!("--min-delta {} is not in [0, 0.1)", self.min_delta));
        }
        if self.patience == Some(0) {
            return bad("--patience must be at least 1".into());
        }
        if self.batch_size == 0 {
            return bad("--batch-size must be at least 1".into());
        }
        if self.hidden.iter().any(|&h| h == 0 || h > 4096) {
            return bad(format!("--hidden {:?}: each layer needs 1..=4096 units", self.hidden));
        }
        if !(self.learning_rate > 0.0 && self.learning_rate < 10.0) {
            return bad(format!("--lr {} is not in (0, 10)", self.learning_rate));
        }
        if !(0.0..1.0).contains(&self.ema_decay) {
            return bad(format!("--ema {} is not in [0, 1)", self.ema_decay));
        }
        if self.balance_classes && self.pos_weight != 1.0 {
            return bad("give a --pos-weight number or `balanced`, not both".into());
        }
        if !(self.pos_weight > 0.0 && self.pos_weight.is_finite()) || self.weight_decay.is_nan() || self.weight_decay < 0.0 {
            return bad("--pos-weight must be positive and --weight-decay non-negative".into());
        }
        Ok(ValidTrainParams(self))
    }
}

impl ValidTrainParams {
    pub fn get(&self) -> &TrainParams {
        &self.0
    }
}

/// What one epoch did.
#[derive(Debug, Clone, Serialize)]
pub struct EpochStats {
    pub epoch: usize,
    pub loss: f64,
    pub val_auc: f64,
    pub seconds: f64,
    pub rows_per_second: f64,
}

/// Progress reports from [`train`].
pub enum Progress<'a> {
    EpochStart { epoch: usize, batches: usize },
    Batch,
    EpochEnd(&'a EpochStats),
}

/// A trained network and how training went.
pub struct Trained {
    pub net: Net,
    pub history: Vec<EpochStats>,
    pub best_epoch: usize,
}

fn init_net(inputs: usize, hidden: &[usize], rng: &mut impl Rng, device: &Device) -> Net {
    // PyTorch's default: weight and bias ~ U(-1/sqrt(fan_in), 1/sqrt(fan_in)); drawn from our
    // own seeded generator so that a seed fixes the bundle bytes.
    let mut sizes = vec![inputs];
    sizes.extend_from_slice(hidden);
    sizes.push(1);
    let layers = sizes
        .windows(2)
        .map(|w| {
            let k = 1.0 / (w[0] as f32).sqrt();
            let weight: Vec<f32> = (0..w[0] * w[1]).map(|_| rng.random_range(-k..k)).collect();
            let bias: Vec<f32> = (0..w[1]).map(|_| rng.random_range(-k..k)).collect();
            Linear {
                weight: Param::from_data(TensorData::new(weight, [w[0], w[1]]), device),
                bias: Some(Param::from_data(TensorData::new(bias, [w[1]]), device)),
            }
        })
        .collect();
    Net { layers }
}

/// A freshly initialised network's weights (as [`train`] starts from them).
pub fn init_mlp(inputs: usize, hidden: &[usize], rng: &mut impl Rng) -> Mlp {
    init_net(inputs, hidden, rng, &device()).to_mlp()
}

/// An exponential moving average of the weights, started at zero and bias-corrected
/// (as Adam corrects its moments), so that short runs are not pulled toward zero.
struct Ema {
    sum: Mlp,
    /// Product of the decays applied so far.
    decayed: f64,
    updates: usize,
}

impl Ema {
    fn zeros_like(m: &Mlp) -> Self {
        let mut sum = m.clone();
        for l in &mut sum.layers {
            l.weight.iter_mut().chain(l.bias.iter_mut()).for_each(|v| *v = 0.0);
        }
        Ema { sum, decayed: 1.0, updates: 0 }
    }
    /// `avg ← decay·avg + (1 − decay)·w`, weight by weight.
    fn update(&mut self, w: &Mlp, decay: f32) {
        for (a, l) in self.sum.layers.iter_mut().zip(&w.layers) {
            for (x, y) in a.weight.iter_mut().chain(a.bias.iter_mut()).zip(l.weight.iter().chain(&l.bias)) {
                *x = decay * *x + (1.0 - decay) * y;
            }
        }
        self.decayed *= decay as f64;
        self.updates += 1;
    }
    /// The bias-corrected average.
    fn value(&self) -> Mlp {
        let c = (1.0 / (1.0 - self.decayed)) as f32;
        let mut m = self.sum.clone();
        for l in &mut m.layers {
            l.weight.iter_mut().chain(l.bias.iter_mut()).for_each(|v| *v *= c);
        }
        m
    }
}

/// Mean weighted binary cross-entropy on logits, computed stably:
/// `max(z, 0) - z·y + ln(1 + e^{-|z|})`.
fn bce_with_logits(z: Tensor<2>, y: Tensor<2>, w: Tensor<2>) -> Tensor<1> {
    let loss = z.clone().clamp_min(0.0) - z.clone() * y + z.abs().neg().exp().log1p();
    (loss * w).mean()
}

/// Probabilities for encoded rows, in chunks, without autodiff.
pub fn predict(net: &Net, x: &Matrix) -> Vec<f32> {
    forward(net, x, true)
}

/// The network's logits (before the sigmoid) for encoded rows.
pub fn logits(net: &Net, x: &Matrix) -> Vec<f32> {
    forward(net, x, false)
}

fn forward(net: &Net, x: &Matrix, probability: bool) -> Vec<f32> {
    let device = device();
    let net = net.valid();
    let mut out = Vec::with_capacity(x.rows());
    let chunk = 8192;
    let mut start = 0;
    while start < x.rows() {
        let end = (start + chunk).min(x.rows());
        let data = x.as_slice()[start * x.cols()..end * x.cols()].to_vec();
        let t = Tensor::<2>::from_data(TensorData::new(data, [end - start, x.cols()]), &device);
        let z = net.forward(t);
        out.extend(floats(if probability { activation::sigmoid(z) } else { z }.into_data()));
        start = end;
    }
    out
}

/// Early stopping's state: the best epoch by validation AUC so far, and epochs since.
struct Best {
    net: Net,
    auc: f64,
    epoch: usize,
    since: usize,
}

impl Best {
    /// Records an epoch's weights and validation AUC; true when training should stop.
    fn record(&mut self, current: &Net, val_auc: f64, epoch: usize, p: &TrainParams) -> bool {
        if val_auc > self.auc + p.min_delta || self.epoch == 0 {
            (self.net, self.auc, self.epoch, self.since) = (current.clone(), val_auc, epoch, 0);
            return false;
        }
        self.since += 1;
        p.patience.is_some_and(|pat| self.since >= pat)
    }
}

/// Weight averaging: a horizon of at most about one epoch (so small data sets do not average
/// in their first, untrained epochs), updated every `every` steps with the decay compounded
/// accordingly.
struct Averaging {
    every: usize,
    decay: f32,
}

impl Averaging {
    fn new(ema_decay: f32, batches: usize) -> Self {
        let every = (batches / 64).clamp(1, 16);
        let per_step = ema_decay.min(1.0 - 1.0 / batches as f32).max(0.0);
        Averaging { every, decay: per_step.powi(every as i32) }
    }
}

/// The weights an epoch would export: the average when averaging, else the last.
fn exported(ema: &Option<Ema>, net: &Net, device: &Device) -> Net {
    match ema {
        Some(m) if m.updates > 0 => Net::from_mlp(&m.value(), device),
        _ => net.clone(),
    }
}

/// One batch as tensors: its rows, labels and loss weights.
fn batch_tensors(x: &Matrix, y: &[u8], rows: &[usize], pos_weight: f32, device: &Device) -> [Tensor<2>; 3] {
    let n = rows.len();
    let (mut bx, mut by, mut bw) = (Vec::with_capacity(n * x.cols()), Vec::with_capacity(n), Vec::with_capacity(n));
    for &i in rows {
        bx.extend_from_slice(x.row(i));
        by.push(y[i] as f32);
        bw.push(if y[i] == 1 { pos_weight } else { 1.0 });
    }
    let t = |v: Vec<f32>, cols: usize| Tensor::<2>::from_data(TensorData::new(v, [n, cols]), device);
    [t(bx, x.cols()), t(by, 1), t(bw, 1)]
}

/// Adam, with `--weight-decay` when it is set.
fn adam(p: &TrainParams) -> AdamConfig {
    let adam = AdamConfig::new().with_epsilon(1e-8);
    if p.weight_decay > 0.0 {
        return adam.with_weight_decay(Some(WeightDecayConfig::new(p.weight_decay)));
    }
    adam
}

/// The loss weight of a positive row: negatives / positives of the rows trained on
/// (`balance_classes`), else `pos_weight`.
fn positive_weight(p: &TrainParams, y: &[u8]) -> f32 {
    let positives = y.iter().filter(|&&v| v == 1).count().max(1);
    if p.balance_classes {
        (y.len() - positives) as f32 / positives as f32
    } else {
        p.pos_weight
    }
}

/// An epoch whose mean loss is not finite has diverged: an error that says what to change.
fn check_loss(stats: &EpochStats) -> Result<()> {
    if stats.loss.is_finite() {
        return Ok(());
    }
    Err(Error::Usage(format!("training diverged at epoch {} (loss {}); lower --lr", stats.epoch, stats.loss)))
}

/// Trains on encoded rows; validation rows pick the best epoch.
pub fn train(
    params: &ValidTrainParams,
    x: &Matrix,
    y: &[u8],
    x_val: &Matrix,
    y_val: &[u8],
    mut progress: impl FnMut(Progress<'_>),
) -> Result<Trained> {
    let p = &params.0;
    // Denormals flushed while the network trains: several times the rate (crate::denormals).
    let _flush = crate::denormals::FlushDenormals::new();
    let device = device().autodiff();
    let mut rng = rand::rngs::StdRng::seed_from_u64(p.seed);
    let mut net = init_net(x.cols(), &p.hidden, &mut rng, &device);
    let mut optim = adam(p).init();
    let pos_weight = positive_weight(p, y);
    let mut order: Vec<usize> = (0..x.rows()).collect();
    let batches = x.rows().div_ceil(p.batch_size);
    let mut best = Best { net: net.clone(), auc: f64::NEG_INFINITY, epoch: 0, since: 0 };
    let mut history = Vec::new();
    let averaging = Averaging::new(p.ema_decay, batches);
    let mut ema = (p.ema_decay > 0.0).then(|| Ema::zeros_like(&net.to_mlp()));
    let mut step = 0usize;
    for epoch in 1..=p.epochs {
        progress(Progress::EpochStart { epoch, batches });
        let t0 = Instant::now();
        order.shuffle(&mut rng);
        let mut loss_sum = 0.0;
        for rows in order.chunks(p.batch_size) {
            let [xt, yt, wt] = batch_tensors(x, y, rows, pos_weight, &device);
            let loss = bce_with_logits(net.forward(xt), yt, wt);
            let grads = GradientsParams::from_grads(loss.backward(), &net);
            loss_sum += floats(loss.into_data())[0] as f64 * rows.len() as f64;
            net = optim.step(p.learning_rate, net, grads);
            step += 1;
            if let Some(ema) = ema.as_mut().filter(|_| step.is_multiple_of(averaging.every)) {
                ema.update(&net.to_mlp(), averaging.decay);
            }
            progress(Progress::Batch);
        }
        let seconds = t0.elapsed().as_secs_f64();
        let current = exported(&ema, &net, &device);
        // On logits: probabilities saturate in f32 (to 1 above a logit of about 16.6) and
        // would tie rows the network ranks apart.
        let val_auc = metrics::auc(y_val, &logits(&current, x_val));
        let stats = EpochStats { epoch, loss: loss_sum / x.rows() as f64, val_auc, seconds, rows_per_second: x.rows() as f64 / seconds };
        check_loss(&stats)?;
        progress(Progress::EpochEnd(&stats));
        history.push(stats);
        if best.record(&current, val_auc, epoch, p) {
            break;
        }
    }
    if p.restore_best {
        return Ok(Trained { net: best.net.valid(), history, best_epoch: best.epoch });
    }
    let best_epoch = history.len();
    Ok(Trained { net: exported(&ema, &net, &device).valid(), history, best_epoch })
}
