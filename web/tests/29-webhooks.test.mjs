// Outgoing webhooks: Ana opens Settings → Webhooks. An address in a private range the
// operator did not allow (http://10.0.0.1/hook) is refused inline with the server's reason.
// With this test's server started with `--allow-webhooks-to 127.0.0.0/8`, she subscribes a
// receiver on loopback (a small HTTP server here) to new threads in the workspace: the
// secret shows once with Copy, the list names the address, "New thread", "All of <ws>" and
// "Active". A thread posted through the API reaches the receiver, signed (webhook-id and
// webhook-signature headers), and the list shows the delivery. A second subscription of the
// same address (new comments in a channel) lists under it. Unsubscribe asks first
// (dismissed: kept; accepted: gone, on the server too). axe finds nothing serious;
// screenshots light and dark, wide and phone; nothing spills sideways on a phone.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { createHmac } from 'node:crypto';
import { ADMIN, axePath, freshInstance, looks, newContext, screenshot, signInThroughForm } from './lib/weft.mjs';

let env;
let page;
let channelId;
let receiver;
const received = [];

before(async () => {
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      received.push({ url: req.url, headers: req.headers, body });
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  await new Promise((r) => receiver.listen(0, '127.0.0.1', r));
  env = await freshInstance({ extraArgs: ['--allow-webhooks-to', '127.0.0.0/8'] });
  const ws = await env.weft.api(env.admin.token, 'workspaces/getone', { id: env.workspaceId }, { method: 'GET' });
  channelId = ws.default_channel;
  page = env.page;
});

after(async () => {
  await env?.cleanup();
  await new Promise((r) => receiver?.close(r));
});

