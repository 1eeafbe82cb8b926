// The dashboard end to end in real headless Chromium (Debian's /usr/bin/chromium driven by playwright-core),
// against a running keybridge and a real OpenBao. Started by DashboardBrowserIntegrationTests, which passes:
//   KB_URL, ADMIN_TOKEN, RESPONDER_TOKEN, AUDITOR_TOKEN, VERIFIER_TOKEN  keybridge and its operator tokens
//   BAO, VAULT_ADDR, CONSUMER_TOKEN, KEY_PATH, KEY_NAME                  the consumer's view of the key it creates
//   INCIDENT_OWNER                                                       owner of the keys the incident page rotates
//   SPIKE_KEY_ID, SPIKE_KEY_NAME, SPIKE_OWNER                            a key whose replayed traffic spiked this hour
//   OUT_DIR                                                              where screenshots and page HTML go
// Exits 0 when every step held; prints each step so that a failure says where it happened. Never prints a key.
import { chromium } from 'playwright-core';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import assert from 'node:assert/strict';

const env = (name) => { const v = process.env[name]; if (!v) throw new Error(`${name} is not set`); return v; };
const KB = env('KB_URL');
const OUT = env('OUT_DIR');
const KEY_PATH = env('KEY_PATH');
const KEY_NAME = env('KEY_NAME');
const KEY_SHAPE = /ee_(live|test)_[0-9A-Za-z]{20,}/;
const seenKeys = new Set();
let pageNumber = 0;
mkdirSync(join(OUT, 'screenshots'), { recursive: true });
mkdirSync(join(OUT, 'pages'), { recursive: true });

const step = (text) => console.log(`- ${text}`);

/** The key as its consumer reads it: the real bao CLI with a token for that one path. */
function consumerRead() {
  const out = execFileSync(env('BAO'), ['kv', 'get', '-format=json', `secret/keybridge/${KEY_PATH}`], {
    env: { ...process.env, VAULT_ADDR: env('VAULT_ADDR'), VAULT_TOKEN: env('CONSUMER_TOKEN') },
  }).toString();
  const secret = JSON.parse(out).data;
  const key = secret.data.api_key;
  // assert.ok, not assert.match: a failed match would print the key as the assertion's actual value
  assert.ok(typeof key === 'string' && key.startsWith('ee_live_'), 'bao kv get returns a live key');
  seenKeys.add(key);
  return { key, version: secret.metadata.version };
}

