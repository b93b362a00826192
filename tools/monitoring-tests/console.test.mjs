// The operator console in real headless Chromium (Debian's /usr/bin/chromium through
// playwright-core): it loads without console errors, its figures agree with /metrics,
// a wrong admin token gets a clear refusal, a DLQ event holding <script> markup shows as
// text and runs nothing, replaying the DLQ entry from the page puts its events into the
// lake once, and the live tap shows recent events filtered by service.
// Usage: node console.test.mjs <admin base URL> <admin token> <screenshot directory>
// Expects a Gravix with exactly one DLQ entry (service_events) whose intact events include
// one with "<script>" in its message (what .ci/monitoring-e2e sets up), and no load running.
import { chromium } from "playwright-core";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const [admin, token, shots] = process.argv.slice(2);
if (!admin || !token || !shots) throw new Error("usage: node console.test.mjs <admin URL> <admin token> <screenshot dir>");

async function metrics() {
  const text = await (await fetch(`${admin}/metrics`)).text();
  const values = new Map();
  for (const line of text.split("\n")) {
    const m = /^([a-z_]+)(\{[^}]*\})? (\S+)$/.exec(line);
    if (m) values.set(m[1] + (m[2] || ""), Number(m[3]));
  }
  return values;
}
const task = async (name) => (await fetch(`${admin}/tasks/${name}`, { method: "POST", headers: { Authorization: `Bearer ${token}` } })).json();

const profile = mkdtempSync(join(tmpdir(), "chromium-profile-"));
const ctx = await chromium.launchPersistentContext(profile, {
  executablePath: "/usr/bin/chromium", headless: true, viewport: { width: 1366, height: 900 },
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"] });
let passed = 0;
const test = async (name, body) => { await body(); passed++; console.log(`ok   ${name}`); };
try {
  const page = ctx.pages()[0] ?? await ctx.newPage();
  const errors = [];
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  page.on("pageerror", (e) => errors.push(String(e)));
  let dialogs = 0;
  page.on("dialog", async (d) => { dialogs++; await d.dismiss(); });

  await test("loads with no console errors and no external request", async () => {
    const requests = [];
    page.on("request", (r) => requests.push(r.url()));
    await page.goto(`${admin}/console`);
    await page.getByRole("heading", { name: "Gravix console" }).waitFor();
    await page.screenshot({ path: join(shots, "console-overview.png"), fullPage: true });
    assert.deepEqual(errors, []);
    assert.deepEqual(requests.filter((u) => !u.startsWith(admin)), []);
    assert.ok(await page.locator("svg polyline").count() >= 4, "inline SVG charts");
  });

  await test("figures agree with /metrics", async () => {
    const m = await metrics();
    const cells = await page.locator("[data-metric]").evaluateAll((els) =>
      els.map((e) => ({ metric: e.dataset.metric, table: e.dataset.table, text: e.textContent })));
    assert.ok(cells.length >= 10, `figures found: ${cells.length}`);
    for (const c of cells) {
      let expected = 0; let found = false;
      for (const [series, v] of m) {
        const name = series.replace(/\{.*/, "");
        if (name === c.metric && (!c.table || series.includes(`table="${c.table}"`))) { expected += v; found = true; }
      }
      if (!found) { // a labelled counter with no sample yet (no error of that table so far): the page says so
        assert.equal(c.text, "–", `${c.metric} ${c.table}: not on /metrics, page shows ${c.text}`);
        continue;
      }
      assert.equal(Number(c.text), expected, `${c.metric}${c.table ? " " + c.table : ""}: page ${c.text}, /metrics ${expected}`);
    }
    assert.equal(Number(await page.locator('[data-metric="dlq_files"]').textContent()), 1);
  });

  await test("a wrong admin token gets a clear refusal", async () => {
    await page.fill("#token", "not-the-token");
    await page.locator('button[data-dlq-action="show"]').first().click();
    await page.locator("#status").filter({ hasText: "Refused (401)" }).waitFor({ timeout: 5000 });
    assert.match(await page.locator("#status").textContent(), /wrong admin token/);
    assert.equal(await page.locator("#dlq-output").textContent(), "");
    await page.screenshot({ path: join(shots, "console-wrong-token.png"), fullPage: true });
  });

  await test("a DLQ event with <script> markup shows as text and runs nothing", async () => {
    await page.fill("#token", token);
    await page.locator('button[data-dlq-action="show"]').first().click();
    await page.locator("#dlq-output").filter({ hasText: "<script>window.__xss=1</script>" }).waitFor({ timeout: 5000 });
    assert.equal(await page.evaluate(() => window.__xss), undefined);
    assert.equal(await page.locator("#dlq-output script, #dlq-output img").count(), 0);
    assert.equal(dialogs, 0);
    await page.screenshot({ path: join(shots, "console-dlq-show.png"), fullPage: true });
  });

  await test("replaying the DLQ entry from the page puts its events into the lake once", async () => {
    const shown = JSON.parse(await page.locator("#dlq-output").textContent());
    const before = (await metrics()).get('rollup_events_total{table="service_events"}');
    await page.locator('button[data-dlq-action="replay"]').first().click();
    await page.locator("#dlq-output").filter({ hasText: '"replayed": true' }).waitFor({ timeout: 10000 });
    const replay = JSON.parse(await page.locator("#dlq-output").textContent());
    assert.equal(replay.events, shown.events);
    const first = await task("rollup-now");
    assert.equal(first.events, shown.events, `rolled up after the replay: ${JSON.stringify(first)}`);
    assert.equal((await metrics()).get('rollup_events_total{table="service_events"}'), before + shown.events);
    // A second replay of the same entry (an operator's double click) adds nothing to the lake: its ids are known.
    await page.locator('button[data-dlq-action="replay"]').first().click();
    await page.locator("#status").filter({ hasText: /replay of .*: done|Refused/ }).waitFor({ timeout: 10000 });
    const second = await task("rollup-now");
    assert.equal(second.events, 0, `second rollup: ${JSON.stringify(second)}`);
    assert.equal((await metrics()).get('rollup_events_total{table="service_events"}'), before + shown.events);
  });

  await test("the live tap shows recent events of one service, escaped", async () => {
    await page.selectOption("#tap-table", "service_events");
    await page.fill("#tap-service", "e2e");
    await page.click("#tap-load");
    await page.locator("#status").filter({ hasText: "recent service_events events" }).waitFor({ timeout: 5000 });
    const services = await page.locator("#tap-events tbody tr td:nth-child(3)").allTextContents();
    assert.ok(services.length >= 1 && services.every((s) => s === "e2e"), `services shown: ${services}`);
    await page.locator("#tap-events").filter({ hasText: "<script>window.__xss=1</script>" }).waitFor({ timeout: 5000 });
    assert.equal(await page.evaluate(() => window.__xss), undefined);
    await page.screenshot({ path: join(shots, "console-tap.png"), fullPage: true });
  });

  assert.deepEqual(errors.filter((e) => !e.includes("401")), [], "console errors");
  console.log(`${passed} passed, 0 failed`);
} finally {
  await ctx.close();
  rmSync(profile, { recursive: true, force: true });
}
