// The web app's budgets, measured in Chromium against a running, seeded Weft. Run by
// weft-bench's `web` scenario (crates/bench/src/web.rs), which seeds the data and passes:
//   WEFT_URL, WEFT_PASSWORD, WEFT_EMAIL_A, WEFT_EMAIL_B (two members of the thread's channel),
//   WEFT_TOKEN (A's bearer token, to post), WEFT_THREAD_ID, WEFT_THREAD_PATH (/a/…/t/…),
//   WEFT_THREAD_LAST (text of the thread's newest comment), WEFT_SAMPLES.
// Prints one JSON line: {inbox_cold_ms, inbox_ms: [...], thread_ms: [...], live_ms: [...]}.
//
// Times are taken inside the page (performance.now(), polled every animation frame), so they
// are what a person would see: from the start of the navigation (or the click) to the first
// frame that shows the content.

import { chromium } from 'playwright-core';

const env = process.env;
const base = env.WEFT_URL;
const samples = Number(env.WEFT_SAMPLES ?? 5);
const inboxRow = 'ul[aria-label="Inbox"] [data-nav-item]';

const browser = await chromium.launch({ executablePath: env.WEFT_CHROMIUM || '/usr/bin/chromium' });
const viewport = { width: 1280, height: 800 };

/** A page signed in through the real sign-in form. */
async function signedIn(email) {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  await page.goto(`${base}/login`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(env.WEFT_PASSWORD);
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/login')), page.getByRole('button', { name: 'Sign in' }).click()]);
  return page;
}

/** The first frame, after the navigation started, in which `selector` is visible. */
function firstFrameShowing(page, selector) {
  return page
    .waitForFunction(
      (sel) => {
        const el = document.querySelector(sel);
        return el && el.getClientRects().length > 0 ? performance.now() : false;
      },
      selector,
      { polling: 'raf', timeout: 30_000 },
    )
    .then((h) => h.jsonValue());
}

/** `/` loaded until the inbox shows its threads. */
async function inboxUsable(page) {
  await page.goto(`${base}/`, { waitUntil: 'commit' });
  return firstFrameShowing(page, inboxRow);
}

/** From a click on a link to the thread, in the open app, to the frame showing its newest comment. */
function openThread(page) {
  return page.evaluate(
    ({ path, last }) =>
      new Promise((resolve, reject) => {
        const link = document.createElement('a');
        link.href = path;
        link.textContent = 'thread';
        document.body.append(link);
        const started = performance.now();
        link.click();
        link.remove();
        const shows = () => {
          const hit = document.evaluate(`//*[contains(text(), "${last}")]`, document.body, null, XPathResult.FIRST_ORDERED_NODE_TYPE, null);
          const el = hit.singleNodeValue;
          return el instanceof Element && el.getClientRects().length > 0;
        };
        const give_up = started + 30_000;
        const frame = () => {
          if (shows()) resolve(performance.now() - started);
          else if (performance.now() > give_up) reject(new Error('the thread did not show its newest comment'));
          else requestAnimationFrame(frame);
        };
        requestAnimationFrame(frame);
      }),
    { path: env.WEFT_THREAD_PATH, last: env.WEFT_THREAD_LAST },
  );
}

const a = await signedIn(env.WEFT_EMAIL_A);

// Cold: a new browser context (empty cache) with A's session.
const cold = await browser.newContext({ viewport });
await cold.addCookies(await a.context().cookies());
const inbox_cold_ms = await inboxUsable(await cold.newPage());
await cold.close();

const inbox_ms = [];
for (let i = 0; i < samples; i++) inbox_ms.push(await inboxUsable(a));

const thread_ms = [];
for (let i = 0; i < samples; i++) {
  await inboxUsable(a);
  thread_ms.push(await openThread(a));
}

// Live: B has the thread open; A posts through the API; the time from the post's answer to
// the frame in B's page that shows it (both clocks are this machine's).
const b = await signedIn(env.WEFT_EMAIL_B);
await b.goto(`${base}${env.WEFT_THREAD_PATH}`);
await b.waitForFunction(
  (last) => document.evaluate(`//*[contains(text(), "${last}")]`, document.body, null, XPathResult.BOOLEAN_TYPE, null).booleanValue,
  env.WEFT_THREAD_LAST,
  { timeout: 30_000 },
);
const live_ms = [];
for (let i = 0; i < samples * 2; i++) {
  const text = `live-${i}-${Date.now()}`;
  const seen = b.waitForFunction(
    (t) =>
      document.evaluate(`//*[contains(text(), "${t}")]`, document.body, null, XPathResult.BOOLEAN_TYPE, null).booleanValue
        ? Date.now()
        : false,
    text,
    { polling: 'raf', timeout: 10_000 },
  );
  const response = await fetch(`${base}/api/v3/comments/add`, {
    method: 'POST',
    headers: { authorization: `Bearer ${env.WEFT_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ thread_id: Number(env.WEFT_THREAD_ID), content: text }),
  });
  if (!response.ok) throw new Error(`comments/add: ${response.status} ${await response.text()}`);
  const answered = Date.now();
  const shown = await (await seen).jsonValue();
  live_ms.push(Math.max(0, shown - answered));
}

await browser.close();
console.log(JSON.stringify({ inbox_cold_ms, inbox_ms, thread_ms, live_ms }));
