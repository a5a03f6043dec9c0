// API tokens: Ana opens Settings → API tokens, makes a read-and-write token kept to her
// workspace, reads its secret (shown once, with a curl line using this server's address),
// uses it with fetch (Authorization: Bearer) to post a thread, sees "Last used", revokes it
// (confirming first) and the API refuses it from then on. A read-only token made in the UI
// reads but cannot write; a token cannot make tokens. A blank name is refused inline.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ADMIN, axePath, freshInstance, looks, newContext, screenshot, signInThroughForm, withToken } from './lib/weft.mjs';

let env;
let page;
let channelId;

before(async () => {
  env = await freshInstance();
  const ws = await env.weft.api(env.admin.token, 'workspaces/getone', { id: env.workspaceId }, { method: 'GET' });
  channelId = ws.default_channel;
  page = env.page;
});

after(async () => {
  await env?.cleanup();
});

/**
 * Serious and critical axe violations of the tokens page with a secret just shown, light
 * and dark — in a context of its own, since axe is injected as a script (the app's CSP
 * allows none). The token it makes is revoked through the API again.
 */
async function audit() {
  const found = [];
  const context = await newContext(env.browser, { bypassCSP: true });
  const p = await context.newPage();
  await signInThroughForm(p, env.weft.url, ADMIN, `/a/${env.workspaceId}/settings/tokens`);
  await p.getByRole('heading', { name: 'Your API tokens' }).waitFor();
  await p.getByRole('region', { name: 'Make a token' }).getByLabel('Name').fill('Audit');
  await p.getByRole('button', { name: 'Make token' }).click();
  await p.getByRole('textbox', { name: /Your new token “Audit”/ }).waitFor();
  await p.addScriptTag({ path: axePath });
  for (const colorScheme of ['light', 'dark']) {
    await p.emulateMedia({ colorScheme });
    const result = await p.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
    for (const v of result.violations.filter((x) => x.impact === 'serious' || x.impact === 'critical')) {
      found.push(`${colorScheme} ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
    }
  }
  await context.close();
  const made = (await env.weft.api(env.admin.token, 'api_tokens/get', {})).find((t) => t.name === 'Audit');
  await env.weft.api(env.admin.token, 'api_tokens/remove', { id: made.id });
  return found;
}

test('Settings → API tokens: make one, use it, revoke it', async () => {
  await page.goto(`${env.weft.url}/a/${env.workspaceId}/settings/profile`);
  await page.getByRole('navigation', { name: 'Settings sections' }).getByRole('link', { name: 'API tokens' }).click();
  await page.getByRole('heading', { name: 'Your API tokens' }).waitFor();
  assert.match(page.url(), /\/settings\/tokens$/);
  const form = page.getByRole('region', { name: 'Make a token' });
  await page.getByText('You have no API tokens.').waitFor();

  // A blank name is refused inline, nothing asked.
  await page.getByRole('button', { name: 'Make token' }).click();
  await page.locator('#token-status').getByText('Give the token a name').waitFor();
  assert.equal(await form.getByLabel('Name').getAttribute('aria-invalid'), 'true');

  // By keyboard: name, scope, workspace, Enter.
  const wsName = (await env.weft.api(env.admin.token, 'workspaces/getone', { id: env.workspaceId }, { method: 'GET' })).name;
  assert.equal(await form.getByLabel('Workspace').inputValue(), '', 'All workspaces by default');
  assert.ok(await page.getByRole('radio', { name: /Read only/ }).isChecked(), 'read only by default');
  await form.getByLabel('Name').fill('CI reports');
  await page.getByRole('radio', { name: /Read and write/ }).check();
  await form.getByLabel('Workspace').selectOption({ label: wsName });
  await form.getByLabel('Name').press('Enter');

  const field = page.getByRole('textbox', { name: /Your new token/ });
  await field.waitFor();
  await page.getByText('Copy it now: it will not be shown again').waitFor();
  assert.equal(await field.getAttribute('readonly'), '');
  const secret = await field.inputValue();
  assert.ok(secret.length > 20, `a secret: ${secret}`);
  const example = await page.locator('.token-example').innerText();
  assert.ok(example.includes(`curl -s ${env.weft.url}/api/v3/`), example);
  assert.ok(example.includes(`Authorization: Bearer ${secret}`), example);
  await page.getByRole('button', { name: 'Copy', exact: true }).waitFor();

  const list = page.getByRole('list', { name: 'API tokens' });
  const row = list.getByRole('listitem').filter({ hasText: 'CI reports' });
  await row.getByText(`Read and write · ${wsName}`).waitFor();
  await row.getByText('Never used').waitFor();

  // The secret works: it reads and, being read-and-write, posts.
  const me = await withToken(env.weft.url, secret, 'users/get_session_user');
  assert.equal(me.status, 200);
  assert.equal(me.json.id, env.admin.id);
  const posted = await withToken(env.weft.url, secret, 'threads/add', { channel_id: channelId, title: 'Build 42 passed', content: 'All green.' });
  assert.equal(posted.status, 200, JSON.stringify(posted.json));
  // A token cannot make tokens.
  const more = await withToken(env.weft.url, secret, 'api_tokens/add', { name: 'sneaky', scope: 'read' });
  assert.ok(more.status === 401 || more.status === 403, `a token made a token: ${more.status}`);

  // Back on the page later, the secret is gone and the token shows its last use.
  await page.reload();
  await row.waitFor();
  assert.equal(await page.getByRole('textbox', { name: /Your new token/ }).count(), 0, 'the secret is shown once');
  assert.ok(!(await page.content()).includes(secret), 'the secret is not on the page any more');
  await row.getByText(/Last used/).waitFor();

  // A read-only token for all workspaces, made in the UI: it reads, it cannot write.
  await form.getByLabel('Name').fill('Dashboard');
  await page.getByRole('button', { name: 'Make token' }).click();
  const readOnly = await page.getByRole('textbox', { name: /Your new token “Dashboard”/ }).inputValue();
  await list.getByRole('listitem').filter({ hasText: 'Dashboard' }).getByText('Read only · All workspaces').waitFor();
  assert.equal((await withToken(env.weft.url, readOnly, 'users/get_session_user')).status, 200);
  const refused = await withToken(env.weft.url, readOnly, 'threads/add', { channel_id: channelId, title: 'Nope', content: 'Nope' });
  assert.equal(refused.status, 403, JSON.stringify(refused.json));

  assert.deepEqual(await audit(), []);
  await looks(page, 'settings-tokens');

  // Revoke, confirming first: dismissing keeps it, accepting revokes it.
  page.once('dialog', (d) => d.dismiss());
  await row.getByRole('button', { name: 'Revoke CI reports' }).click();
  await page.waitForTimeout(200);
  assert.equal(await row.count(), 1, 'dismissed: still there');
  assert.equal((await withToken(env.weft.url, secret, 'users/get_session_user')).status, 200);

  let question = '';
  page.once('dialog', (d) => {
    question = d.message();
    void d.accept();
  });
  await row.getByRole('button', { name: 'Revoke CI reports' }).click();
  await row.waitFor({ state: 'detached' });
  assert.match(question, /Revoke “CI reports”\?/);
  const after = await withToken(env.weft.url, secret, 'users/get_session_user');
  assert.ok(after.status === 401 || after.status === 403, `a revoked token still works: ${after.status}`);
  const listed = await env.weft.api(env.admin.token, 'api_tokens/get', {});
  assert.deepEqual(listed.map((t) => t.name), ['Dashboard']);
  await page.reload();
  await list.getByRole('listitem').filter({ hasText: 'Dashboard' }).waitFor();
  assert.equal(await row.count(), 0);
  await looks(page, 'settings-tokens-after-revoke');

  // Opened on a phone, the tabs scroll sideways to show the current one ("Tokens").
  await page.setViewportSize({ width: 390, height: 844 });
  await page.reload();
  const tab = page.getByRole('navigation', { name: 'Settings sections' }).getByRole('link', { name: 'Tokens' });
  await tab.waitFor();
  const inView = await tab.evaluate((a) => {
    const r = a.getBoundingClientRect();
    return r.left >= 0 && r.right <= window.innerWidth;
  });
  assert.ok(inView, 'the current tab is in sight on a phone');
  await screenshot(page, 'settings-tokens-phone-opened');
  await page.setViewportSize({ width: 1280, height: 800 });
});
