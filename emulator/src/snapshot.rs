//! Snapshots of the world (DESIGN §4): the whole state as one JSON document, written
//! atomically so a crash never leaves a torn file, and refused whole if it does not fit.

use serde::{Deserialize, Serialize};
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use crate::world::World;

/// What a snapshot file says it is.
const FORMAT: &str = "orgsim-state";
/// Bumped whenever the world's shape changes incompatibly.
pub const VERSION: u32 = 1;

#[derive(Serialize)]
struct SnapshotOut<'w> {
    format: &'static str,
    version: u32,
    orgsim: &'static str,
    world: &'w World,
}

#[derive(Deserialize)]
struct Header {
    format: Option<String>,
    version: Option<u32>,
    orgsim: Option<String>,
}

#[derive(Deserialize)]
struct SnapshotIn {
    world: World,
}

/// The world as a snapshot document. Serializing a large world takes milliseconds of
/// CPU; it runs on a blocking thread and yields the CPU every few kilobytes, so on a
/// busy core the request workers are not kept waiting behind a whole snapshot.
pub fn to_json(world: &World) -> Vec<u8> {
    let snapshot = SnapshotOut {
        format: FORMAT,
        version: VERSION,
        orgsim: env!("CARGO_PKG_VERSION"),
        world,
    };
    let mut out = Yielding {
        bytes: Vec::new(),
        since_yield: 0,
    };
    serde_json::to_writer_pretty(&mut out, &snapshot).expect("the world serializes to JSON");
    out.bytes
}

/// A buffer that gives other threads a turn after every [`Yielding::EVERY`] bytes.
struct Yielding {
    bytes: Vec<u8>,
    since_yield: usize,
}

impl Yielding {
    const EVERY: usize = 16 * 1024;
}

