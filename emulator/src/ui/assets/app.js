// orgsim's web view: draws /_orgsim/ui/data, and fetches it again whenever the
// server-sent events of /_orgsim/ui/events say the world's version moved.
// No framework and no network beyond this server: the page must work offline.
"use strict";

const ui = {
  data: null,
  region: new URLSearchParams(location.search).get("region") || "",
  query: "",
  selected: null,
  toggled: new Map(), // node id -> expanded, as the user left it
  showAll: new Set(), // node ids whose every account is listed
  fetching: false,
  again: false,
  firstRender: true,
};

// Nodes holding more accounts than this start folded.
const FOLD_ABOVE = 40;
// Accounts listed under one node before a "show all" button.
const LIST_AT_MOST = 100;

const $ = (id) => document.getElementById(id);

function esc(text) {
  return String(text ?? "").replace(/[&<>"']/g, (c) => ({
    "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;",
  })[c]);
}

// ---- data -----------------------------------------------------------------

async function load() {
  if (ui.fetching) {
    ui.again = true;
    return;
  }
  ui.fetching = true;
  try {
    const region = ui.region ? `?region=${encodeURIComponent(ui.region)}` : "";
    const response = await fetch(`data${region}`, { cache: "no-store" });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    ui.data = await response.json();
    index(ui.data);
    render();
  } catch (error) {
    setLive("offline", `cannot read the data: ${error.message}`);
  } finally {
    ui.fetching = false;
    if (ui.again) {
      ui.again = false;
      load();
    }
  }
}

// Lookups the renderers share: accounts by id, and each node's visible subtree.
function index(data) {
  data.byId = new Map();
  data.allAccounts = [];
  for (const org of data.organizations) {
    for (const account of org.accounts) {
      data.byId.set(account.id, account);
      data.allAccounts.push(account);
    }
  }
  for (const account of data.standalone) {
    data.byId.set(account.id, account);
    data.allAccounts.push(account);
  }
}

function listen() {
  const events = new EventSource("events");
  events.addEventListener("version", (event) => {
    setLive("live", "live");
    const version = Number(event.data);
    if (!ui.data || version !== ui.data.version) load();
  });
  events.onerror = () => setLive("offline", "reconnecting…");
}

function setLive(state, text) {
  const live = $("live");
  live.dataset.state = state;
  live.textContent = text;
}

// ---- search ---------------------------------------------------------------

function matches(account) {
  const q = ui.query;
  if (!q) return true;
  return (
    account.id.includes(q) ||
    account.name.toLowerCase().includes(q) ||
    account.email.toLowerCase().includes(q) ||
    account.path.toLowerCase().includes(q) ||
    account.status.toLowerCase().includes(q)
  );
}

// Whether a node is shown while searching: it matches, or something under it does.
function nodeShown(node, byId) {
  if (!ui.query) return true;
  if (node.name.toLowerCase().includes(ui.query) || node.id.includes(ui.query)) return true;
  return node.accounts.some((id) => matches(byId.get(id))) ||
    node.ous.some((ou) => nodeShown(ou, byId));
}

function expanded(node) {
  if (ui.query) return true;
  if (ui.toggled.has(node.id)) return ui.toggled.get(node.id);
  return node.kind === "root" || node.total_accounts <= FOLD_ABOVE;
}

// ---- rendering ------------------------------------------------------------

function render() {
  const data = ui.data;
  if (!data) return;
  const started = performance.now();
  const focusKey = document.activeElement?.dataset?.key;
  const focusIn = document.activeElement?.closest?.("#tree, #matrix")?.id;

  renderBar(data);
  $("tree").innerHTML = renderTree(data);
  $("matrix").innerHTML = renderMatrix(data);
  $("calls").innerHTML = renderCalls(data);
  rovingDefaults();

  if (focusKey && focusIn) {
    const again = $(focusIn).querySelector(`[data-key="${CSS.escape(focusKey)}"]`);
    if (again) focusOn(again, false);
  }
  const ms = performance.now() - started;
  document.body.dataset.version = data.version;
  document.body.dataset.accounts = data.allAccounts.length;
  document.body.dataset.renderMs = ms.toFixed(1);
  if (ui.firstRender) {
    ui.firstRender = false;
    document.body.dataset.firstRenderAt = performance.now().toFixed(1);
  }
}

