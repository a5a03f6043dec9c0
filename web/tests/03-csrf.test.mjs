// CSRF: pages from another origin try to act with the browser's Weft session. A small
// node:http server plays the hostile site, on two addresses:
//   - http://localhost:P  — another *site* (the SameSite=Lax cookie is not sent on its posts);
//   - http://127.0.0.1:P  — the same site on another port, another *origin*: the cookie does
//     ride along, so only Weft's own checks (CSRF header, form origin) stand in the way.
// Nothing may be created, no one may be signed in or out, and the API answers 403 to a
// cookie-signed call without the CSRF header. The checks are made with bearer tokens.

import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { freshInstance, signInThroughForm, WAIT } from './lib/weft.mjs';

let env;
let evil;
let evilPort;
let mallory;

/** The hostile site's pages, built for the Weft at `weft`. */
function evilPage(kind, weft, workspaceId) {
  const autoSubmit = (action, fields) =>
    `<form id="f" method="post" action="${weft}${action}">` +
    Object.entries(fields)
      .map(([k, v]) => `<input type="hidden" name="${k}" value="${v}">`)
      .join('') +
    `</form><script>document.getElementById('f').submit()</script>`;
  switch (kind) {
    case 'form-channel':
      return autoSubmit('/api/v3/channels/add', { workspace_id: workspaceId, name: 'Evil form channel', public: 'true' });
    case 'form-login':
      return autoSubmit('/login', { email: mallory.email, password: mallory.password, next: '/' });
    case 'form-logout':
      return autoSubmit('/logout', { csrf: 'guessed' });
    case 'fetch':
      // A "simple" request (no preflight): the cookie goes along when the browser allows it.
      return `<script>
        window.results = {};
        fetch('${weft}/api/v3/channels/add', { method: 'POST', mode: 'no-cors', credentials: 'include',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: 'workspace_id=${workspaceId}&name=Evil+fetch+channel' })
          .then(() => (window.results.simple = 'sent'), (e) => (window.results.simple = 'failed: ' + e));
        // With a made-up CSRF header the browser must ask first (preflight), and Weft says no.
        fetch('${weft}/api/v3/channels/add', { method: 'POST', credentials: 'include',
          headers: { 'content-type': 'application/json', 'x-csrf-token': 'guessed' },
          body: JSON.stringify({ workspace_id: ${workspaceId}, name: 'Evil preflight channel' }) })
          .then((r) => (window.results.preflight = 'answered ' + r.status), (e) => (window.results.preflight = 'blocked'));
      </script>`;
    default:
      return 'nothing here';
  }
}

