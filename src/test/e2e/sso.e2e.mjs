// Single sign-on in real headless Chromium (Debian's /usr/bin/chromium driven by playwright-core) through a real
// Keycloak's own login page. Started by SingleSignOnBrowserIntegrationTests, which passes:
//   KB_URL                    keybridge
//   OWN_KEY_ID, OWN_KEY_NAME  a key of the owner alice's team (team:revops) may act on
//   OTHER_KEY_ID, OTHER_KEY_NAME  a key of another team's owner
//   OUT_DIR                   where screenshots and page HTML go
// Exits 0 when every step held; prints each step so that a failure says where it happened.
import { chromium } from 'playwright-core';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import assert from 'node:assert/strict';

const env = (name) => { const v = process.env[name]; if (!v) throw new Error(`${name} is not set`); return v; };
const KB = env('KB_URL');
const OUT = env('OUT_DIR');
const KEY_SHAPE = /ee_(live|test)_[0-9A-Za-z]{20,}/;
let pageNumber = 0;
mkdirSync(join(OUT, 'screenshots'), { recursive: true });
mkdirSync(join(OUT, 'pages'), { recursive: true });

const step = (text) => console.log(`- ${text}`);

async function capture(page, name) {
  const html = await page.content();
  pageNumber += 1;
  writeFileSync(join(OUT, 'pages', `${String(pageNumber).padStart(2, '0')}-${name}.html`), html);
  assert.ok(!KEY_SHAPE.test(html), `something shaped like a key appears in the ${name} page`);
  await page.screenshot({ path: join(OUT, 'screenshots', `${name}.png`), fullPage: true });
}

/** From keybridge's sign-in page through Keycloak's own login form; answers where the browser ended up. */
async function signIn(page, user) {
  await page.goto(`${KB}/ui/keys`);
  assert.match(page.url(), /\/login$/, 'an anonymous visitor is sent to the sign-in page');
  await page.getByRole('link', { name: 'Sign in with single sign-on' }).click();
  await page.waitForSelector('#username');
  assert.ok(new URL(page.url()).searchParams.get('code_challenge'), 'the authorization request carries PKCE');
  assert.equal(new URL(page.url()).searchParams.get('code_challenge_method'), 'S256');
  await page.fill('#username', user);
  await page.fill('#password', `${user}-password`);
  await page.click('#kc-login');
  await page.waitForURL((url) => url.toString().startsWith(KB));
  return page.url();
}

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
try {
  // a responder of one team
  {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${KB}/login`);
    await capture(page, 'sso-sign-in');
    assert.match(await signIn(page, 'alice'), /\/ui\/keys$/);
    assert.ok(await page.getByText('RESPONDER for sso-revops').isVisible(), 'the header names the grant');
    assert.ok(await page.getByRole('link', { name: env('OWN_KEY_NAME') }).isVisible(), 'the team sees its key');
    assert.equal(await page.getByRole('link', { name: env('OTHER_KEY_NAME') }).count(), 0,
      "another team's key is not listed");
    await capture(page, 'sso-keys-alice');
    step('alice (team:revops) signed in through Keycloak with PKCE and sees only her team\'s keys');

    const other = await page.goto(`${KB}/ui/keys/${env('OTHER_KEY_ID')}`);
    assert.equal(other.status(), 404, "another team's key page is not found");
    assert.ok(!(await page.content()).includes(env('OTHER_KEY_NAME')), "and its name does not leak");
    const refused = await page.evaluate(async ({ kb, id }) => {
      const own = await fetch(`${kb}/ui/keys`);
      const csrf = new DOMParser().parseFromString(await own.text(), 'text/html').querySelector('input[name=_csrf]');
      const body = new URLSearchParams({ _csrf: csrf ? csrf.value : '', reason: 'not mine' });
      return (await fetch(`${kb}/ui/keys/${id}/emergency-rotate`, { method: 'POST', body })).status;
    }, { kb: KB, id: env('OTHER_KEY_ID') });
    assert.equal(refused, 403, "emergency-rotating another team's key is refused");
    step("another team's key: 404 to read, 403 to emergency-rotate");

    await page.goto(`${KB}/ui/keys/${env('OWN_KEY_ID')}`);
    await page.getByLabel('Why (required)').fill('sso test: pasted in a chat');
    await page.getByRole('button', { name: 'Emergency rotate' }).click();
    await page.getByText(/Contained at .*: the old version no longer verifies/).waitFor();
    await capture(page, 'sso-emergency-alice');
    step('alice emergency-rotated her team\'s key');

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/login\?signedOut$/);
    const after = await page.goto(`${KB}/ui/keys`);
    assert.match(page.url(), /\/login$/, 'signed out of keybridge');
    await page.getByRole('link', { name: 'Sign in with single sign-on' }).click();
    await page.waitForSelector('#username');
    step('signed out of keybridge and of Keycloak (its login form is asked again)');
    await context.close();
  }

  // an auditor sees every team and cannot act
  {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    assert.match(await signIn(page, 'carol'), /\/ui\/keys$/);
    assert.ok(await page.getByRole('link', { name: env('OTHER_KEY_NAME') }).isVisible(), 'the auditor sees every team');
    await page.goto(`${KB}/ui/keys/${env('OTHER_KEY_ID')}`);
    for (const name of ['Rotate now', 'Emergency rotate', 'Revoke for good']) {
      assert.equal(await page.getByRole('button', { name }).count(), 0, `an AUDITOR sees no "${name}" button`);
    }
    await capture(page, 'sso-auditor-key');
    step('carol (auditor) reads every team\'s keys and has no button that acts');
    await context.close();
  }

  // signed in at the provider, but in no bound group
  {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    assert.match(await signIn(page, 'dave'), /\/login\?unbound$/);
    assert.ok(await page.getByText('none of your groups is bound').isVisible());
    const keys = await page.goto(`${KB}/ui/keys`);
    assert.match(page.url(), /\/login$/, 'no session for an unbound person');
    step('dave (no bound group) is refused at sign-in');
    await context.close();
  }
  console.log(`OK: ${pageNumber} pages checked`);
} finally {
  await browser.close();
}
