//! The `advisor-train` command line.

use std::path::PathBuf;
use std::process::ExitCode;

use advisor_core::lang::Lang;
use advisor_core::network::Precision;
use advisor_core::preprocess::{NumericEncoding, PreprocessParams};
use advisor_train::commands;
use advisor_train::dp_sgd::DpParams;
use advisor_train::fit::{self, Family, FitOptions, ModelChoice};
use advisor_train::gbdt::GbdtParams;
use advisor_train::net::TrainParams;
use advisor_train::Result;
use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "advisor-train", version, about = "Train, evaluate and export advisor credit models")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Draft a dataset spec from a CSV file (plain or .gz): delimiter, decimal mark, header,
    /// column types, categories, bounds, missing markers, label, identifiers and protected
    /// columns. Check its TODO comments, then `fit` with it. No value seen on only one row is
    /// written.
    Init {
        /// CSV file, plain or .gz, with a header line.
        #[arg(long)]
        data: PathBuf,
        /// The label column's header (guessed from names such as label, target, class, y,
        /// default, loan_status, 违约, or a name with default or delinquent in it).
        #[arg(long)]
        label: Option<String>,
        /// The spec's name (default: the file's name).
        #[arg(long)]
        name: Option<String>,
        /// Where to write the spec (TOML); an existing file is not overwritten.
        #[arg(long)]
        out: PathBuf,
    },
    /// Fit a model on a CSV file and write its bundle (manifest.json, model.onnx, metrics.json).
    Fit(Box<FitArgs>),
    /// Wrap a binary classifier trained elsewhere (ONNX from onnxmltools or skl2onnx: LightGBM,
    /// XGBoost, scikit-learn trees, scorecards and pipelines) into a bundle, with scaling, bands,
    /// baseline and metrics computed on a labelled file.
    Import(ImportArgs),
    /// Score a labelled CSV file with a bundle and print the metrics.
    Evaluate {
        /// Bundle directory.
        #[arg(long)]
        model: PathBuf,
        /// Spec to read the file with (default: the bundle's own).
        #[arg(long)]
        spec: Option<PathBuf>,
        /// CSV file, plain or .gz.
        #[arg(long)]
        data: PathBuf,
        /// Decision threshold for accuracy (default: the bundle's).
        #[arg(long)]
        threshold: Option<f64>,
        /// Also write the metrics as JSON here.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Write the model report: one self-contained HTML file (metrics, curves, calibration,
    /// gains, scaling, reason codes, fairness, stability baseline, model card).
    Report(TrainingFileArgs),
    /// Write which part of the bundle's train/validation/test split each row of its training
    /// file fell in (`line,part`), to compare other tools on the same rows.
    Split(TrainingFileArgs),
    /// What the bundle reveals about its training rows: a membership-inference attack (loss
    /// threshold) on its own split, its training rows against its test rows.
    Audit(TrainingFile),
    /// Population stability index of a CSV file's scores against the bundle's training baseline.
    Psi {
        /// Bundle directory.
        #[arg(long)]
        model: PathBuf,
        /// CSV file, plain or .gz (the label column may be absent).
        #[arg(long)]
        data: PathBuf,
    },
    /// Score every row of a CSV file and write probability, score, band and decision.
    Score {
        /// Bundle directory.
        #[arg(long)]
        model: PathBuf,
        /// CSV file, plain or .gz (the label column may be absent).
        #[arg(long)]
        data: PathBuf,
        /// Output CSV.
        #[arg(long)]
        out: PathBuf,
        /// Add each row's adverse-action reasons (up to four: field, text, points).
        #[arg(long)]
        reasons: bool,
        /// Language of the reasons' texts.
        #[arg(long, default_value = "en", value_parser = lang_parser())]
        lang: Lang,
    },
}

