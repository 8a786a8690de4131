//! The web view (`/_orgsim/ui/`) in a real browser: headless Chromium driven over
//! WebDriver (`chromedriver`) by fantoccini. The organization is built with the real
//! SDKs; the page must draw it, and follow a change without being reloaded.
//!
//! Chromium and chromedriver are Debian's (`.ci/run` installs them). Where they are
//! absent the test says so and passes, but under CI (`CI` set) it fails.

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Value};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::{self, MANAGEMENT};
use orgsim::Emulator;

/// A process ended when the test ends, however it ends.
struct Reaped(Child);

impl Drop for Reaped {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn on_path(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|dir| names.iter().map(move |name| dir.join(name)))
        .find(|candidate| candidate.is_file())
}

/// Chromium and chromedriver, or why the test cannot run.
fn browser() -> Option<(PathBuf, PathBuf)> {
    let chromium = on_path(&["chromium", "chromium-browser", "google-chrome"]);
    let driver = on_path(&["chromedriver"]);
    match (chromium, driver) {
        (Some(chromium), Some(driver)) => Some((chromium, driver)),
        (chromium, driver) => {
            assert!(
                std::env::var_os("CI").is_none(),
                "Chromium and chromedriver must be installed in CI (.ci/run installs them): \
                 chromium {chromium:?}, chromedriver {driver:?}"
            );
            eprintln!(
                "SKIPPED ui::the_web_view_draws_the_organization_and_follows_it_live: \
                 no chromium and chromedriver on PATH (apt-get install chromium chromium-driver)"
            );
            None
        }
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// Where screenshots go: the workspace's target directory (CI keeps it as an artefact).
fn artefact_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../target"));
    let dir = target.join("ui-screenshots");
    std::fs::create_dir_all(&dir).expect("screenshot directory");
    dir
}

async fn start_browser(chromium: &Path, driver: &Path, profile: &Path) -> (Reaped, Client) {
    let port = free_port();
    let process = Command::new(driver)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver starts");
    let process = Reaped(process);
    // The flags this machine's closed network needs: no background fetches at all.
    let capabilities = json!({
        "goog:chromeOptions": {
            "binary": chromium,
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync",
                "--window-size=1600,1200",
                format!("--user-data-dir={}", profile.display()),
            ],
        }
    });
    let Value::Object(capabilities) = capabilities else {
        unreachable!()
    };
    let started = Instant::now();
    let client = loop {
        let attempt = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(capabilities.clone())
            .connect(&format!("http://127.0.0.1:{port}"))
            .await;
        match attempt {
            Ok(client) => break client,
            Err(e) if started.elapsed() < Duration::from_secs(20) => {
                let _ = e;
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            Err(e) => panic!("chromedriver did not start a session: {e}"),
        }
    };
    (process, client)
}

/// Polls `script` (a JS expression) in the page until it is true.
async fn wait_until(browser: &Client, script: &str, within: Duration, what: &str) -> Duration {
    let started = Instant::now();
    loop {
        let value = browser
            .execute(&format!("return Boolean({script});"), vec![])
            .await
            .expect("script runs");
        if value == json!(true) {
            return started.elapsed();
        }
        assert!(
            started.elapsed() < within,
            "{what}: not so after {within:?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// What the page shows, read from its DOM: the tree's accounts with the node they hang
/// from, the OUs with their policy chips, the matrix's cells, the denied calls.
const READ_PAGE: &str = r#"
const tree = {};
for (const li of document.querySelectorAll('#tree li[data-account]')) {
  const parent = li.parentElement.closest('li[data-node]');
  tree[li.dataset.account] = {
    name: li.querySelector('.name').textContent,
    status: li.querySelector('.status').textContent,
    parent: parent ? parent.dataset.node : null,
  };
}
const nodes = {};
for (const li of document.querySelectorAll('#tree li[data-node]')) {
  nodes[li.dataset.node] = {
    name: li.querySelector(':scope > .node .name').textContent,
    policies: [...li.querySelectorAll(':scope > .node .chip')].map((c) => c.textContent),
  };
}
const matrix = {};
for (const tr of document.querySelectorAll('#matrix tr[data-account]')) {
  const row = {};
  for (const td of tr.querySelectorAll('td[data-service]')) {
    row[td.dataset.service] = {
      on: td.dataset.on === 'true',
      member_of: td.dataset.memberOf || null,
      delegated: td.dataset.delegated === 'true',
    };
  }
  row.cost = tr.querySelector('td[data-cost]').textContent.trim();
  matrix[tr.dataset.account] = row;
}
const denied = [...document.querySelectorAll('#calls tr.denied')].map((tr) => ({
  text: tr.textContent,
  explain: tr.querySelector('a').getAttribute('href'),
}));
return { tree, nodes, matrix, denied, live: document.getElementById('live').dataset.state };
"#;

#[tokio::test]
async fn the_web_view_draws_the_organization_and_follows_it_live() {
    let Some((chromium, driver)) = browser() else {
        return;
    };
    let emulator = Emulator::start();
    let org = common::organization(&emulator)
        .ou("Security")
        .ou("Workloads")
        .account_in("Audit", "Security")
        .account_in("Dev", "Workloads")
        .delegated_admin("securityhub.amazonaws.com", "Audit")
        .guardduty_admin("Audit")
        .build()
        .await;
    let (audit, dev, workloads) = (
        org.account("Audit"),
        org.account("Dev"),
        org.ou("Workloads"),
    );

    // A guardrail on Workloads that refuses Security Hub there, and a call it refuses.
    let policy = org
        .mgmt
        .create_policy()
        .name("NoSecurityHubInWorkloads")
        .description("keeps Security Hub to the security accounts")
        .r#type(aws_sdk_organizations::types::PolicyType::ServiceControlPolicy)
        .content(
            json!({"Version": "2012-10-17", "Statement": [{"Sid": "NoHub", "Effect": "Deny",
                "Action": "securityhub:EnableSecurityHub", "Resource": "*"}]})
            .to_string(),
        )
        .send()
        .await
        .expect("CreatePolicy")
        .policy
        .and_then(|p| p.policy_summary)
        .and_then(|s| s.id)
        .expect("policy id");
    org.mgmt
        .attach_policy()
        .policy_id(&policy)
        .target_id(&workloads)
        .send()
        .await
        .expect("AttachPolicy");
    common::securityhub(&emulator, MANAGEMENT)
        .enable_security_hub()
        .send()
        .await
        .expect("EnableSecurityHub in the management account");
    let refused = common::securityhub(&emulator, &dev)
        .enable_security_hub()
        .send()
        .await;
    assert!(refused.is_err(), "the SCP refuses Dev's EnableSecurityHub");

    let profile = tempdir("ui-profile");
    let (_driver, browser) = start_browser(&chromium, &driver, &profile).await;
    let page = format!("{}/_orgsim/ui/", emulator.url());
    browser.goto(&page).await.expect("the page loads");
    wait_until(
        &browser,
        &format!("document.querySelector('#matrix tr[data-account=\"{dev}\"]')"),
        Duration::from_secs(10),
        "the matrix lists Dev",
    )
    .await;
    wait_until(
        &browser,
        "document.getElementById('live').dataset.state === 'live'",
        Duration::from_secs(10),
        "the live updates connect",
    )
    .await;
    let shown = browser.execute(READ_PAGE, vec![]).await.expect("read");

    // The tree against what Organizations answers.
    let listed = org
        .mgmt
        .list_accounts()
        .send()
        .await
        .expect("ListAccounts")
        .accounts
        .unwrap_or_default();
    assert_eq!(shown["tree"].as_object().unwrap().len(), listed.len());
    for account in &listed {
        let id = account.id().unwrap();
        let parent = org
            .mgmt
            .list_parents()
            .child_id(id)
            .send()
            .await
            .expect("ListParents")
            .parents
            .unwrap_or_default()[0]
            .id()
            .unwrap()
            .to_string();
        let drawn = &shown["tree"][id];
        assert_eq!(drawn["name"], json!(account.name().unwrap()), "{drawn}");
        assert_eq!(drawn["parent"], json!(parent), "{id} hangs from its parent");
        assert!(drawn["status"].as_str().unwrap().contains("ACTIVE"));
        assert!(shown["matrix"].get(id).is_some(), "{id} has a matrix row");
        let cost = shown["matrix"][id]["cost"].as_str().unwrap();
        assert!(
            cost.contains("USD") && cost.contains("month to date"),
            "{id}'s cost from the cost model: {cost}"
        );
    }
    let chips = &shown["nodes"][&workloads]["policies"];
    assert!(
        chips
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c.as_str().unwrap().contains("NoSecurityHubInWorkloads")),
        "the SCP shows on Workloads: {chips}"
    );
    assert!(shown["nodes"][&org.root]["policies"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c.as_str().unwrap().contains("FullAWSAccess")));

    // The matrix against what the services answer.
    let gd_admin = common::guardduty(&emulator, MANAGEMENT)
        .list_organization_admin_accounts()
        .send()
        .await
        .expect("ListOrganizationAdminAccounts")
        .admin_accounts
        .unwrap_or_default();
    assert_eq!(gd_admin[0].admin_account_id(), Some(audit.as_str()));
    assert_eq!(shown["matrix"][&audit]["guardduty"]["on"], json!(true));
    assert_eq!(
        shown["matrix"][MANAGEMENT]["securityhub"]["on"],
        json!(true)
    );
    assert_eq!(shown["matrix"][&dev]["securityhub"]["on"], json!(false));
    assert_eq!(
        shown["matrix"][&audit]["securityhub"]["delegated"],
        json!(true)
    );
    assert_eq!(
        shown["matrix"][&audit]["guardduty"]["delegated"],
        json!(true)
    );
    assert_eq!(
        shown["matrix"][&dev]["securityhub"]["delegated"],
        json!(false)
    );

    // The refused call, with its deciding policy and an explain link that answers.
    let denied = shown["denied"].as_array().unwrap();
    let refusal = denied
        .iter()
        .find(|d| d["text"].as_str().unwrap().contains("EnableSecurityHub"))
        .unwrap_or_else(|| panic!("the denial is listed: {denied:?}"));
    assert!(
        refusal["text"].as_str().unwrap().contains(&policy),
        "{refusal}"
    );
    let explain = refusal["explain"].as_str().unwrap();
    assert!(explain.starts_with("/_orgsim/explain?"), "{explain}");
    let (status, answer) = orgsim::client::Client::new(&emulator.url())
        .admin_get(explain)
        .await
        .expect("explain answers");
    assert_eq!(status, 200, "{answer}");
    assert!(answer.to_string().contains(&policy), "{answer}");

    // A change appears without a reload: the marker set in this page survives.
    browser
        .execute("window.orgsimMarker = 'same page'; return true;", vec![])
        .await
        .expect("mark the page");
    let created_at = Instant::now();
    let live = common::new_account(&org.mgmt, "LiveOne").await;
    let appeared = wait_until(
        &browser,
        &format!("document.querySelector('#tree li[data-account=\"{live}\"]')"),
        Duration::from_secs(5),
        "the new account appears",
    )
    .await;
    let same_page = browser
        .execute("return window.orgsimMarker || null;", vec![])
        .await
        .expect("read the marker");
    assert_eq!(same_page, json!("same page"), "the page was not reloaded");
    eprintln!(
        "ui: the new account appeared {:?} after CreateAccount was sent ({:?} after its poll ended)",
        created_at.elapsed(),
        appeared
    );
    assert!(
        created_at.elapsed() < Duration::from_secs(3),
        "the view follows within a second or so"
    );

    // Keyboard: the tree takes focus and the arrows move through it.
    let tree_item = browser
        .find(Locator::Css("#tree [role=treeitem][tabindex=\"0\"]"))
        .await
        .expect("the tree has a tab stop");
    tree_item.click().await.expect("focus the tree");
    browser
        .execute(
            "document.activeElement.dispatchEvent(new KeyboardEvent('keydown', {key: 'ArrowDown', bubbles: true})); return true;",
            vec![],
        )
        .await
        .expect("press ArrowDown");
    let focused = browser
        .execute(
            "return document.activeElement.getAttribute('role');",
            vec![],
        )
        .await
        .expect("focus");
    assert_eq!(focused, json!("treeitem"));

    let screenshot = artefact_dir().join("ui.png");
    std::fs::write(&screenshot, browser.screenshot().await.expect("screenshot"))
        .expect("save the screenshot");
    eprintln!("ui: screenshot saved to {}", screenshot.display());

    // 1,000 accounts: a second world, seeded in-process for speed, drawn from scratch.
    let big = Emulator::start();
    seed_accounts(&big, 1000, 10);
    browser
        .goto(&format!("{}/_orgsim/ui/", big.url()))
        .await
        .expect("the big page loads");
    let drawn_in = wait_until(
        &browser,
        "document.body.dataset.accounts === '1001' && document.querySelectorAll('#matrix tr[data-account]').length === 1001",
        Duration::from_secs(20),
        "1,000 accounts drawn",
    )
    .await;
    let timing = browser
        .execute(
            "const data = performance.getEntriesByType('resource').find((e) => e.name.includes('/data'));
             return {render: Number(document.body.dataset.renderMs), at: Number(document.body.dataset.firstRenderAt),
                     data_ms: data ? data.duration : null, now: performance.now()};",
            vec![],
        )
        .await
        .expect("timing");
    eprintln!(
        "ui: 1,000 accounts drawn {drawn_in:?} after navigation returned; \
         first render done {} ms after navigation start (data fetched in {} ms, drawn in {} ms; \
         page clock now {} ms)",
        timing["at"], timing["data_ms"], timing["render"], timing["now"]
    );
    // The issue's bar is 2 s; asserted generously so a loaded CI machine does not flake.
    assert!(
        timing["at"].as_f64().unwrap() < 6000.0,
        "1,000 accounts drawn in {timing}"
    );
    // Search narrows the page to the matching accounts.
    let search = browser
        .find(Locator::Id("search"))
        .await
        .expect("search box");
    search.send_keys("account-0999").await.expect("type");
    wait_until(
        &browser,
        "document.querySelectorAll('#matrix tr[data-account]').length === 1",
        Duration::from_secs(5),
        "search narrows the matrix",
    )
    .await;
    let big_shot = artefact_dir().join("ui-1000-accounts.png");
    std::fs::write(&big_shot, browser.screenshot().await.expect("screenshot"))
        .expect("save the screenshot");
    eprintln!("ui: screenshot saved to {}", big_shot.display());
    browser.close().await.expect("close the browser");
    let _ = std::fs::remove_dir_all(&profile);
}

fn tempdir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("orgsim-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temporary directory");
    dir
}

/// An organization of `accounts` created accounts spread over `ous` OUs, made through
/// the handlers directly (the SDK would take minutes in a debug build).
fn seed_accounts(emulator: &Emulator, accounts: usize, ous: usize) {
    use orgsim::api::ServiceId;
    use orgsim::auth::{Caller, Principal};
    use orgsim::services::dispatch;
    let management = Caller {
        account_id: MANAGEMENT.to_string(),
        principal: Principal::Root,
        access_key_id: MANAGEMENT.to_string(),
        temporary: false,
        region: "us-east-1".to_string(),
    };
    emulator.with_world(|world| {
        world.settings.quotas.concurrent_account_creations = accounts + 1;
        let mut call = |operation: &str, input: Value| {
            world.begin_request();
            dispatch(
                world,
                &management,
                ServiceId::Organizations,
                operation,
                input,
            )
            .unwrap_or_else(|e| panic!("{operation}: {e:?}"))
        };
        call("CreateOrganization", json!({"FeatureSet": "ALL"}));
        let root = call("ListRoots", json!({}))["Roots"][0]["Id"]
            .as_str()
            .unwrap()
            .to_string();
        let ou_ids: Vec<String> = (0..ous)
            .map(|i| {
                call(
                    "CreateOrganizationalUnit",
                    json!({"ParentId": root, "Name": format!("Team {i:02}")}),
                )["OrganizationalUnit"]["Id"]
                    .as_str()
                    .unwrap()
                    .to_string()
            })
            .collect();
        let requests: Vec<String> = (0..accounts)
            .map(|i| {
                call(
                    "CreateAccount",
                    json!({"AccountName": format!("account-{i:04}"),
                           "Email": format!("account-{i:04}@example.com")}),
                )["CreateAccountStatus"]["Id"]
                    .as_str()
                    .unwrap()
                    .to_string()
            })
            .collect();
        for (i, request) in requests.iter().enumerate() {
            let status = call(
                "DescribeCreateAccountStatus",
                json!({"CreateAccountRequestId": request}),
            );
            let id = status["CreateAccountStatus"]["AccountId"]
                .as_str()
                .unwrap_or_else(|| panic!("account {i} created: {status}"))
                .to_string();
            call(
                "MoveAccount",
                json!({"AccountId": id, "SourceParentId": root,
                       "DestinationParentId": ou_ids[i % ous]}),
            );
        }
    });
}
