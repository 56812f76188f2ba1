//! Embeds the browser parity fixture (written natively by `parity-fixture`) for the browser
//! tests; without `ADVISOR_PARITY_FIXTURE` the parity test reports that it has no fixture.
fn main() {
    println!("cargo:rerun-if-env-changed=ADVISOR_PARITY_FIXTURE");
    let out = std::path::PathBuf::from(std::env::var("OUT_DIR").unwrap()).join("parity.json");
    let text = match std::env::var("ADVISOR_PARITY_FIXTURE") {
        Ok(path) => {
            println!("cargo:rerun-if-changed={path}");
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("ADVISOR_PARITY_FIXTURE={path}: {e}"))
        }
        Err(_) => "null".to_string(),
    };
    std::fs::write(out, text).unwrap();
}
