//! Compressed copies of the site's static files: `<file>.br` and `<file>.gz` beside each file
//! worth compressing, which the file service sends to browsers that accept them
//! (`ServeDir::precompressed_br` / `precompressed_gzip`). Without them, the compression layer
//! compresses the WebAssembly bundle again for every first visit (a release bundle of a few
//! megabytes, a debug one of over 20); with them, it is compressed once per build, at the highest
//! levels, which no server could afford per request.
//!
//! `styk precompress` writes them (scripts/run.sh does it for release builds; a deployment does it
//! after building the site). When the server starts it removes copies older than their file, so a
//! rebuilt bundle is never answered with the previous build's copy.
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// Extensions of the files worth compressing: text and the bundle. Images and fonts in formats
/// that are compressed already are left alone.
const COMPRESSIBLE: &[&str] = &["wasm", "js", "mjs", "css", "html", "svg", "json", "txt", "map", "xml"];

/// Files smaller than this gain too little to be worth a second copy.
const MIN_BYTES: u64 = 1024;

/// The two encodings, as file suffixes.
const SUFFIXES: [&str; 2] = ["br", "gz"];

/// What one run of [`precompress`] did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Precompressed {
    /// Compressed copies written.
    pub written: usize,
    /// Copies already newer than their file, left as they were.
    pub up_to_date: usize,
    /// Bytes of the files compressed in this run, and of their Brotli copies.
    pub source_bytes: u64,
    pub brotli_bytes: u64,
}

/// Writes the compressed copies of every compressible file under `root` that lacks an up-to-date
/// one. A copy is written to a temporary name and renamed into place, so a concurrent request
/// never reads half of it; a copy that would not be smaller than its file is not kept.
pub fn precompress(root: &Path) -> io::Result<Precompressed> {
    let mut done = Precompressed::default();
    for file in compressible_files(root)? {
        let modified = std::fs::metadata(&file)?.modified()?;
        let mut contents: Option<Vec<u8>> = None;
        for suffix in SUFFIXES {
            let copy = sibling(&file, suffix);
            if is_fresh(&copy, modified) {
                done.up_to_date += 1;
                continue;
            }
            let bytes = match &contents {
                Some(bytes) => bytes,
                None => contents.insert(std::fs::read(&file)?),
            };
            let compressed = compress(bytes, suffix)?;
            if compressed.len() >= bytes.len() {
                let _ = std::fs::remove_file(&copy);
                continue;
            }
            let temporary = sibling(&file, &format!("{suffix}.{}.tmp", std::process::id()));
            std::fs::write(&temporary, &compressed)?;
            std::fs::rename(&temporary, &copy)?;
            done.written += 1;
            if suffix == "br" {
                done.source_bytes += bytes.len() as u64;
                done.brotli_bytes += compressed.len() as u64;
            }
        }
    }
    Ok(done)
}

/// Removes compressed copies older than their file (or whose file is gone), and returns how many.
pub fn remove_stale(root: &Path) -> io::Result<usize> {
    // A server without a built front end (an API test, say) has nothing to check.
    if !root.is_dir() {
        return Ok(0);
    }
    let mut removed = 0;
    for path in files_under(root)? {
        let Some(file) = copy_of(&path) else { continue };
        let stale = match std::fs::metadata(&file).and_then(|meta| meta.modified()) {
            Ok(modified) => !is_fresh(&path, modified),
            Err(_) => true,
        };
        if stale {
            std::fs::remove_file(&path)?;
            removed += 1;
        }
    }
    Ok(removed)
}

fn compress(bytes: &[u8], suffix: &str) -> io::Result<Vec<u8>> {
    let mut out = Vec::with_capacity(bytes.len() / 3);
    if suffix == "br" {
        let params = brotli::enc::BrotliEncoderParams { quality: 11, lgwin: 24, ..Default::default() };
        brotli::BrotliCompress(&mut &bytes[..], &mut out, &params)?;
    } else {
        let mut encoder = flate2::write::GzEncoder::new(out, flate2::Compression::best());
        encoder.write_all(bytes)?;
        out = encoder.finish()?;
    }
    Ok(out)
}

/// Whether `copy` exists and is at least as new as its file.
fn is_fresh(copy: &Path, source_modified: SystemTime) -> bool {
    std::fs::metadata(copy).and_then(|meta| meta.modified()).is_ok_and(|modified| modified >= source_modified)
}