/// A bundle and the labelled file it was trained on (its split is re-created from the manifest).
#[derive(clap::Args)]
struct TrainingFile {
    /// Bundle directory.
    #[arg(long)]
    model: PathBuf,
    /// Dataset spec (TOML) to read the data with.
    #[arg(long)]
    spec: PathBuf,
    /// The labelled training file.
    #[arg(long)]
    data: PathBuf,
}

/// A [`TrainingFile`] and an output file.
#[derive(clap::Args)]
struct TrainingFileArgs {
    #[command(flatten)]
    file: TrainingFile,
    /// Output file (HTML for `report`, CSV for `split`).
    #[arg(long)]
    out: PathBuf,
}

#[derive(clap::Args)]
struct ImportArgs {
    /// The ONNX graph: one float input [batch, features], the spec's features in order
    /// (numbers as they are, categories as their code, NaN for missing); or one input per
    /// feature named after it, as skl2onnx writes a pipeline fitted on a DataFrame (float or
    /// int64 numbers, categories as their text in a string input).
    #[arg(long)]
    onnx: PathBuf,
    /// Dataset spec (TOML).
    #[arg(long)]
    spec: PathBuf,
    /// A labelled CSV file, plain or .gz: split 80/20 (stratified, --seed); scaling, bands and
    /// the stability baseline come from the training part, metrics from each part.
    #[arg(long)]
    data: PathBuf,
    /// Output bundle directory.
    #[arg(long)]
    out: PathBuf,
    /// The graph output with the probabilities (default: the first output that is one).
    #[arg(long)]
    output: Option<String>,
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Share of rows held out for the test part.
    #[arg(long, default_value_t = 0.2)]
    test_size: f64,
    /// Probability at or above which the decision is "decline".
    #[arg(long, default_value_t = 0.5)]
    threshold: f64,
    /// Drop rows whose label is missing (default: refuse them).
    #[arg(long)]
    drop_missing_label: bool,
}

#[derive(clap::Args)]
struct FitArgs {
    /// Dataset spec (TOML).
    #[arg(long)]
    spec: PathBuf,
    /// Training data: CSV, plain or .gz.
    #[arg(long)]
    data: PathBuf,
    /// Output bundle directory.
    #[arg(long)]
    out: PathBuf,
    /// Seed for the split, initialisation and shuffling; the same seed gives the same bytes.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Most epochs to train: training stops earlier once the validation AUC has not improved
    /// for `--patience` epochs, and the best epoch is kept.
    #[arg(long, default_value_t = 100)]
    epochs: usize,
    /// Hidden layer sizes, comma-separated.
    #[arg(long, value_delimiter = ',', default_value = "128,64")]
    hidden: Vec<usize>,
    #[arg(long = "lr", default_value_t = 1e-3)]
    learning_rate: f64,
    #[arg(long, default_value_t = 32)]
    batch_size: usize,
    /// Adam weight decay (L2).
    #[arg(long, default_value_t = 0.0)]
    weight_decay: f32,
    /// Loss weight of positive rows; `balanced` uses negatives/positives of the rows trained on.
    #[arg(long, default_value = "1", value_parser = pos_weight, allow_negative_numbers = true)]
    pos_weight: PosWeight,
    /// Stop after this many epochs without a better validation AUC (0 = train every epoch).
    #[arg(long, default_value_t = 10)]
    patience: usize,
    /// A validation AUC counts as better only when it gains more than this.
    #[arg(long, default_value_t = 1e-4)]
    min_delta: f64,