/** Serious and critical axe violations of the webhooks page, light and dark (CSP bypassed for axe). */
async function audit() {
  const found = [];
  const context = await newContext(env.browser, { bypassCSP: true });
  const p = await context.newPage();
  await signInThroughForm(p, env.weft.url, ADMIN, `/a/${env.workspaceId}/settings/webhooks`);
  await p.getByRole('list', { name: 'Outgoing webhooks' }).waitFor();
  await p.addScriptTag({ path: axePath });
  for (const colorScheme of ['light', 'dark']) {
    await p.emulateMedia({ colorScheme });
    const result = await p.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
    for (const v of result.violations.filter((x) => x.impact === 'serious' || x.impact === 'critical')) {
      found.push(`${colorScheme} ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
    }
  }
  await context.close();
  return found;
}

async function until(what, check, ms = 20_000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

test('Settings → Webhooks: refused address, subscribe, delivery, unsubscribe', async () => {
  const wsName = (await env.weft.api(env.admin.token, 'workspaces/getone', { id: env.workspaceId }, { method: 'GET' })).name;
  await page.goto(`${env.weft.url}/a/${env.workspaceId}/settings/profile`);
  await page.getByRole('navigation', { name: 'Settings sections' }).getByRole('link', { name: 'Webhooks' }).click();
  await page.getByRole('heading', { name: 'Your outgoing webhooks' }).waitFor();
  assert.match(page.url(), /\/settings\/webhooks$/);
  await page.getByText('You have no outgoing webhooks.').waitFor();
  const form = page.getByRole('region', { name: 'Subscribe an address' });
  await form.getByText('--allow-webhooks-to').waitFor();
  assert.ok(!/\breply\b/i.test(await page.locator('.settings-view').innerText()), 'no “Reply” on the page');

  // An address in a range the operator did not allow: the server's reason, inline.
  const address = form.getByLabel('Address');
  await address.fill('http://10.0.0.1/hook');
  const [refused] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/api/v3/hooks/subscribe')),
    address.press('Enter'),
  ]);
  assert.equal(refused.status(), 400);
  const reason = (await refused.json()).error_string;
  assert.ok(reason, 'the server says why');
  await page.locator('#hook-status').getByText(reason).waitFor();
  assert.equal(await address.getAttribute('aria-invalid'), 'true');
  assert.deepEqual(await env.weft.api(env.admin.token, 'hooks/get', {}), []);
  await screenshot(page, 'settings-webhooks-refused-wide-light');

  // A loopback receiver (allowed for this server), new threads in the whole workspace, by keyboard.
  const target = `http://127.0.0.1:${receiver.address().port}/weft`;
  assert.equal(await form.getByLabel('Where').inputValue(), '', 'the whole workspace by default');
  await form.getByLabel('Event').selectOption({ label: 'New thread' });
  await address.fill(target);
  await address.press('Enter');
  const field = page.getByRole('textbox', { name: /Signing secret for/ });
  await field.waitFor();
  await page.getByText('Copy it now: it will not be shown again').waitFor();
  await page.getByRole('button', { name: 'Copy', exact: true }).waitFor();
  const secret = await field.inputValue();
  assert.match(secret, /^whsec_/);
  await screenshot(page, 'settings-webhooks-secret-wide-light');

  const list = page.getByRole('list', { name: 'Outgoing webhooks' });
  const row = list.getByRole('listitem').filter({ hasText: target }).first();
  await row.getByText(`New thread thread_added · All of ${wsName}`).waitFor();
  await row.getByText('Active').waitFor();

  // A thread posted: the receiver gets it, signed with that secret; the list shows the delivery.
  await env.weft.api(env.admin.token, 'threads/add', { channel_id: channelId, title: 'Build 42 passed', content: 'All green.' });
  const got = await until('the delivery', () => received.find((r) => r.body.includes('Build 42 passed')));
  const { 'webhook-id': id, 'webhook-timestamp': ts, 'webhook-signature': sig } = got.headers;
  const expected = createHmac('sha256', Buffer.from(secret.replace(/^whsec_/, ''), 'base64')).update(`${id}.${ts}.${got.body}`).digest('base64');
  assert.ok(sig.split(' ').includes(`v1,${expected}`), `signed with the secret shown: ${sig}`);
  await until('the delivery listed', async () => {
    const subs = await env.weft.api(env.admin.token, 'hooks/get', {});
    return subs[0]?.deliveries?.some((d) => d.state === 'delivered');
  });
  await page.reload();
  await row.getByText(/Delivered · HTTP 200/).waitFor();
  assert.equal(await page.getByRole('textbox', { name: /Signing secret for/ }).count(), 0, 'the secret is shown once');
  assert.ok(!(await page.content()).includes(secret), 'the secret is not on the page any more');

  // The same address, new comments in one channel: listed under it.
  await form.getByLabel('Event').selectOption('comment_added');
  await form.getByLabel('Where').selectOption({ index: 1 });
  const channelName = (await form.getByLabel('Where').locator('option:checked').innerText()).trim();
  await address.fill(target);
  await form.getByRole('button', { name: 'Subscribe' }).click();
  await row.getByText(`New comment comment_added · ${channelName}`).waitFor();
  await page.getByRole('button', { name: 'Done, hide it' }).click();
  assert.equal(await list.getByRole('listitem').filter({ hasText: target }).count(), 1, 'one address');
  assert.equal(await row.locator('.hook-sub').count(), 2, 'two subscriptions under it');

  assert.deepEqual(await audit(), []);
  await looks(page, 'settings-webhooks');

  // Unsubscribe, confirming first: dismissing keeps it, accepting stops it.
  page.once('dialog', (d) => d.dismiss());
  await row.getByRole('button', { name: `Unsubscribe ${target}` }).click();
  await page.waitForTimeout(200);
  assert.equal(await row.count(), 1, 'dismissed: still there');
  let question = '';
  page.once('dialog', (d) => {
    question = d.message();
    void d.accept();
  });
  await row.getByRole('button', { name: `Unsubscribe ${target}` }).click();
  await page.getByText('You have no outgoing webhooks.').waitFor();
  assert.ok(question.startsWith(`Unsubscribe ${target}?`), question);
  assert.deepEqual(await env.weft.api(env.admin.token, 'hooks/get', {}), []);
  await page.reload();
  await page.getByText('You have no outgoing webhooks.').waitFor();
  await looks(page, 'settings-webhooks-none');
});
