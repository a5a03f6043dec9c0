//! Reading an export's zip without trusting it: every entry's name is checked (no `..`,
//! absolute path, backslash or drive), and its size bounded by caps on the entry, the
//! whole archive, the number of entries and the ratio of unpacked to packed bytes — by
//! what is actually read, not by what the headers claim. Nothing is written to disk.

use std::fs::File;
use std::io::Read;
use std::path::Path;

/// What an archive may hold.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_entries: usize,
    pub max_entry_bytes: u64,
    pub max_total_bytes: u64,
    /// Unpacked bytes per packed byte, checked for entries past `RATIO_FLOOR` bytes.
    pub max_ratio: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_entries: 1_000_000,
            max_entry_bytes: 256 * 1024 * 1024,
            max_total_bytes: 16 * 1024 * 1024 * 1024,
            max_ratio: 200,
        }
    }
}

/// Small entries may compress however well they like: the harm of a bomb is its size.
const RATIO_FLOOR: u64 = 1024 * 1024;

/// Why an archive is refused.
pub fn refuse(what: impl std::fmt::Display) -> String {
    format!("the archive is refused: {what}")
}

/// Whether `name` is a safe relative path of the archive.
pub fn check_name(name: &str) -> Result<(), String> {
    let bad = name.is_empty()
        || name.starts_with('/')
        || name.contains('\\')
        || name.contains('\0')
        || name.split('/').any(|part| part == ".." || part.contains(':'));
    if bad { Err(refuse(format!("the entry name {name:?} is not a plain relative path"))) } else { Ok(()) }
}

/// Calls `each(name, bytes)` for every file of the archive, in the archive's order.
pub fn read_all(
    path: &Path,
    limits: &Limits,
    mut each: impl FnMut(&str, Vec<u8>) -> Result<(), String>,
) -> Result<(), String> {
    let file = File::open(path).map_err(|e| format!("cannot open {}: {e}", path.display()))?;
    let mut zip = zip::ZipArchive::new(file).map_err(|e| refuse(format!("not a readable zip file ({e})")))?;
    if zip.len() > limits.max_entries {
        return Err(refuse(format!("{} entries, more than {}", zip.len(), limits.max_entries)));
    }
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).map_err(|e| refuse(format!("entry {i} cannot be read ({e})")))?;
        let name = entry.name().map_err(|e| refuse(format!("entry {i} has an unreadable name ({e})")))?.to_string();
        check_name(&name)?;
        if entry.is_dir() {
            continue;
        }
        if entry.size() > limits.max_entry_bytes {
            return Err(refuse(format!(
                "{name} unpacks to {} bytes, more than {}",
                entry.size(),
                limits.max_entry_bytes
            )));
        }
        let packed = entry.compressed_size().max(1);
        let mut bytes = Vec::with_capacity(entry.size().min(limits.max_entry_bytes) as usize);
        (&mut entry)
            .take(limits.max_entry_bytes + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| refuse(format!("{name} cannot be unpacked ({e})")))?;
        let n = bytes.len() as u64;
        if n > limits.max_entry_bytes {
            return Err(refuse(format!("{name} unpacks to more than {} bytes", limits.max_entry_bytes)));
        }
        if n > RATIO_FLOOR && n / packed > limits.max_ratio {
            return Err(refuse(format!(
                "{name} unpacks {} times its packed size (at most {} allowed): a zip bomb?",
                n / packed,
                limits.max_ratio
            )));
        }
        total += n;
        if total > limits.max_total_bytes {
            return Err(refuse(format!("it unpacks to more than {} bytes", limits.max_total_bytes)));
        }
        each(&name, bytes)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::check_name;

    #[test]
    fn names_must_be_plain_relative_paths() {
        for ok in ["users.json", "general/2024-01-02.json", "a b/c.json"] {
            assert!(check_name(ok).is_ok(), "{ok}");
        }
        for bad in ["../x.json", "a/../../x", "/etc/passwd", "a\\b.json", "C:/x.json", ""] {
            assert!(check_name(bad).is_err(), "{bad}");
        }
    }
}