    /// Keep the last epoch's weights instead of the best validation epoch's.
    #[arg(long)]
    no_restore_best: bool,
    /// Per-step decay of the weight average that is validated and exported (0 = off).
    #[arg(long = "ema", default_value_t = 0.999)]
    ema_decay: f32,
    /// Numeric encoding: `ple` (piecewise-linear over quantile bins), `standard` (clipped,
    /// standardised) or `hybrid` (both).
    #[arg(long, value_enum, default_value_t = Numeric::Hybrid)]
    numeric: Numeric,
    /// Quantile bins for the piecewise-linear encoding.
    #[arg(long, default_value_t = 16)]
    bins: usize,
    /// Categories seen fewer times in training go to the unknown bucket.
    #[arg(long, default_value_t = 1)]
    min_category_count: usize,
    /// Value pairs of a spec's cross seen fewer times in training go to its unknown bucket.
    #[arg(long, default_value_t = 25)]
    min_cross_count: usize,
    #[arg(long, default_value_t = 0.2)]
    test_size: f64,
    #[arg(long, default_value_t = 0.2)]
    validation_size: f64,
    /// Probability at or above which an applicant is declined.
    #[arg(long, default_value_t = 0.5)]
    threshold: f64,
    /// Drop rows whose label is missing (the count is reported) instead of stopping.
    #[arg(long)]
    drop_missing_label: bool,
    /// Ship raw network probabilities (no Platt scaling fitted on the validation part).
    #[arg(long)]
    no_calibrate: bool,
    /// Ship the network selected on the validation part instead of refitting it on the whole
    /// training part for the chosen number of epochs.
    #[arg(long)]
    no_refit: bool,
    /// Train on these features only (comma-separated); the spec's other features are ignored.
    #[arg(long, value_delimiter = ',')]
    features: Option<Vec<String>>,
    /// Train this many networks from different seeds on the same split and ship their mean
    /// logit as one network (a wider MLP, so larger and slower to score).
    #[arg(long, default_value_t = 1)]
    members: usize,
    /// How the model file stores the network's hidden weights: `int8` (a quarter of f32's
    /// bytes, with a power-of-two scale per column), `f16` (half) or `f32`. The network is
    /// rounded to it before it is calibrated and measured, so the metrics are the shipped model's.
    #[arg(long, value_enum, default_value_t = Weights::Int8)]
    weights: Weights,
    /// No progress bar.
    #[arg(long)]
    quiet: bool,
    /// The model family: `mlp` (the network), `gbdt` (gradient-boosted trees), `blend` (both, as
    /// one graph whose logit is the mean of theirs) or `auto` (all three; the best validation AUC
    /// ships, and every candidate's figures go in the manifest).
    #[arg(long = "model", value_enum, default_value_t = Model::Auto)]
    model: Model,
    #[command(flatten)]
    trees: TreeArgs,
    #[command(flatten)]
    dp: DpArgs,
}

/// The trees' settings (`--model gbdt`, `blend` or `auto`); defaults from [`GbdtParams::default`].
/// Differential privacy: DP-SGD for the network and noisy counts for the rest of the bundle
/// (`--dp-epsilon`); defaults from [`DpParams::default`].
#[derive(clap::Args)]
#[command(next_help_heading = "Differential privacy (docs/privacy.md)")]
struct DpArgs {
    /// Make the whole bundle (ε, δ)-differentially private: the network by DP-SGD, everything
    /// else from noisy counts (numeric features need `min` and `max` in the spec), in one
    /// budget the accountant splits; the network only, no trees, no selection on the validation
    /// part. The manifest and the report say what the guarantee covers. `--hidden`, `--lr`, `--seed` (initial weights) and
    /// `--weights` apply; `--epochs`, `--batch-size`, `--patience`, `--min-delta`, `--ema`,
    /// `--weight-decay` and the refit do not (see `--dp-epochs`, `--dp-batch`); `--members`
    /// and `--pos-weight` are refused.
    #[arg(long)]
    dp_epsilon: Option<f64>,
    /// δ of the guarantee [default: 1/(10 n) for the n rows trained on].
    #[arg(long)]
    dp_delta: Option<f64>,
    /// Each example's gradient is clipped to this L2 norm [default: 1].
    #[arg(long)]
    dp_clip: Option<f64>,
    /// Epochs of DP-SGD (all run: no early stopping) [default: 15].
    #[arg(long)]
    dp_epochs: Option<usize>,
    /// Expected batch size (Poisson sampling) [default: n/20 within 16..=512].
    #[arg(long)]
    dp_batch: Option<usize>,
}