function renderBar(data) {
  const orgs = data.organizations;
  const members = orgs.reduce((n, o) => n + o.accounts.length, 0);
  $("org-summary").textContent = orgs.length
    ? orgs.map((o) => `${o.id} (${o.feature_set})`).join(", ") + ` · ${members} accounts`
    : "no organization yet";
  $("clock").textContent = data.clock.now.replace("T", " ").replace(/\.\d+Z$/, "Z") +
    (data.clock.pinned ? " (pinned)" : "");
  $("clock").dateTime = data.clock.now;
  const scenario = $("scenario");
  if (data.scenario) {
    const s = data.scenario;
    scenario.hidden = false;
    scenario.textContent = `Scenario “${s.scenario}” · step ${s.step} of ${s.of}: ${s.name}`;
    scenario.title = s.file;
  } else {
    scenario.hidden = true;
  }
  const select = $("region");
  const options = data.regions.map((r) =>
    `<option value="${esc(r)}"${r === data.region ? " selected" : ""}>${esc(r)}</option>`).join("");
  if (select.innerHTML !== options) select.innerHTML = options;
  ui.region = data.region;
}

function chips(policies) {
  return policies.map((p) =>
    `<span class="chip ${p.kind.toLowerCase()}" title="${esc(p.kind)} ${esc(p.id)}">${esc(p.name)}</span>`).join("");
}

function renderTree(data) {
  if (!data.organizations.length && !data.standalone.length) {
    return `<p class="empty">No organization yet: call organizations:CreateOrganization.</p>`;
  }
  let html = `<ul role="tree" aria-label="Organization tree">`;
  for (const org of data.organizations) html += renderNode(org.root, data.byId, 1);
  if (data.standalone.length) {
    const shown = data.standalone.filter(matches);
    if (shown.length) {
      html += `<li role="treeitem" aria-expanded="true" aria-level="1" data-key="n:standalone" tabindex="-1">
        <div class="node ou"><span class="toggle">▾</span>Outside any organization
        <span class="count">${data.standalone.length}</span></div>
        <ul role="group">${shown.map((a) => renderAccount(a, 2)).join("")}</ul></li>`;
    }
  }
  return html + `</ul>`;
}

function renderNode(node, byId, level) {
  if (!nodeShown(node, byId)) return "";
  const open = expanded(node);
  const matched = ui.query && (node.name.toLowerCase().includes(ui.query) || node.id.includes(ui.query));
  let html = `<li role="treeitem" aria-level="${level}" aria-expanded="${open}" tabindex="-1"
      data-key="n:${esc(node.id)}" data-node="${esc(node.id)}">
    <div class="node ${node.kind}${matched ? " match" : ""}">
      <span class="toggle" aria-hidden="true">${open ? "▾" : "▸"}</span>
      <span class="name">${esc(node.name)}</span>
      <span class="id">${esc(node.id)}</span>
      <span class="count">${node.total_accounts} account${node.total_accounts === 1 ? "" : "s"}</span>
      ${chips(node.policies)}
    </div>`;
  if (open) {
    html += `<ul role="group">`;
    for (const ou of node.ous) html += renderNode(ou, byId, level + 1);
    const accounts = node.accounts.map((id) => byId.get(id)).filter(matches);
    const limit = ui.showAll.has(node.id) ? accounts.length : LIST_AT_MOST;
    for (const account of accounts.slice(0, limit)) html += renderAccount(account, level + 1);
    if (accounts.length > limit) {
      html += `<li role="treeitem" aria-level="${level + 1}" tabindex="-1" data-key="m:${esc(node.id)}"
        data-more="${esc(node.id)}"><div class="node more">… ${accounts.length - limit} more: show all</div></li>`;
    }
    html += `</ul>`;
  }
  return html + `</li>`;
}

