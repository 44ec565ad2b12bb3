//! The benchmark's inputs: generated files, URLs and texts as datapoints.

use std::path::{Path, PathBuf};

use rapidata::DataItem;

use super::config::Input;

/// Writes `count` distinct files of `size` pseudo-random bytes with `.jpg` names (a JPEG
/// start and end marker around noise) into `dir`.
fn generate_files(dir: &Path, count: usize, size: usize) -> Result<Vec<PathBuf>, String> {
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let mut buf = vec![0u8; size.max(8)];
    let mut paths = Vec::with_capacity(count);
    for i in 0..count {
        for chunk in buf.chunks_mut(8) {
            // xorshift64*
            state ^= state >> 12;
            state ^= state << 25;
            state ^= state >> 27;
            let v = state.wrapping_mul(0x2545_F491_4F6C_DD1D).to_le_bytes();
            chunk.copy_from_slice(&v[..chunk.len()]);
        }
        buf[..4].copy_from_slice(&[0xFF, 0xD8, 0xFF, 0xE0]);
        let n = buf.len();
        buf[n - 2..].copy_from_slice(&[0xFF, 0xD9]);
        let path = dir.join(format!("img-{i:06}.jpg"));
        std::fs::write(&path, &buf).map_err(|e| format!("write {}: {e}", path.display()))?;
        paths.push(path);
    }
    Ok(paths)
}

pub(super) fn datapoints(
    input: Input,
    n: usize,
    file_size: usize,
    dir: &Path,
) -> Result<Vec<[DataItem; 2]>, String> {
    Ok(match input {
        Input::Files => {
            let files = generate_files(dir, 2 * n, file_size)?;
            files
                .chunks(2)
                .map(|p| [DataItem::file(&p[0]), DataItem::file(&p[1])])
                .collect()
        }
        Input::Urls => (0..n)
            .map(|i| {
                [
                    DataItem::url(format!("https://assets.rapidata.ai/bench/a-{i:06}.jpg")),
                    DataItem::url(format!("https://assets.rapidata.ai/bench/b-{i:06}.jpg")),
                ]
            })
            .collect(),
        Input::Text => (0..n)
            .map(|i| {
                [
                    DataItem::text(format!("The first answer to question {i}.")),
                    DataItem::text(format!("The second answer to question {i}.")),
                ]
            })
            .collect(),
    })
}