impl DpArgs {
    /// The DP settings, or none; a `--dp-*` setting without `--dp-epsilon` is an error.
    fn params(self) -> Result<Option<DpParams>> {
        let d = DpParams::default();
        let Some(epsilon) = self.dp_epsilon else {
            if self.dp_delta.is_some() || self.dp_clip.is_some() || self.dp_epochs.is_some() || self.dp_batch.is_some() {
                return Err(advisor_train::Error::Usage("--dp-delta, --dp-clip, --dp-epochs and --dp-batch need --dp-epsilon".into()));
            }
            return Ok(None);
        };
        Ok(Some(DpParams {
            epsilon,
            delta: self.dp_delta,
            clip: self.dp_clip.unwrap_or(d.clip),
            epochs: self.dp_epochs.unwrap_or(d.epochs),
            batch: self.dp_batch,
        }))
    }
}

#[derive(clap::Args)]
#[command(next_help_heading = "Trees (--model gbdt, blend or auto)")]
struct TreeArgs {
    /// Most trees: training stops earlier once the validation log loss has not improved for
    /// `--tree-patience` trees, and the best number is kept.
    #[arg(long, default_value_t = GbdtParams::default().rounds)]
    rounds: usize,
    /// Shrinkage: each tree's leaves are scaled by this.
    #[arg(long, default_value_t = GbdtParams::default().learning_rate)]
    shrinkage: f64,
    /// Most leaves a tree.
    #[arg(long, default_value_t = GbdtParams::default().max_leaves)]
    max_leaves: usize,
    /// Deepest a tree may grow (0 = only `--max-leaves` limits it).
    #[arg(long, default_value_t = GbdtParams::default().max_depth)]
    max_depth: usize,
    /// Fewest training rows in a leaf.
    #[arg(long, default_value_t = GbdtParams::default().min_rows)]
    min_rows: usize,
    /// Smallest sum of hessians in a leaf (min-child-weight).
    #[arg(long, default_value_t = GbdtParams::default().min_hessian)]
    min_hessian: f64,
    /// L2 penalty on the leaf values.
    #[arg(long, default_value_t = GbdtParams::default().l2)]
    l2: f64,
    /// Share of rows each tree is fitted on.
    #[arg(long, default_value_t = GbdtParams::default().subsample)]
    subsample: f64,
    /// Share of features each tree may split on.
    #[arg(long, default_value_t = GbdtParams::default().colsample)]
    colsample: f64,
    /// Most bins of a numeric feature (thresholds fall between its training values).
    #[arg(long, default_value_t = GbdtParams::default().max_bins)]
    max_bins: usize,
    /// Stop after this many trees without a lower validation log loss.
    #[arg(long, default_value_t = GbdtParams::default().patience)]
    tree_patience: usize,
}

/// `--model`.
#[derive(Clone, Copy, Debug, PartialEq, clap::ValueEnum)]
enum Model {
    Mlp,
    Gbdt,
    /// Both families, shipped as one graph whose logit is the mean of theirs.
    Blend,
    Auto,
}

/// `--pos-weight`: a weight, or `balanced` (negatives/positives of the rows trained on). The
/// weight's range is checked with the other training settings (`TrainParams::check`).
#[derive(Clone, Copy, Debug, PartialEq)]
enum PosWeight {
    Balanced,
    Weight(f32),
}

/// `--lang`: one of the languages the advisor speaks (listed in `--help`).
fn lang_parser() -> impl clap::builder::TypedValueParser<Value = Lang> {
    use clap::builder::TypedValueParser;
    clap::builder::PossibleValuesParser::new(advisor_core::lang::CODES).map(|code| Lang::parse(&code).unwrap_or_default())
}

fn pos_weight(s: &str) -> std::result::Result<PosWeight, String> {
    match s {
        "balanced" => Ok(PosWeight::Balanced),
        _ => s.parse().map(PosWeight::Weight).map_err(|_| format!("`{s}` is not a number or `balanced`")),
    }
}

