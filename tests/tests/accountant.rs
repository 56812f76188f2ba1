//! The privacy accountant (`train/src/accountant.rs`) against Google's `dp-accounting` on a grid
//! of sampling rates, noise multipliers, steps and δ (`tests/fixtures/dp_accountant.json`, made by
//! `benches/reference/dp_accountant.py`): ε within 2 % everywhere (issue 16's bar).

use advisor_train::accountant::Sgm;

#[test]
fn epsilon_is_within_two_percent_of_dp_accounting_on_the_whole_grid() {
    let text = std::fs::read_to_string(advisor_tests::repo().join("tests/fixtures/dp_accountant.json")).unwrap();
    let fixture: serde_json::Value = serde_json::from_str(&text).unwrap();
    let grid = fixture["grid"].as_array().unwrap();
    assert!(grid.len() >= 500, "{} points", grid.len());
    let mut worst = (0.0f64, String::new());
    for p in grid {
        let f = |k: &str| p[k].as_f64().unwrap();
        let (q, sigma, steps, delta, want) = (f("q"), f("sigma"), p["steps"].as_u64().unwrap(), f("delta"), f("epsilon"));
        let (got, order) = Sgm::new(q, sigma, steps).unwrap().epsilon(delta).unwrap();
        let rel = (got - want).abs() / want;
        if rel > worst.0 {
            worst =
                (rel, format!("q {q}, σ {sigma}, {steps} steps, δ {delta}: ε {got} (order {order}) against {want} (order {})", f("order")));
        }
    }
    println!("worst relative difference {:.2e}: {}", worst.0, worst.1);
    assert!(worst.0 <= 0.02, "{}", worst.1);
}