impl Write for Yielding {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.bytes.extend_from_slice(buf);
        self.since_yield += buf.len();
        if self.since_yield >= Yielding::EVERY {
            self.since_yield = 0;
            std::thread::yield_now();
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Reads a snapshot document; anything that is not a whole, compatible snapshot is
/// refused with a message saying why, and nothing is loaded.
pub fn from_json(bytes: &[u8]) -> Result<World, String> {
    let header: Header =
        serde_json::from_slice(bytes).map_err(|e| format!("not an orgsim state snapshot: {e}"))?;
    if header.format.as_deref() != Some(FORMAT) {
        return Err(format!(
            "not an orgsim state snapshot (expected \"format\": \"{FORMAT}\")"
        ));
    }
    match header.version {
        Some(VERSION) => {}
        other => {
            return Err(format!(
                "snapshot version {} written by orgsim {} cannot be loaded by orgsim {} (snapshot version {VERSION})",
                other.map(|v| v.to_string()).unwrap_or_else(|| "?".into()),
                header.orgsim.as_deref().unwrap_or("?"),
                env!("CARGO_PKG_VERSION"),
            ))
        }
    }
    let snapshot: SnapshotIn = serde_json::from_slice(bytes)
        .map_err(|e| format!("snapshot does not match this orgsim's state: {e}"))?;
    if !snapshot.world.clock.in_range() {
        return Err(format!(
            "the snapshot's clock is outside {} … {}",
            crate::world::iso8601(0),
            crate::world::iso8601(crate::world::Clock::LATEST_MS)
        ));
    }
    Ok(snapshot.world)
}

/// Each save's temporary file has its own name, so saves never write into each other's
/// file even when two of them overlap.
static SAVES: AtomicU64 = AtomicU64::new(0);

fn directory_of(path: &Path) -> &Path {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

fn file_name_of(path: &Path) -> &str {
    path.file_name().and_then(|n| n.to_str()).unwrap_or("state")
}

/// `.<name>.<pid>.<n>.tmp` beside the state file.
fn temporary_path(path: &Path, tag: &str) -> PathBuf {
    directory_of(path).join(format!(
        ".{}.{}.{tag}.tmp",
        file_name_of(path),
        std::process::id()
    ))
}

fn is_temporary_of(path: &Path, candidate: &str) -> bool {
    candidate
        .strip_prefix(&format!(".{}.", file_name_of(path)))
        .is_some_and(|rest| rest.ends_with(".tmp"))
}

/// Writes the snapshot to a temporary file beside `path`, syncs it, renames it over
/// `path` and syncs the directory, so `path` always holds one whole snapshot: the old
/// one until the rename, the new one after. On any failure the old file stays.
pub fn save(path: &Path, world: &World) -> io::Result<()> {
    write_atomically(path, &to_json(world))
}

fn write_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let n = SAVES.fetch_add(1, Ordering::Relaxed);
    let temporary = temporary_path(path, &n.to_string());
    let result = (|| {
        let mut file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temporary)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        fs::rename(&temporary, path)?;
        // The rename itself must reach the disk too. Some file systems cannot sync a
        // directory; the file is in place either way, so that is only logged.
        if let Err(e) = File::open(directory_of(path)).and_then(|dir| dir.sync_all()) {
            tracing::warn!(file = %path.display(), "cannot sync the state directory: {e}");
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = fs::remove_file(&temporary);
    }
    result
}

/// Gets `--state FILE` ready before serving: removes the temporary files a killed
/// orgsim left beside it, and proves that a save can be written there (a temporary
/// file is created, synced and removed), so an unwritable location is reported at
/// start rather than at shutdown, when every change would be lost.
pub fn prepare(path: &Path) -> Result<usize, String> {
    let directory = directory_of(path);
    if path.is_dir() {
        return Err(format!("{} is a directory, not a file", path.display()));
    }
    let mut removed = 0;
    if let Ok(entries) = fs::read_dir(directory) {
        for entry in entries.filter_map(Result::ok) {
            let name = entry.file_name();
            if is_temporary_of(path, &name.to_string_lossy())
                && fs::remove_file(entry.path()).is_ok()
            {
                removed += 1;
            }
        }
    }
    let probe = temporary_path(path, "probe");
    let written = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&probe)
        .and_then(|mut f| f.write_all(b"{}").and_then(|()| f.sync_all()));
    let _ = fs::remove_file(&probe);
    written.map_err(|e| {
        format!(
            "cannot save the state to {}: cannot write in {}: {e}",
            path.display(),
            directory.display()
        )
    })?;
    Ok(removed)
}

/// Loads `path` if it exists: `Ok(None)` when there is no file yet.
pub fn load(path: &Path) -> Result<Option<World>, String> {
    match fs::read(path) {
        Ok(bytes) => from_json(&bytes)
            .map(Some)
            .map_err(|e| format!("{}: {e}", path.display())),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(format!("cannot read {}: {e}", path.display())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::services::organizations::test_support::{root_caller, run, world};
    use serde_json::json;

    fn populated() -> World {
        let mut w = world();
        let mgmt = root_caller("111111111111");
        run(&mut w, &mgmt, "CreateOrganization", json!({})).unwrap();
        run(
            &mut w,
            &mgmt,
            "CreateAccount",
            json!({"Email": "a@example.org", "AccountName": "A"}),
        )
        .unwrap();
        run(&mut w, &mgmt, "ListAccounts", json!({})).unwrap();
        w
    }

    #[test]
    fn round_trip_is_byte_for_byte() {
        let w = populated();
        let bytes = to_json(&w);
        let back = from_json(&bytes).unwrap();
        assert_eq!(to_json(&back), bytes);
        assert_eq!(back.organizations.organizations.len(), 1);
        assert_eq!(
            back.iam.roles.len(),
            3,
            "the new account's access role and Organizations' service-linked role in both accounts"
        );
    }

    #[test]
    fn refuses_what_is_not_a_compatible_snapshot() {
        assert!(from_json(b"{nope")
            .unwrap_err()
            .contains("not an orgsim state snapshot"));
        assert!(from_json(b"{\"format\":\"other\"}")
            .unwrap_err()
            .contains("expected"));
        let wrong_version =
            br#"{"format":"orgsim-state","version":999,"orgsim":"9.9.9","world":{}}"#;
        assert!(from_json(wrong_version)
            .unwrap_err()
            .contains("cannot be loaded"));
        let torn = br#"{"format":"orgsim-state","version":1,"world":{"settings":{}}}"#;
        assert!(from_json(torn).unwrap_err().contains("does not match"));
    }

    fn temp_dir(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("orgsim-snapshot-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn files_in(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn save_replaces_the_file_atomically() {
        let dir = temp_dir("atomic");
        let path = dir.join("state.json");
        assert!(load(&path).unwrap().is_none());
        save(&path, &populated()).unwrap();
        let loaded = load(&path).unwrap().unwrap();
        assert_eq!(loaded.organizations.organizations.len(), 1);
        assert_eq!(files_in(&dir), ["state.json"], "no temporary file left");
        fs::remove_dir_all(&dir).unwrap();
    }

    /// Overlapping saves once shared one temporary file: some failed and the file could
    /// end up empty or interleaved (issue 12).
    #[test]
    fn overlapping_saves_each_leave_a_whole_snapshot() {
        let dir = temp_dir("overlap");
        let path = dir.join("state.json");
        let world = populated();
        std::thread::scope(|scope| {
            let savers: Vec<_> = (0..8)
                .map(|_| {
                    scope.spawn(|| {
                        for _ in 0..10 {
                            save(&path, &world).expect("every save succeeds");
                            load(&path).expect("the file is always whole");
                        }
                    })
                })
                .collect();
            for saver in savers {
                saver.join().unwrap();
            }
        });
        assert_eq!(to_json(&load(&path).unwrap().unwrap()), to_json(&world));
        assert_eq!(files_in(&dir), ["state.json"]);
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_failed_save_keeps_the_old_file_and_leaves_nothing() {
        let dir = temp_dir("failed");
        // A directory in the way: the rename fails after the temporary file was written.
        let path = dir.join("state.json");
        fs::create_dir(&path).unwrap();
        fs::write(path.join("keep"), "old").unwrap();
        assert!(save(&path, &populated()).is_err());
        assert_eq!(fs::read_to_string(path.join("keep")).unwrap(), "old");
        assert_eq!(files_in(&dir), ["state.json"]);
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn prepare_removes_leftovers_and_refuses_an_unwritable_place() {
        let dir = temp_dir("prepare");
        let path = dir.join("state.json");
        fs::write(dir.join(".state.json.4242.7.tmp"), "torn").unwrap();
        fs::write(dir.join(".other.json.4242.7.tmp"), "not ours").unwrap();
        fs::write(dir.join("notes.tmp"), "not ours").unwrap();
        assert_eq!(prepare(&path).unwrap(), 1);
        assert_eq!(files_in(&dir), [".other.json.4242.7.tmp", "notes.tmp"]);
        // A regular file where the directory should be: nothing can be written there
        // (root ignores permission bits, so this is the portable unwritable place).
        let blocked = dir.join("notes.tmp").join("state.json");
        let message = prepare(&blocked).unwrap_err();
        assert!(message.contains("cannot save the state"), "{message}");
        assert!(prepare(&dir).unwrap_err().contains("is a directory"));
        fs::remove_dir_all(&dir).unwrap();
    }
}