function renderAccount(account, level) {
  const selected = account.id === ui.selected ? " selected" : "";
  const matched = ui.query ? " match" : "";
  return `<li role="treeitem" aria-level="${level}" tabindex="-1" data-key="a:${account.id}"
      data-account="${account.id}" aria-selected="${account.id === ui.selected}">
    <div class="node account${selected}${matched}" title="${esc(account.email)}">
      ${account.management ? `<span class="mgmt" title="management account">★</span>` : ""}
      <span class="name">${esc(account.name)}</span>
      <span class="id">${account.id}</span>
      <span class="status s-${esc(account.status)}">${statusMark(account.status)} ${esc(account.status)}</span>
      ${chips(account.policies)}
    </div></li>`;
}

function statusMark(status) {
  return { ACTIVE: "●", SUSPENDED: "■", CLOSED: "■", PENDING_CLOSURE: "◐", PENDING_ACTIVATION: "◐" }[status] || "○";
}

function accountLabel(id) {
  const account = ui.data.byId.get(id);
  return account && account.name ? account.name : id;
}

function severities(counts) {
  const parts = [];
  for (const [key, letter] of [["critical", "C"], ["high", "H"], ["medium", "M"], ["low", "L"], ["informational", "I"]]) {
    if (counts[key]) {
      parts.push(`<span class="sev sev-${key}" title="${counts[key]} ${key}">${counts[key]}${letter}</span>`);
    }
  }
  return parts.length ? parts.join("") : `<span class="none">0</span>`;
}

function renderMatrix(data) {
  const rows = data.allAccounts.filter(matches);
  $("matrix-count").textContent = `${rows.length} of ${data.allAccounts.length} accounts · ${data.region}`;
  let html = `<thead><tr><th scope="col" data-key="h:account">Account</th><th scope="col" data-key="h:status">Status</th>`;
  for (const service of data.services) {
    html += `<th scope="col" data-key="h:${service.key}" title="${esc(service.principal)}">${esc(service.name)}</th>`;
  }
  html += `<th scope="col" data-key="h:f-gd">GuardDuty findings</th><th scope="col" data-key="h:f-sh">Security Hub findings</th>` +
    `<th scope="col" data-key="h:f-aa">Access Analyzer findings</th><th scope="col" data-key="h:cost">Cost</th></tr></thead><tbody>`;
  for (const account of rows) {
    const sel = account.id === ui.selected ? ` class="selected" aria-selected="true"` : "";
    html += `<tr data-account="${account.id}"${sel}>` +
      `<th scope="row" data-key="r:${account.id}:account">${account.management ? `<span class="mgmt" title="management account">★</span> ` : ""}` +
      `${esc(account.name)}<br><span class="acct-id">${account.id}</span></th>` +
      `<td data-key="r:${account.id}:status"><span class="status s-${esc(account.status)}">${statusMark(account.status)} ${esc(account.status)}</span></td>`;
    for (const service of data.services) {
      const cell = account.services[service.key];
      const badges = (cell.delegated_admin ? `<span class="badge da" title="delegated administrator">DA</span>` : "") +
        (cell.administers ? `<span class="badge adm" title="administers">◆</span>` : "");
      const member = cell.member_of
        ? `<span class="member" title="member of ${esc(cell.member_of)}">→ ${esc(accountLabel(cell.member_of))}</span>` : "";
      html += `<td class="svc" data-key="r:${account.id}:${service.key}" data-service="${service.key}" data-on="${cell.on}"` +
        ` data-member-of="${esc(cell.member_of || "")}" data-delegated="${cell.delegated_admin}" title="${esc(service.name)}: ${esc(cell.detail)}">` +
        `${cell.on ? `<span class="cell-on">✓<span class="visually-hidden"> on</span></span>` : `<span class="cell-off">·<span class="visually-hidden"> off</span></span>`}` +
        `${badges}${member}</td>`;
    }
    const f = account.findings;
    html += `<td data-key="r:${account.id}:f-gd" data-findings="guardduty">${severities(f.guardduty)}</td>` +
      `<td data-key="r:${account.id}:f-sh" data-findings="securityhub">${severities(f.securityhub)}</td>` +
      `<td data-key="r:${account.id}:f-aa" data-findings="accessanalyzer">${severities(f.accessanalyzer)}</td>` +
      `<td class="cost" data-key="r:${account.id}:cost" data-cost>${account.cost
        ? `${esc(account.cost.amount)} ${esc(account.cost.currency)}<br><span class="hint">${esc(account.cost.period)}</span>`
        : "—"}</td></tr>`;
  }
  if (!rows.length) html += `<tr><td colspan="${data.services.length + 6}" class="empty">No account matches.</td></tr>`;
  return html + `</tbody>`;
}