async function verify(key) {
  const response = await fetch(`${KB}/api/v1/verify`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${env('VERIFIER_TOKEN')}`, 'X-API-Key': key, 'Content-Type': 'application/json' },
    body: '{"scopes":["lists:read"]}',
  });
  return response.status;
}

/** Saves the page's HTML and a screenshot, and checks that no key is anywhere in it. */
async function capture(page, name, { screenshot = true, fullPage = true } = {}) {
  const html = await page.content();
  pageNumber += 1;
  writeFileSync(join(OUT, 'pages', `${String(pageNumber).padStart(2, '0')}-${name}.html`), html);
  for (const key of seenKeys) assert.ok(!html.includes(key.slice(12)), `a key appears in the ${name} page`);
  assert.ok(!KEY_SHAPE.test(html), `something shaped like a key appears in the ${name} page`);
  if (screenshot) await page.screenshot({ path: join(OUT, 'screenshots', `${name}.png`), fullPage });
}

async function signIn(browser, token) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${KB}/ui/keys`);
  assert.match(page.url(), /\/login$/, 'an anonymous visitor is sent to the sign-in page');
  await page.getByLabel('Operator token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/ui\/keys$/);
  return { context, page };
}

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
try {
  // sign-in page
  {
    const context = await browser.newContext({ viewport: { width: 1366, height: 700 } });
    const page = await context.newPage();
    await page.goto(`${KB}/login`);
    await capture(page, 'sign-in');
    await page.getByLabel('Operator token').fill('not-a-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    assert.ok(await page.getByText('Unknown token.').isVisible(), 'a wrong token is refused');
    await context.close();
    step('sign-in refuses an unknown token');
  }

  const { context: adminContext, page } = await signIn(browser, env('ADMIN_TOKEN'));
  step('ADMIN signed in');
  const cookies = await adminContext.cookies();
  const session = cookies.find((c) => c.name === 'KEYBRIDGE_SESSION');
  assert.ok(session && session.httpOnly && session.sameSite === 'Strict', 'the session cookie is HttpOnly, SameSite=Strict');

  // create a key through the form
  await page.getByRole('link', { name: 'Create key' }).first().click();
  await page.waitForURL(/\/ui\/keys\/new$/);
  await capture(page, 'create-key');
  await page.getByLabel('Name', { exact: true }).fill(KEY_NAME);
  await page.getByLabel('Environment').selectOption('live');
  await page.getByRole('checkbox', { name: /lists:read/ }).check();
  await page.getByRole('checkbox', { name: /leads:read/ }).check();
  await page.getByLabel('Owner').fill('revops');
  await page.getByLabel('Description').fill('CRM sync for revops');
  await page.getByLabel('Path or secret name').first().fill(KEY_PATH);
  await page.getByRole('button', { name: 'Create and deliver' }).click();
  await page.waitForURL(/\/ui\/keys\/[0-9a-f-]{36}$/);
  const keyUrl = page.url();
  await page.getByText(`Key issued and delivered: secret/keybridge/${KEY_PATH} version 1.`).waitFor();
  assert.ok(await page.getByText(`vault kv get -field=api_key secret/keybridge/${KEY_PATH}`).isVisible());
  const v1 = consumerRead();
  assert.equal(v1.version, 1);
  await capture(page, 'key-created');
  assert.equal(await verify(v1.key), 200, 'the delivered key verifies');
  step(`created ${KEY_NAME}: bao kv get finds version 1 at secret/keybridge/${KEY_PATH}, and it verifies`);

  // rotate now
  await page.getByRole('button', { name: 'Rotate now' }).click();
  await page.getByText(/Rotated: version 2 delivered to/).waitFor();
  const v2 = consumerRead();
  assert.equal(v2.version, 2);
  assert.equal(await verify(v1.key), 200, 'the old version verifies during the overlap');
  assert.equal(await verify(v2.key), 200);
  await capture(page, 'key-rotated');
  step('rotated: version 2 in Vault, both versions verify during the overlap');

  // emergency rotation
  await page.getByLabel('Why (required)').fill('key pasted in a public gist');
  await page.getByLabel('Incident reference (optional)').fill('INC-4711');
  await page.getByRole('button', { name: 'Emergency rotate' }).click();
  await page.getByText(/Contained at .*: the old version no longer verifies/).waitFor();
  const v3 = consumerRead();
  assert.equal(v3.version, 3);
  assert.equal(await verify(v1.key), 401);
  assert.equal(await verify(v2.key), 401);
  assert.equal(await verify(v3.key), 200);
  await capture(page, 'key-detail');
  step('emergency-rotated: versions 1 and 2 refused at once, version 3 delivered and verifying');

  // keys list, with a search, on a laptop and on a phone
  await page.goto(`${KB}/ui/keys`);
  await page.getByRole('searchbox').fill(KEY_NAME.slice(0, 8));
  await page.getByRole('button', { name: 'Filter' }).click();
  assert.ok(await page.getByRole('link', { name: KEY_NAME }).isVisible(), 'the search finds the key');
  // a team's keys at 1400 px: the table fits without scrolling sideways, the search says what it searches
  const team = `${KB}/ui/keys?owner=${encodeURIComponent(env('SHOWCASE_OWNER'))}`;
  await page.goto(team);
  const tableOverflow = await page.evaluate(() => {
    const wrap = document.querySelector('.table-wrap');
    return wrap.scrollWidth - wrap.clientWidth;
  });
  assert.ok(tableOverflow <= 1, `the keys table fits 1400 px (it overflows by ${tableOverflow}px)`);
  const placeholderFits = await page.evaluate(() => {
    const input = document.querySelector('input[type=search]');
    const style = getComputedStyle(input);
    const context = document.createElement('canvas').getContext('2d');
    context.font = `${style.fontSize} ${style.fontFamily}`;
    const padding = parseFloat(style.paddingLeft) + parseFloat(style.paddingRight);
    return context.measureText(input.placeholder).width <= input.clientWidth - padding;
  });
  assert.ok(placeholderFits, 'the search placeholder is shown whole');
  await capture(page, 'keys');
  const icon = await page.request.get(`${KB}/favicon.ico`);
  assert.equal(icon.status(), 200, 'the favicon is there');
  const phone = await adminContext.newPage();
  await phone.setViewportSize({ width: 390, height: 844 });
  await phone.goto(team);
  await capture(phone, 'keys-phone', { fullPage: false });
  const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `the phone layout does not scroll sideways (it overflows by ${overflow}px)`);
  await phone.close();
  step('keys list: search works; the table fits 1400 px, the phone layout 390 px; favicon served');

  // a form posted without the CSRF token is refused
  const forged = await page.evaluate(async (url) => (await fetch(`${url}/rotate`, { method: 'POST' })).status, keyUrl);
  assert.equal(forged, 403, 'a POST without the CSRF token is refused');
  step('a POST without the CSRF token gets 403');

  // revoke with typed confirmation
  await page.goto(keyUrl);
  const revokeButton = page.getByRole('button', { name: 'Revoke for good' });
  assert.ok(await revokeButton.isDisabled(), 'revoke stays disabled until the name is typed');
  await page.getByLabel('Reason for revoking (required)').fill('service retired');
  await page.getByLabel(/Type the key's name/).fill(KEY_NAME);
  assert.ok(await revokeButton.isEnabled());
  await revokeButton.click();
  await page.getByText('Revoked: no version of this key verifies any more.').waitFor();
  assert.equal(await verify(v3.key), 401);
  await capture(page, 'key-revoked', { screenshot: false });
  await page.goto(`${KB}/ui/keys?q=${encodeURIComponent(KEY_NAME)}`);
  const rotation = await page.locator('table.keys tbody tr').first().locator('td').nth(5).innerText();
  assert.equal(rotation.trim(), '—', 'a revoked key shows no rotation state (not a green OK)');
  step('revoked after typing the name: version 3 refused; the list shows no rotation state for it');

  // incident: preview, rotate, live progress
  await page.getByRole('link', { name: 'Incident' }).click();
  await page.getByLabel('Owner').fill(env('INCIDENT_OWNER'));
  await page.getByRole('button', { name: 'Preview (dry run)' }).click();
  await page.getByText('2 key(s) would be rotated').waitFor();
  await page.getByLabel(/^Reason/).fill('CI logs exposed (INC-4712)');
  await capture(page, 'incident');
  await page.getByRole('button', { name: 'Rotate these 2 keys now' }).click();
  await page.waitForURL(/\/ui\/incident\/[0-9a-f-]{36}$/);
  await page.getByText('COMPLETED').waitFor({ timeout: 30000 });
  assert.ok(await page.getByText('2 of 2 delivered, 0 failed').isVisible(), 'the progress reached 2 of 2');
  await capture(page, 'incident-run');
  step('incident: dry run listed 2 keys; the run contained and re-delivered both, progress updated live');

  // audit
  await page.getByRole('link', { name: 'Audit' }).click();
  await page.getByLabel('Action').fill('key.revoke');
  await page.getByRole('button', { name: 'Filter' }).click();
  assert.ok(await page.getByText('service retired').first().isVisible(), 'the audit page shows the revocation');
  await page.getByLabel('Action').fill('');
  await page.getByRole('button', { name: 'Filter' }).click();
  await capture(page, 'audit');
  const auditRows = await page.locator('table tbody tr').count();
  assert.ok(auditRows <= 50, `the audit page shows one page of at most 50 entries (${auditRows})`);
  const requestLines = await page.locator('tbody td.nowrap small').first().evaluate((e) => e.getClientRects().length);
  assert.equal(requestLines, 1, 'a request id takes one line');
  step('audit page filters by action, pages by 50, request ids on one line');

  // keyboard: the sign-out button is reachable with Tab from the top of the page
  await page.keyboard.press('Tab');
  const focused = await page.evaluate(() => document.activeElement && document.activeElement.textContent.trim());
  assert.equal(focused, 'keybridge', 'the first Tab stop is the home link');
  await adminContext.close();

  // an AUDITOR sees the same pages but no button that acts
  const { context: auditorContext, page: auditor } = await signIn(browser, env('AUDITOR_TOKEN'));
  await auditor.goto(keyUrl);
  for (const name of ['Rotate now', 'Emergency rotate', 'Revoke for good', 'Rename', 'Change policy']) {
    assert.equal(await auditor.getByRole('button', { name }).count(), 0, `an AUDITOR sees no "${name}" button`);
  }
  assert.equal(await auditor.getByRole('link', { name: 'Create key' }).count(), 0);
  const response = await auditor.goto(`${KB}/ui/keys/new`);
  assert.equal(response.status(), 403, 'an AUDITOR cannot open the create form');
  const refused = await auditor.evaluate(async (url) => {
    const csrf = document.querySelector('input[name=_csrf]');
    const body = new URLSearchParams({ _csrf: csrf ? csrf.value : '' });
    return (await fetch(`${url}/rotate`, { method: 'POST', body })).status;
  }, keyUrl);
  assert.equal(refused, 403, 'an AUDITOR cannot rotate, even with a valid CSRF token');
  await capture(auditor, 'auditor-key', { screenshot: false });
  step('AUDITOR: no acting buttons, create form and rotate refused');

  // findings: the spike the test replayed through /verify is on the Findings page and counted in the navigation
  const SPIKE_ID = env('SPIKE_KEY_ID');
  const SPIKE_NAME = env('SPIKE_KEY_NAME');
  const navCount = async (p) => {
    const badge = p.locator('header nav .nav-count');
    return (await badge.count()) === 0 ? 0 : Number(await badge.innerText());
  };
  await auditor.goto(`${KB}/ui/findings?owner=${encodeURIComponent(env('SPIKE_OWNER'))}`);
  const spikeRow = auditor.locator('table.findings tbody tr', { hasText: 'REQUEST_SPIKE' });
  assert.equal(await spikeRow.count(), 1, 'the spike is listed on the Findings page');
  assert.ok((await spikeRow.innerText()).includes('OPEN'), 'the spike is open');
  const openBefore = await navCount(auditor);
  assert.ok(openBefore >= 1, `the navigation counts the open HIGH finding (${openBefore})`);
  await spikeRow.getByRole('link', { name: 'REQUEST_SPIKE' }).click();
  await auditor.waitForURL(/\/ui\/findings\/[0-9a-f-]{36}$/);
  const findingUrl = auditor.url();
  for (const name of ['Emergency rotate now', 'Acknowledge', 'Resolve']) {
    assert.equal(await auditor.getByRole('button', { name }).count(), 0, `an AUDITOR sees no "${name}" button on a finding`);
  }
  assert.ok(await auditor.getByText('acting on it takes RESPONDER or ADMIN').isVisible());
  await capture(auditor, 'auditor-finding', { screenshot: false });
  // the key page draws the spike: the tallest bar is the current hour's, above the baseline and the threshold
  await auditor.goto(`${KB}/ui/keys/${SPIKE_ID}`);
  const chart = auditor.locator('figure.chart svg.usage');
  await chart.waitFor();
  const bars = await chart.locator('g.bars > g').count();
  assert.ok(bars >= 10, `the chart has a bar per busy hour (${bars})`);
  const tallest = await chart.evaluate((svg) => {
    const groups = [...svg.querySelectorAll('g.bars > g')];
    const heightOf = (g) => [...g.querySelectorAll('rect')].reduce((sum, r) => sum + Number(r.getAttribute('height')), 0);
    const heights = groups.map(heightOf);
    const max = Math.max(...heights);
    return { index: heights.indexOf(max), count: heights.length, title: groups[heights.indexOf(max)].querySelector('title').textContent };
  });
  assert.equal(tallest.index, tallest.count - 1, 'the tallest bar is the last hour: the spike');
  assert.ok(/: 2\d\d requests/.test(tallest.title), `the spike's bar says its numbers (${tallest.title})`);
  assert.ok(await chart.locator('line.median').count() === 1 && await chart.locator('line.spike').count() === 1,
    'the baseline and the spike threshold are drawn');
  assert.ok(await chart.locator('g.marker.finding').count() >= 1, 'the finding is marked on the chart');
  await auditor.getByText(/The numbers: \d+ hour\(s\) with use/).click();
  assert.ok(await auditor.getByRole('region', { name: 'Verifications per hour' }).isVisible(), 'the numbers are a table too');
  await auditor.locator('#usage').scrollIntoViewIfNeeded();
  await capture(auditor, 'key-usage', { fullPage: false });
  // the keys list draws a sparkline per key
  await auditor.goto(`${KB}/ui/keys?owner=${encodeURIComponent(env('SPIKE_OWNER'))}`);
  const spark = auditor.locator('svg.sparkline').first();
  assert.ok((await spark.getAttribute('aria-label')).includes('verifications in 7 days'), 'a sparkline says its numbers');
  await auditorContext.close();
  step(`AUDITOR: the spike of ${SPIKE_NAME} is listed and counted, acts are not offered; its chart shows the spike`);

  // a RESPONDER acknowledges it, emergency-rotates from it, and it resolves itself
  const { context: responderContext, page: responder } = await signIn(browser, env('RESPONDER_TOKEN'));
  await responder.goto(`${KB}/ui/findings`);
  await capture(responder, 'findings');
  const small = await responderContext.newPage();
  await small.setViewportSize({ width: 390, height: 844 });
  await small.goto(`${KB}/ui/findings`);
  await capture(small, 'findings-phone', { fullPage: false });
  const phoneOverflow = await small.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(phoneOverflow <= 1, `the Findings page does not scroll sideways on a phone (${phoneOverflow}px)`);
  await small.close();
  await responder.goto(`${KB}/ui/findings?owner=${encodeURIComponent(env('SPIKE_OWNER'))}`);
  await responder.locator('table.findings tbody tr', { hasText: 'REQUEST_SPIKE' }).getByRole('link', { name: 'Emergency-rotate…' }).click();
  await responder.waitForURL(/\/ui\/findings\/[0-9a-f-]{36}#act$/);
  assert.equal(responder.url().replace(/#act$/, ''), findingUrl);
  await responder.getByLabel('Note (required)').fill('spike from one client, rotating');
  await responder.getByRole('button', { name: 'Acknowledge' }).click();
  await responder.getByText('Acknowledged: it is yours').waitFor();
  assert.ok(await responder.locator('.finding-status.big', { hasText: 'ACKNOWLEDGED' }).isVisible());
  assert.equal(await navCount(responder), openBefore - 1, 'an acknowledged finding leaves the count');
  await capture(responder, 'finding');
  assert.ok((await responder.getByLabel('Why (required)').inputValue()).startsWith('REQUEST_SPIKE finding'),
    'the emergency rotation says which finding it answers');
  await responder.getByRole('button', { name: 'Emergency rotate now' }).click();
  await responder.getByText(/Contained at .*: the old version no longer verifies/).waitFor();
  step('RESPONDER: acknowledged the spike (count down by one), emergency-rotated the key from it');
  let resolved = false;
  for (let attempt = 0; attempt < 60 && !resolved; attempt += 1) {
    await responder.goto(findingUrl);
    resolved = (await responder.locator('.finding-status.big').innerText()).trim() === 'RESOLVED';
    if (!resolved) await responder.waitForTimeout(500);
  }
  assert.ok(resolved, 'the finding resolved itself once the versions in use at the spike were revoked');
  assert.ok(await responder.getByText(/by keybridge: every version live when this was noticed/).isVisible());
  await capture(responder, 'finding-resolved', { screenshot: false });
  await responderContext.close();
  step('the spike resolved itself: the version in use when it was noticed is revoked');

  console.log(`OK: ${pageNumber} pages checked, ${seenKeys.size} keys read from Vault, none in any page`);
} finally {
  await browser.close();
}
