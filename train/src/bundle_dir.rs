//! Bundle directories on disk: `manifest.json` + `model.onnx` (+ `metrics.json`).

use std::path::Path;

use advisor_core::bundle::{Bundle, GRAPH_FILE, MANIFEST_FILE};

use crate::error::{Error, Result};

/// Reads and verifies the bundle in `dir` (light runtime when it runs the graph, else tract).
pub fn load(dir: &Path) -> Result<Bundle> {
    load_with(dir, Bundle::load)
}

/// Reads the bundle in `dir` and loads it with `loader` (e.g. [`Bundle::load_tract`]).
pub fn load_with(dir: &Path, loader: impl FnOnce(&[u8], &[u8]) -> advisor_core::Result<Bundle>) -> Result<Bundle> {
    let manifest_path = dir.join(MANIFEST_FILE);
    let manifest = std::fs::read(&manifest_path).map_err(Error::io(&manifest_path))?;
    let (m, _) =
        advisor_core::bundle::Manifest::parse(&manifest).map_err(|e| Error::File { path: manifest_path.clone(), msg: e.to_string() })?;
    if m.graph.file.contains(['/', '\\']) || m.graph.file.starts_with('.') {
        return Err(Error::File { path: manifest_path, msg: format!("graph file {:?} must be a plain file name", m.graph.file) });
    }
    let graph_path = dir.join(&m.graph.file);
    let graph = std::fs::read(&graph_path).map_err(Error::io(&graph_path))?;
    loader(&manifest, &graph).map_err(|e| Error::File { path: dir.into(), msg: e.to_string() })
}

/// Checks, before any work, that a bundle can be written to `dir`: it is a directory (or does
/// not exist yet, under a directory) and a file can be created in it. Nothing is left behind.
pub fn check_writable(dir: &Path) -> Result<()> {
    let not_dir =
        |p: &Path| Error::File { path: p.into(), msg: "exists and is not a directory; --out needs a directory for the bundle".into() };
    let mut existing = dir;
    while !existing.as_os_str().is_empty() && !existing.exists() {
        existing = existing.parent().unwrap_or(Path::new(""));
    }
    let existing = if existing.as_os_str().is_empty() { Path::new(".") } else { existing };
    if !existing.is_dir() {
        return Err(not_dir(existing));
    }
    let probe = existing.join(format!(".advisor-write-check-{}", std::process::id()));
    std::fs::write(&probe, b"").map_err(|e| Error::File { path: dir.into(), msg: format!("cannot be written ({e})") })?;
    let _ = std::fs::remove_file(&probe);
    Ok(())
}

/// Writes a bundle's files into `dir`, creating it.
pub fn write(dir: &Path, manifest: &[u8], graph: &[u8], metrics: &[u8]) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(Error::io(dir))?;
    for (name, bytes) in [(MANIFEST_FILE, manifest), (GRAPH_FILE, graph), ("metrics.json", metrics)] {
        let path = dir.join(name);
        std::fs::write(&path, bytes).map_err(Error::io(&path))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unwritable_out_is_refused_up_front() {
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join("bundle");
        std::fs::write(&file, b"x").unwrap();
        let e = check_writable(&file).unwrap_err().to_string();
        assert!(e.contains("is not a directory"), "{e}");
        assert!(check_writable(&file.join("below")).is_err());
        check_writable(&tmp.path().join("new/deeper")).unwrap();
        check_writable(tmp.path()).unwrap();
        assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 1, "the check leaves nothing behind");
    }
}