function renderCalls(data) {
  if (!data.calls.length) return `<tbody><tr><td class="empty">No call served yet.</td></tr></tbody>`;
  let html = `<thead><tr><th scope="col">Time</th><th scope="col">Who</th>` +
    `<th scope="col">Call</th><th scope="col">Result</th></tr></thead><tbody>`;
  for (const call of data.calls) {
    const rowClass = call.denied ? "denied" : call.error_code ? "failed" : "";
    let verdict;
    if (call.denied) {
      const d = call.denied;
      verdict = `<span class="verdict">⛔ Denied</span> by the ${esc(d.layer)}: ${esc(d.by)} ` +
        `<a href="${esc(d.explain)}" target="_blank" rel="noopener">explain →</a>`;
    } else if (call.error_code) {
      verdict = `<span class="verdict">✗ ${esc(call.error_code)}</span>`;
    } else {
      verdict = `✓ OK`;
    }
    const who = call.principal.replace(/^arn:aws:[a-z]+::\d{12}:/, "");
    html += `<tr class="${rowClass}"><td>${esc(call.time.slice(11, 19))}</td>` +
      `<td title="${esc(call.account)} ${esc(call.principal)}">${esc(accountLabel(call.account))} · ${esc(who)}</td>` +
      `<td class="op" title="${esc(call.region)}">${esc(call.service)}:${esc(call.operation)}</td>` +
      `<td>${verdict}</td></tr>`;
  }
  return html + `</tbody>`;
}

// ---- keyboard and pointer -------------------------------------------------

// One tab stop per widget (tree, matrix); arrows move inside.
function rovingDefaults() {
  for (const [container, selector] of [["tree", "[role=treeitem]"], ["matrix", "th[data-key], td[data-key]"]]) {
    const items = $(container).querySelectorAll(selector);
    if (items.length && !$(container).querySelector(`${selector}[tabindex="0"]`)) {
      items[0].tabIndex = 0;
    }
    for (const item of $(container).querySelectorAll("td[data-key], th[data-key]")) {
      if (item.tabIndex !== 0) item.tabIndex = -1;
    }
  }
}

function focusOn(element, scroll = true) {
  const container = element.closest("#tree, #matrix");
  for (const other of container.querySelectorAll('[tabindex="0"]')) other.tabIndex = -1;
  element.tabIndex = 0;
  element.focus({ preventScroll: !scroll });
  if (scroll) element.scrollIntoView({ block: "nearest" });
}

function toggleNode(id) {
  const node = findNode(id);
  if (!node) return;
  ui.toggled.set(id, !expanded(node));
  render();
}

function findNode(id, nodes = ui.data.organizations.map((o) => o.root)) {
  for (const node of nodes) {
    if (node.id === id) return node;
    const found = findNode(id, node.ous);
    if (found) return found;
  }
  return null;
}

function select(accountId) {
  ui.selected = accountId;
  const account = ui.data.byId.get(accountId);
  // Unfold the path to the account so the tree shows it.
  if (account) {
    for (const org of ui.data.organizations) unfoldTo(org.root, accountId);
  }
  render();
  const row = $("matrix").querySelector(`tr[data-account="${accountId}"]`);
  if (row) row.scrollIntoView({ block: "nearest" });
}

