//! What a bundle reveals about its training rows: the membership-inference attack of `audit`
//! (and the report) on the shipped bundle, and on a model made to memorise its rows, which the
//! attack must catch.

use advisor_tests::{data, repo, spec};
use advisor_train::commands::audit::audit;
use advisor_train::fit::{fit, Family, FitOptions, ModelChoice};

#[test]
fn the_shipped_bundle_reveals_little_and_a_memorising_model_much() {
    let shipped = audit(&repo().join("models/german_credit"), &spec("german_credit"), &data("german_credit")).unwrap();
    assert_eq!((shipped.members, shipped.non_members), (800, 200), "the shipped network was refitted on all 800 training rows");
    assert!(shipped.auc > 0.45 && shipped.auc < 0.65, "{shipped:?}");

    // A wide network trained long on the fit rows alone, without early stopping, weight decay
    // or averaging: it memorises them.
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("memorised");
    let mut o = FitOptions::new(spec("german_credit"), data("german_credit"), &out);
    o.model = ModelChoice::Only(Family::Mlp);
    o.progress = false;
    (o.refit, o.calibrate) = (false, false);
    (o.train.hidden, o.train.epochs, o.train.patience, o.train.restore_best) = (vec![256, 256], 150, None, false);
    (o.train.weight_decay, o.train.ema_decay) = (0.0, 0.0);
    fit(&o).unwrap();
    let memorised = audit(&out, &spec("german_credit"), &data("german_credit")).unwrap();
    assert_eq!(memorised.members, 640, "without a refit, the fit rows only");
    assert!(
        memorised.auc > 0.65 && memorised.advantage > 0.3 && memorised.advantage > 3.0 * shipped.advantage,
        "{memorised:?} against {shipped:?}"
    );
}