before(async () => {
  env = await freshInstance();
  mallory = await env.weft.addPerson({ name: 'Mallory', email: 'mallory@evil.test', password: 'mallory password' });
  evil = http.createServer((req, res) => {
    const kind = new URL(req.url, 'http://x').pathname.slice(1);
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><title>Free prizes</title><body>${evilPage(kind, env.weft.url, env.workspaceId)}</body>`);
  });
  await new Promise((resolve) => evil.listen(0, '127.0.0.1', resolve));
  evilPort = evil.address().port;
});

after(async () => {
  await new Promise((resolve) => (evil ? evil.close(resolve) : resolve()));
  await env?.cleanup();
});

// Each test starts signed in, whatever the one before did to the session.
beforeEach(async () => {
  if (await sessionCookie()) return;
  const page = await env.context.newPage();
  await signInThroughForm(page, env.weft.url, env.admin);
  await page.waitForURL((u) => u.pathname !== '/login');
  await page.close();
});

const channelNames = async () =>
  (await env.weft.api(env.admin.token, 'channels/get', { workspace_id: env.workspaceId }, { method: 'GET' })).map((c) => c.name);

const sessionCookie = async () => (await env.context.cookies(env.weft.url)).find((c) => c.name === 'weft_session')?.value;

/** Opens a hostile page and answers the status of Weft's answer to the request it makes. */
async function visitEvil(host, kind, weftPath) {
  const page = await env.context.newPage();
  const answered = page.waitForResponse((r) => r.url().startsWith(env.weft.url + weftPath), { timeout: WAIT });
  await page.goto(`http://${host}:${evilPort}/${kind}`);
  const response = await answered;
  await page.waitForLoadState();
  return { page, status: response.status() };
}

for (const host of ['localhost', '127.0.0.1']) {
  const sameSite = host === '127.0.0.1';
  const where = sameSite ? 'another origin of the same site (cookie sent)' : 'another site (cookie withheld)';

  test(`a form posted to the API from ${where} creates nothing`, async () => {
    const before = await sessionCookie();
    assert.ok(before, 'the browser has a Weft session');
    const { page, status } = await visitEvil(host, 'form-channel', '/api/v3/channels/add');
    // With the cookie the session is known but the CSRF header is missing: 403. Without
    // it the call is simply not signed in: 401.
    assert.equal(status, sameSite ? 403 : 401);
    assert.ok(!(await channelNames()).includes('Evil form channel'), 'no channel was created');
    await page.close();
  });

  test(`a sign-in form posted from ${where} is refused and the session stays`, async () => {
    const before = await sessionCookie();
    const { page, status } = await visitEvil(host, 'form-login', '/login');
    assert.equal(status, 403);
    await page.getByRole('heading', { name: 'Form refused' }).waitFor();
    assert.equal(await sessionCookie(), before, 'still signed in as the same person (not as Mallory)');
    await page.close();
  });

  // Such a post arrives without the SameSite cookie: it must not clear it either.
  test(`a sign-out form posted from ${where} does not sign out`, async () => {
    const before = await sessionCookie();
    const { page, status } = await visitEvil(host, 'form-logout', '/logout');
    assert.equal(status, 403);
    assert.equal(await sessionCookie(), before);
    // The session still works in the app's own page.
    const app = await env.context.newPage();
    await app.goto(`${env.weft.url}/a/${env.workspaceId}/inbox`);
    assert.match(new URL(app.url()).pathname, /^\/a\//, 'not sent to sign-in');
    await app.close();
    await page.close();
  });

  test(`fetch with credentials from ${where} creates nothing`, async () => {
    const page = await env.context.newPage();
    const simple = page.waitForResponse((r) => r.url() === `${env.weft.url}/api/v3/channels/add` && r.request().method() === 'POST');
    await page.goto(`http://${host}:${evilPort}/fetch`);
    assert.equal((await simple).status(), sameSite ? 403 : 401);
    await page.waitForFunction(() => window.results.simple && window.results.preflight, null, { timeout: WAIT });
    const results = await page.evaluate(() => window.results);
    assert.equal(results.preflight, 'blocked', 'a request with a custom header is stopped at the preflight');
    const names = await channelNames();
    assert.ok(!names.includes('Evil fetch channel') && !names.includes('Evil preflight channel'), `nothing created: ${names}`);
    await page.close();
  });
}

test("the app's own page: a cookie-signed API call needs the page's CSRF header", async () => {
  const page = await env.context.newPage();
  await page.goto(`${env.weft.url}/a/${env.workspaceId}/inbox`);
  const answers = await page.evaluate(async (ws) => {
    const token = document.querySelector('meta[name="csrf-token"]').getAttribute('content');
    const post = (headers) =>
      fetch('/api/v3/channels/add', {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ workspace_id: ws, name: 'Made with the header' }),
      }).then((r) => r.status);
    return { without: await post({}), wrong: await post({ 'x-csrf-token': '0'.repeat(32) }), right: await post({ 'x-csrf-token': token }) };
  }, env.workspaceId);
  assert.deepEqual(answers, { without: 403, wrong: 403, right: 200 });
  assert.ok((await channelNames()).includes('Made with the header'));
  await page.close();
});