function unfoldTo(node, accountId) {
  const here = node.accounts.includes(accountId) ||
    node.ous.some((ou) => unfoldTo(ou, accountId));
  if (here) {
    ui.toggled.set(node.id, true);
    const position = node.accounts.indexOf(accountId);
    if (position >= LIST_AT_MOST) ui.showAll.add(node.id);
  }
  return here;
}

function activateTreeItem(item) {
  if (item.dataset.node) toggleNode(item.dataset.node);
  else if (item.dataset.account) select(item.dataset.account);
  else if (item.dataset.more) {
    ui.showAll.add(item.dataset.more);
    render();
  }
}

function treeKeys(event) {
  const item = event.target.closest("[role=treeitem]");
  if (!item) return;
  const items = [...$("tree").querySelectorAll("[role=treeitem]")];
  const at = items.indexOf(item);
  const open = item.getAttribute("aria-expanded") === "true";
  const move = (to) => { if (to) focusOn(to); };
  switch (event.key) {
    case "ArrowDown": move(items[at + 1]); break;
    case "ArrowUp": move(items[at - 1]); break;
    case "Home": move(items[0]); break;
    case "End": move(items[items.length - 1]); break;
    case "ArrowRight":
      if (item.dataset.node && !open) toggleNode(item.dataset.node);
      else if (open) move(item.querySelector("[role=treeitem]"));
      break;
    case "ArrowLeft":
      if (item.dataset.node && open && item.getAttribute("aria-level") !== "1") toggleNode(item.dataset.node);
      else move(item.parentElement.closest("[role=treeitem]"));
      break;
    case "Enter":
    case " ":
      activateTreeItem(item);
      break;
    default:
      return;
  }
  event.preventDefault();
}

function matrixKeys(event) {
  const cell = event.target.closest("td, th");
  if (!cell) return;
  const row = cell.parentElement;
  const rows = [...$("matrix").querySelectorAll("tr")];
  const r = rows.indexOf(row);
  const c = [...row.children].indexOf(cell);
  const at = (ri, ci) => rows[ri]?.children[Math.max(0, Math.min(ci, rows[ri].children.length - 1))];
  let to = null;
  switch (event.key) {
    case "ArrowDown": to = at(r + 1, c); break;
    case "ArrowUp": to = at(r - 1, c); break;
    case "ArrowRight": to = row.children[c + 1]; break;
    case "ArrowLeft": to = row.children[c - 1]; break;
    case "Home": to = row.children[0]; break;
    case "End": to = row.children[row.children.length - 1]; break;
    case "PageDown": to = at(Math.min(rows.length - 1, r + 10), c); break;
    case "PageUp": to = at(Math.max(1, r - 10), c); break;
    case "Enter":
      if (row.dataset.account) select(row.dataset.account);
      break;
    default:
      return;
  }
  if (to && to.dataset.key) focusOn(to);
  event.preventDefault();
}

function setup() {
  $("tree").addEventListener("keydown", treeKeys);
  $("tree").addEventListener("click", (event) => {
    const item = event.target.closest("[role=treeitem]");
    if (!item) return;
    event.stopPropagation();
    focusOn(item, false);
    activateTreeItem(item);
  });
  $("matrix").addEventListener("keydown", matrixKeys);
  $("matrix").addEventListener("click", (event) => {
    const row = event.target.closest("tr[data-account]");
    if (row) select(row.dataset.account);
  });
  let timer = null;
  $("search").addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      ui.query = $("search").value.trim().toLowerCase();
      render();
    }, 120);
  });
  $("search").addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      $("search").value = "";
      ui.query = "";
      render();
    }
  });
  $("region").addEventListener("change", () => {
    ui.region = $("region").value;
    load();
  });
  document.addEventListener("keydown", (event) => {
    if (event.key === "/" && !event.target.closest("input, select, textarea")) {
      event.preventDefault();
      $("search").focus();
    }
  });
  load();
  listen();
}

setup();