/// `--numeric`: the CLI's names of [`NumericEncoding`] (the same as the manifest's).
#[derive(Clone, Copy, Debug, PartialEq, clap::ValueEnum)]
enum Numeric {
    Ple,
    Standard,
    Hybrid,
}

impl From<Numeric> for NumericEncoding {
    fn from(n: Numeric) -> Self {
        match n {
            Numeric::Ple => NumericEncoding::Ple,
            Numeric::Standard => NumericEncoding::Standard,
            Numeric::Hybrid => NumericEncoding::Hybrid,
        }
    }
}

/// `--weights`: the CLI's names of [`Precision`] (the same as the manifest's).
#[derive(Clone, Copy, Debug, PartialEq, clap::ValueEnum)]
enum Weights {
    F16,
    F32,
    Int8,
}

impl From<Weights> for Precision {
    fn from(w: Weights) -> Self {
        match w {
            Weights::F16 => Precision::F16,
            Weights::F32 => Precision::F32,
            Weights::Int8 => Precision::Int8,
        }
    }
}

fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Init { data, label, name, out } => init(&data, label, name, &out)?,
        Command::Fit(a) => {
            let out = a.out.clone();
            print_fit(&fit::fit(&fit_options(*a)?)?);
            println!("bundle written to {}", out.display());
        }
        Command::Import(a) => import(a)?,
        Command::Evaluate { model, spec, data, threshold, out } => {
            let e = commands::evaluate::evaluate(&model, spec.as_deref(), &data, threshold)?;
            let m = e.metrics;
            print!("{}", commands::evaluate::table(&[("data", &m)]));
            print!("{}", commands::evaluate::interval_line("data", &m, e.auc_interval));
            if let Some(out) = out {
                let json = serde_json::to_vec_pretty(&serde_json::json!({ "data": m })).expect("serialisable");
                std::fs::write(&out, json).map_err(|e| advisor_train::Error::Io { path: out, source: e })?;
            }
        }
        Command::Report(TrainingFileArgs { file: TrainingFile { model, spec, data }, out }) => {
            let s = advisor_train::report::write(&model, &spec, &data, &out)?;
            println!("report written to {} (test AUC {:.4}, ECE {:.4})", out.display(), s.test.auc, s.test.ece);
        }
        Command::Split(TrainingFileArgs { file: TrainingFile { model, spec, data }, out }) => {
            let [f, v, t] = commands::split::write_parts(&model, &spec, &data, &out)?;
            println!("split written to {}: {f} fit, {v} validation, {t} test rows", out.display());
        }
        Command::Audit(TrainingFile { model, spec, data }) => {
            let a = commands::audit::audit(&model, &spec, &data)?;
            println!(
                "membership inference (loss threshold): attack AUC {:.4}, advantage {:.4} ({} training rows against {} test rows; 0.5 and 0 learn nothing)",
                a.auc, a.advantage, a.members, a.non_members
            );
        }
        Command::Psi { model, data } => {
            let (psi, n) = commands::score::psi(&model, &data)?;
            println!("PSI {psi:.4} over {n} rows: {}", advisor_core::stability::psi_band(psi));
        }
        Command::Score { model, data, out, reasons, lang } => {
            let n = commands::score::score_file(&model, &data, &out, &commands::score::ScoreOptions { reasons, lang })?;
            println!("scored {n} rows into {}", out.display());
        }
    }
    Ok(())
}

/// `import`: the bundle, and its figures on the terminal.
fn import(a: ImportArgs) -> Result<()> {
    let opts = advisor_train::import::ImportOptions {
        output: a.output,
        test_size: a.test_size,
        threshold: a.threshold,
        seed: a.seed,
        drop_missing_label: a.drop_missing_label,
        ..advisor_train::import::ImportOptions::new(a.onnx, a.spec, a.data, &a.out)
    };
    let r = advisor_train::import::import(&opts)?;
    println!("{} (output `{}`)", r.model, r.output);
    println!("test AUC {:.4}  KS {:.4}  Brier {:.4}; train AUC {:.4}", r.test.auc, r.test.ks, r.test.brier, r.train.auc);
    if let Some(d) = r.light_vs_tract {
        println!("light vs tract max |Δp| {d:.2e}");
    }
    for w in r.warnings() {
        println!("warning: {w}");
    }
    println!("bundle written to {}", a.out.display());
    Ok(())
}

