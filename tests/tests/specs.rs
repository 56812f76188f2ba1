//! Every shipped spec reads its shared dataset: all rows, both classes, the documented balance.

use advisor_tests::{data, spec};
use advisor_train::data::{read_csv, read_spec, MissingLabel};

#[test]
fn every_shipped_spec_reads_its_dataset() {
    // (dataset, rows, positives) as the datasets' READMEs give them.
    for (name, rows, positives) in [("german_credit", 1000, 300), ("australian_credit", 690, 383), ("bank_marketing", 45211, 5289)] {
        let s = read_spec(&spec(name)).unwrap();
        let ds = read_csv(&data(name), &s, MissingLabel::Error).unwrap();
        let pos = ds.labels.iter().filter(|&&y| y == 1).count();
        assert_eq!((ds.raw.rows(), pos), (rows, positives), "{name}");
    }
}