fn sibling(file: &Path, suffix: &str) -> PathBuf {
    let mut name = file.as_os_str().to_owned();
    name.push(".");
    name.push(suffix);
    PathBuf::from(name)
}

/// For a compressed copy this module writes, its file. A `.gz` of anything else (an archive
/// offered for download, say) is not one.
fn copy_of(path: &Path) -> Option<PathBuf> {
    let extension = path.extension()?.to_str()?;
    if !SUFFIXES.contains(&extension) {
        return None;
    }
    let file = path.with_extension("");
    is_compressible(&file).then_some(file)
}

fn is_compressible(file: &Path) -> bool {
    file.extension().and_then(|e| e.to_str()).is_some_and(|e| COMPRESSIBLE.contains(&e))
}

fn compressible_files(root: &Path) -> io::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for path in files_under(root)? {
        if is_compressible(&path) && std::fs::metadata(&path)?.len() >= MIN_BYTES {
            files.push(path);
        }
    }
    Ok(files)
}

fn files_under(root: &Path) -> io::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    let mut directories = vec![root.to_path_buf()];
    while let Some(directory) = directories.pop() {
        for entry in std::fs::read_dir(&directory)? {
            let entry = entry?;
            let kind = entry.file_type()?;
            if kind.is_dir() {
                directories.push(entry.path());
            } else if kind.is_file() {
                files.push(entry.path());
            }
        }
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    fn site() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("pkg")).unwrap();
        let bundle: String = (0..4000).map(|n| format!("function f{n}() {{ return {n}; }}\n")).collect();
        std::fs::write(dir.path().join("pkg/styk.js"), &bundle).unwrap();
        std::fs::write(dir.path().join("pkg/tiny.css"), "body{}").unwrap();
        std::fs::write(dir.path().join("photo.png"), vec![7u8; 4096]).unwrap();
        dir
    }

    #[test]
    fn writes_both_copies_that_decompress_to_the_file() {
        let dir = site();
        let done = precompress(dir.path()).unwrap();
        assert_eq!(done.written, 2, "one file is worth it: the tiny one and the image are not");
        let original = std::fs::read(dir.path().join("pkg/styk.js")).unwrap();
        let mut from_brotli = Vec::new();
        brotli::BrotliDecompress(&mut &std::fs::read(dir.path().join("pkg/styk.js.br")).unwrap()[..], &mut from_brotli)
            .unwrap();
        assert_eq!(from_brotli, original);
        let mut from_gzip = Vec::new();
        flate2::read::GzDecoder::new(&std::fs::read(dir.path().join("pkg/styk.js.gz")).unwrap()[..])
            .read_to_end(&mut from_gzip)
            .unwrap();
        assert_eq!(from_gzip, original);
        assert!(done.brotli_bytes * 5 < done.source_bytes, "{done:?}");
        assert!(!dir.path().join("pkg/tiny.css.br").exists());
        assert!(!dir.path().join("photo.png.br").exists());
        let leftovers = files_under(dir.path()).unwrap().into_iter().filter(|p| p.to_string_lossy().ends_with(".tmp"));
        assert_eq!(leftovers.count(), 0);
    }

    #[test]
    fn a_second_run_leaves_fresh_copies_alone() {
        let dir = site();
        precompress(dir.path()).unwrap();
        let again = precompress(dir.path()).unwrap();
        assert_eq!((again.written, again.up_to_date), (0, 2));
    }

    #[test]
    fn copies_older_than_their_file_are_removed_and_written_again() {
        let dir = site();
        precompress(dir.path()).unwrap();
        assert_eq!(remove_stale(dir.path()).unwrap(), 0);
        // A rebuilt bundle: its file is newer than its copies.
        let bundle = dir.path().join("pkg/styk.js");
        let later = SystemTime::now() + std::time::Duration::from_secs(60);
        std::fs::File::options().write(true).open(&bundle).unwrap().set_modified(later).unwrap();
        assert_eq!(remove_stale(dir.path()).unwrap(), 2);
        assert!(!dir.path().join("pkg/styk.js.br").exists());
        // A copy whose file is gone goes too.
        std::fs::write(dir.path().join("pkg/gone.js.gz"), b"old").unwrap();
        assert_eq!(remove_stale(dir.path()).unwrap(), 1);
        // An archive offered for download is not a copy.
        std::fs::write(dir.path().join("export.tar.gz"), b"archive").unwrap();
        assert_eq!(remove_stale(dir.path()).unwrap(), 0);
        assert_eq!(precompress(dir.path()).unwrap().written, 2);
    }
}