/// `fit`'s flags as the trainer's options (each checked there, once).
fn fit_options(a: FitArgs) -> Result<FitOptions> {
    let (pos_weight, balance_classes) = match a.pos_weight {
        PosWeight::Balanced => (1.0, true),
        PosWeight::Weight(w) => (w, false),
    };
    let mut opts = FitOptions::new(a.spec, a.data, a.out);
    opts.train = TrainParams {
        hidden: a.hidden,
        epochs: a.epochs,
        batch_size: a.batch_size,
        learning_rate: a.learning_rate,
        weight_decay: a.weight_decay,
        pos_weight,
        balance_classes,
        patience: (a.patience > 0).then_some(a.patience),
        min_delta: a.min_delta,
        restore_best: !a.no_restore_best,
        ema_decay: a.ema_decay,
        seed: a.seed,
    };
    opts.preprocess = PreprocessParams {
        numeric: a.numeric.into(),
        bins: a.bins,
        min_category_count: a.min_category_count,
        min_cross_count: a.min_cross_count,
        ..PreprocessParams::default()
    };
    opts.test_size = a.test_size;
    opts.validation_size = a.validation_size;
    opts.threshold = a.threshold;
    opts.drop_missing_label = a.drop_missing_label;
    opts.refit = !a.no_refit;
    opts.members = a.members;
    opts.weights = a.weights.into();
    opts.features = a.features;
    opts.calibrate = !a.no_calibrate;
    opts.progress = !a.quiet && std::io::IsTerminal::is_terminal(&std::io::stderr());
    opts.model = match a.model {
        Model::Mlp => ModelChoice::Only(Family::Mlp),
        Model::Gbdt => ModelChoice::Only(Family::Gbdt),
        Model::Blend => ModelChoice::Only(Family::Blend),
        Model::Auto => ModelChoice::Auto,
    };
    opts.dp = a.dp.params()?;
    opts.gbdt = a.trees.into();
    Ok(opts)
}

impl From<TreeArgs> for GbdtParams {
    fn from(t: TreeArgs) -> Self {
        GbdtParams {
            rounds: t.rounds,
            learning_rate: t.shrinkage,
            max_leaves: t.max_leaves,
            max_depth: t.max_depth,
            min_rows: t.min_rows,
            min_hessian: t.min_hessian,
            l2: t.l2,
            subsample: t.subsample,
            colsample: t.colsample,
            max_bins: t.max_bins,
            patience: t.tree_patience,
            ..GbdtParams::default()
        }
    }
}

/// `init`: drafts the spec and writes it to `out` (never over an existing file).
fn init(data: &std::path::Path, label: Option<String>, name: Option<String>, out: &std::path::Path) -> Result<()> {
    use advisor_train::init::{self, InitParams};
    if out.exists() {
        return Err(advisor_train::Error::Usage(format!("--out {}: the file exists; remove it or choose another name", out.display())));
    }
    let draft = init::init(data, &InitParams { label, name })?;
    std::fs::write(out, &draft.toml).map_err(|source| advisor_train::Error::Io { path: out.into(), source })?;
    println!("{}: {}", out.display(), init::summary(&draft));
    let drop_flag = if draft.unlabelled > 0 { " --drop-missing-label" } else { "" };
    println!(
        "check its TODO comments, then: advisor-train fit --spec {} --data {} --out <bundle dir>{drop_flag}",
        out.display(),
        data.display()
    );
    Ok(())
}

