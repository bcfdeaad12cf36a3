//! What the corpus tests share: where the conformance corpus is, and its case files.

use std::path::{Path, PathBuf};

/// `../shared/conformance/<sub>` (or `$STATELAB_CONFORMANCE/<sub>`).
pub fn corpus_dir(sub: &str) -> PathBuf {
    match std::env::var("STATELAB_CONFORMANCE") {
        Ok(d) => PathBuf::from(d),
        Err(_) => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/conformance"),
    }
    .join(sub)
}

/// The `.json` files of a corpus folder, sorted.
pub fn case_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("conformance corpus not found at {}: {}", dir.display(), e))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    files
}
