//! Snapshots of the world (DESIGN §4): the whole state as one JSON document, written
//! atomically so a crash never leaves a torn file, and refused whole if it does not fit.

use serde::{Deserialize, Serialize};
use std::fs::{self, File};
use std::io::{self, Write};
use std::path::Path;

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

/// The world as a snapshot document.
pub fn to_json(world: &World) -> Vec<u8> {
    let snapshot = SnapshotOut {
        format: FORMAT,
        version: VERSION,
        orgsim: env!("CARGO_PKG_VERSION"),
        world,
    };
    serde_json::to_vec_pretty(&snapshot).expect("the world serializes to JSON")
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
    Ok(snapshot.world)
}

/// Writes the snapshot next to `path`, syncs it, then renames it over `path`.
pub fn save(path: &Path, world: &World) -> io::Result<()> {
    let bytes = to_json(world);
    let directory = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("state");
    let temporary = directory.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut file = File::create(&temporary)?;
        file.write_all(&bytes)?;
        file.sync_all()?;
        fs::rename(&temporary, path)?;
        // The rename itself must reach the disk too.
        if let Ok(dir) = File::open(directory) {
            let _ = dir.sync_all();
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = fs::remove_file(&temporary);
    }
    result
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
        assert_eq!(back.iam.roles.len(), 1, "the new account's access role");
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

    #[test]
    fn save_replaces_the_file_atomically() {
        let dir = std::env::temp_dir().join(format!("orgsim-snapshot-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let path = dir.join("state.json");
        assert!(load(&path).unwrap().is_none());
        save(&path, &populated()).unwrap();
        let loaded = load(&path).unwrap().unwrap();
        assert_eq!(loaded.organizations.organizations.len(), 1);
        let leftovers: Vec<_> = fs::read_dir(&dir)
            .unwrap()
            .filter_map(Result::ok)
            .map(|e| e.file_name())
            .collect();
        assert_eq!(leftovers.len(), 1, "no temporary file left: {leftovers:?}");
        fs::remove_dir_all(&dir).unwrap();
    }
}
