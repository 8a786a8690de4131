//! `aws s3 mb/cp/ls/sync/rm` through the real AWS CLI against a spawned orgsim: the
//! CLI's own request shapes (aws-chunked uploads, multipart above 8 MiB, ranged
//! downloads, `encoding-type=url` listings). `.ci/run` installs the CLI.

use std::path::{Path, PathBuf};
use std::process::Command;

use orgsim::Emulator;

/// The `aws` executable: on `PATH`, or where `pip install --user` puts it.
fn aws_cli() -> PathBuf {
    let on_path = std::env::var_os("PATH")
        .into_iter()
        .flat_map(|paths| std::env::split_paths(&paths).collect::<Vec<_>>())
        .map(|dir| dir.join("aws"))
        .find(|p| p.is_file());
    let user = std::env::var_os("HOME").map(|h| Path::new(&h).join(".local/bin/aws"));
    on_path
        .or(user.filter(|p| p.is_file()))
        .expect("the AWS CLI is needed: python3 -m pip install --user awscli")
}

fn aws(emulator: &Emulator, args: &[&str]) -> String {
    let output = Command::new(aws_cli())
        .arg("--endpoint-url")
        .arg(emulator.url())
        .args(args)
        .env("AWS_ACCESS_KEY_ID", "111111111111")
        .env("AWS_SECRET_ACCESS_KEY", "orgsim-secret")
        .env("AWS_DEFAULT_REGION", "us-east-1")
        .env("AWS_CONFIG_FILE", "/dev/null")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_SESSION_TOKEN")
        .output()
        .expect("aws runs");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "aws {args:?} failed: {stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

#[test]
fn aws_s3_cp_ls_sync_through_the_cli() {
    let emulator = Emulator::start();
    let dir = std::env::temp_dir().join(format!("orgsim-s3-cli-{}", std::process::id()));
    let local = dir.join("local");
    std::fs::create_dir_all(local.join("sub")).unwrap();
    std::fs::write(local.join("one.txt"), b"one").unwrap();
    std::fs::write(local.join("sub/two words.txt"), b"two").unwrap();
    // Above the CLI's 8 MiB threshold: a multipart upload and ranged download.
    let big: Vec<u8> = (0..9 * 1024 * 1024).map(|i| (i % 251) as u8).collect();
    std::fs::write(local.join("big.bin"), &big).unwrap();

    aws(&emulator, &["s3", "mb", "s3://cli-bucket"]);
    assert!(aws(&emulator, &["s3", "ls"]).contains("cli-bucket"));
    let synced = aws(
        &emulator,
        &[
            "s3",
            "sync",
            local.to_str().unwrap(),
            "s3://cli-bucket/backup",
        ],
    );
    assert_eq!(synced.matches("upload:").count(), 3, "{synced}");
    let listing = aws(&emulator, &["s3", "ls", "--recursive", "s3://cli-bucket/"]);
    assert!(listing.contains("backup/sub/two words.txt"), "{listing}");
    assert!(
        listing.contains(&format!("{} backup/big.bin", big.len())),
        "{listing}"
    );
    // A second sync finds nothing to do.
    let again = aws(
        &emulator,
        &[
            "s3",
            "sync",
            local.to_str().unwrap(),
            "s3://cli-bucket/backup",
        ],
    );
    assert!(!again.contains("upload:"), "{again}");

    let back = dir.join("back.bin");
    aws(
        &emulator,
        &[
            "s3",
            "cp",
            "s3://cli-bucket/backup/big.bin",
            back.to_str().unwrap(),
        ],
    );
    assert_eq!(std::fs::read(&back).unwrap(), big);
    let etag = emulator.with_world(|w| {
        w.s3.buckets["cli-bucket"].objects["backup/big.bin"]
            .etag
            .clone()
    });
    assert!(etag.ends_with("-2\""), "multipart ETag {etag}");

    let top = aws(&emulator, &["s3", "ls", "s3://cli-bucket/backup/"]);
    assert!(top.contains("PRE sub/") && top.contains("one.txt"), "{top}");
    aws(
        &emulator,
        &["s3", "rm", "--recursive", "s3://cli-bucket/backup"],
    );
    assert!(
        aws(&emulator, &["s3", "ls", "--recursive", "s3://cli-bucket/"])
            .trim()
            .is_empty()
    );
    aws(&emulator, &["s3", "rb", "s3://cli-bucket"]);
    std::fs::remove_dir_all(&dir).ok();
}