/// What `fit` prints: the metrics table, calibration, training speed and notes.
fn print_fit(r: &fit::FitReport) {
    print!("{}", commands::evaluate::table(&[("train", &r.train), ("validation", &r.validation), ("test", &r.test)]));
    print!("{}", commands::evaluate::interval_line("test", &r.test, r.test_auc_interval));
    if let Some(u) = &r.test_uncalibrated {
        println!(
            "calibration (Platt, fitted on the validation part): test ECE {:.4} → {:.4}, Brier {:.4} → {:.4}",
            u.ece, r.test.ece, u.brier, r.test.brier
        );
    }
    if r.candidates.len() > 1 {
        for (c, seconds) in &r.candidates {
            println!(
                "candidate {:<5}  validation AUC {:.4}  log loss {:.4}  ({} of {} run, {seconds:.1} s)",
                c.family, c.validation_auc, c.validation_log_loss, c.chosen, c.run
            );
        }
    }
    match r.family {
        Family::Mlp => {
            let rps = r.rows_per_second.iter().sum::<f64>() / r.rows_per_second.len() as f64;
            println!(
                "network: best epoch {}; {:.0} rows/s per epoch; burn vs tract max |Δp| {:.2e}",
                r.best_epoch, rps, r.parity_max_abs_diff
            );
        }
        Family::Gbdt => println!("trees: {} chosen on validation; light vs tract max |Δp| {:.2e}", r.best_epoch, r.parity_max_abs_diff),
        Family::Blend => println!("blend of the network and the trees; light vs tract max |Δp| {:.2e}", r.parity_max_abs_diff),
    }
    if !r.constant_columns.is_empty() {
        println!(
            "note: {} constant in the training part (kept; they carry no information): {}",
            if r.constant_columns.len() == 1 { "1 feature is" } else { "features are" },
            r.constant_columns.join(", ")
        );
    }
    for w in r.warnings() {
        println!("warning: {w}");
    }
}

/// Lets a closed pipe end the process quietly (`advisor-train score … | head`), as other Unix
/// tools do, instead of `println!` panicking on the write error. Rust ignores SIGPIPE by default.
#[cfg(unix)]
fn default_sigpipe() {
    // SAFETY: sets SIGPIPE's disposition back to the default before any other thread or I/O.
    unsafe { libc::signal(libc::SIGPIPE, libc::SIG_DFL) };
}

fn main() -> ExitCode {
    #[cfg(unix)]
    default_sigpipe();
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::ValueEnum;

    #[test]
    fn numeric_names_are_the_manifests() {
        for n in Numeric::value_variants() {
            let cli = n.to_possible_value().unwrap().get_name().to_string();
            assert_eq!(serde_json::to_value(NumericEncoding::from(*n)).unwrap(), serde_json::Value::String(cli));
        }
    }

    #[test]
    fn fit_without_flags_is_the_trainers_defaults() {
        let Command::Fit(a) = Cli::try_parse_from(["advisor-train", "fit", "--spec", "s", "--data", "d", "--out", "o"]).unwrap().command
        else {
            panic!("fit")
        };
        let (opts, defaults) = (fit_options(*a).unwrap(), FitOptions::new("s", "d", "o"));
        assert_eq!((opts.model, &opts.gbdt), (defaults.model, &defaults.gbdt));
        assert_eq!(opts.train, defaults.train);
    }

    #[test]
    fn pos_weight_is_a_number_or_balanced() {
        assert_eq!(pos_weight("balanced"), Ok(PosWeight::Balanced));
        assert_eq!(pos_weight("2.5"), Ok(PosWeight::Weight(2.5)));
        assert!(pos_weight("lots").unwrap_err().contains("not a number or `balanced`"));
        let err = Cli::try_parse_from(["advisor-train", "fit", "--spec", "s", "--data", "d", "--out", "o", "--pos-weight", "x"]);
        assert!(err.err().unwrap().to_string().contains("`x` is not a number or `balanced`"));
    }
}
