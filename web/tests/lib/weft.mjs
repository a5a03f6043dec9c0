// Helpers for Weft's browser tests: a fresh Weft server per test file, Debian's Chromium
// driven by playwright-core, the first account made through the real setup form, more
// people made with the CLI and added to the workspace through the API, screenshots.
//
// Everything talks to 127.0.0.1 only. Processes are started here and stopped here, by PID.

import { spawn, execFile } from 'node:child_process';
import net from 'node:net';
import { mkdtemp, rm, mkdir, readdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { chromium } from 'playwright-core';

const execFileP = promisify(execFile);
const here = path.dirname(fileURLToPath(import.meta.url));
/** The repository's root (web/tests/lib/ is three levels down). */
export const repoRoot = path.resolve(here, '../../..');
export const screenshotDir = path.join(repoRoot, 'target', 'screenshots');
export const axePath = path.join(here, '..', 'node_modules', 'axe-core', 'axe.min.js');

/** The first account every test file makes through /setup. */
export const ADMIN = Object.freeze({
  name: 'Ana Lima',
  email: 'ana@acme.test',
  password: 'correct horse battery',
  timezone: 'Europe/Lisbon',
  workspace: 'Acme',
});

/** How long a user-visible condition may take before a test gives up. */
export const WAIT = 10_000;

function weftBin() {
  const bin = process.env.WEFT_BIN;
  if (!bin) throw new Error('WEFT_BIN must name the weft binary (cargo test sets it; or target/debug/weft)');
  if (!existsSync(bin)) throw new Error(`WEFT_BIN=${bin} does not exist`);
  return bin;
}

/** Processes still running, killed by PID if this test process exits without stopping them. */
const running = new Set();
// A run stopped from outside still stops its servers (the 'exit' handler below runs).
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => process.exit(130));
process.on('exit', () => {
  for (const child of running) {
    try {
      process.kill(child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

/**
 * Starts `weft serve` on a free loopback port with a fresh data directory.
 * Answers { url, dataDir, stop(), api(), cli(), log() }.
 */
export async function startWeft({ extraArgs = [] } = {}) {
  const bin = weftBin();
  const dataDir = await mkdtemp(path.join(tmpdir(), 'weft-browser-'));
  const child = spawn(bin, ['serve', '--data', dataDir, '--listen', '127.0.0.1:0', ...extraArgs], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, WEFT_LOG: process.env.WEFT_LOG ?? 'warn' },
  });
  running.add(child);
  let output = '';
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (d) => (output += d));
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`weft did not say where it listens in 20 s:\n${output}`)), 20_000);
    child.stdout.on('data', (d) => {
      output += d;
      const m = /Weft \S+ is listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`weft exited (${code}) before listening:\n${output}`));
    });
  });
  const exited = new Promise((resolve) => child.on('exit', resolve));

  const server = {
    url,
    dataDir,
    log: () => output,
    /** Stops the server (SIGTERM, then SIGKILL after 5 s) and removes its data. */
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        process.kill(child.pid, 'SIGTERM');
        const timer = setTimeout(() => child.exitCode === null && process.kill(child.pid, 'SIGKILL'), 5_000);
        await exited;
        clearTimeout(timer);
      }
      running.delete(child);
      await rm(dataDir, { recursive: true, force: true });
    },
    /** Runs `weft <args…> --data <dir>` (admin commands work while the server runs). */
    async cli(...args) {
      const { stdout } = await execFileP(bin, [...args, '--data', dataDir], { timeout: 30_000 });
      return stdout;
    },
    /**
     * Calls the API with a bearer token (or none); answers the parsed JSON and throws on an
     * error status unless `expectStatus` says which one is wanted.
     */
    async api(token, endpoint, body, { method = 'POST', expectStatus } = {}) {
      const headers = { 'content-type': 'application/json' };
      if (token) headers.authorization = `Bearer ${token}`;
      let target = `${url}/api/v3/${endpoint}`;
      const init = { method, headers };
      if (method === 'GET') {
        if (body) target += `?${new URLSearchParams(Object.entries(body).map(([k, v]) => [k, typeof v === 'object' ? JSON.stringify(v) : String(v)]))}`;
      } else {
        init.body = JSON.stringify(body ?? {});
      }
      const r = await fetch(target, init);
      const text = await r.text();
      const json = text ? JSON.parse(text) : null;
      if (expectStatus !== undefined) {
        if (r.status !== expectStatus) throw new Error(`${endpoint}: expected ${expectStatus}, got ${r.status} ${text}`);
      } else if (!r.ok) {
        throw new Error(`${endpoint} failed: ${r.status} ${text}`);
      }
      return json;
    },
    /**
     * Runs SQL on the data directory's SQLite database with the `sqlite3` command, for what
     * the API rightly refuses and a test needs: moving a meeting or a due date into the
     * past, as if time had passed. Answers false (doing nothing) without `sqlite3`, and the
     * test skips itself — unless WEFT_REQUIRE_BROWSER=1 (CI, which installs sqlite3): then
     * a missing command or database fails, so that nothing is skipped unnoticed.
     */
    async sql(statements) {
      const sqlite = process.env.WEFT_SQLITE3 || '/usr/bin/sqlite3';
      const file = (await readdir(dataDir)).find((n) => /\.(db|sqlite3?)$/.test(n));
      if (!existsSync(sqlite) || !file) {
        if (process.env.WEFT_REQUIRE_BROWSER === '1') {
          throw new Error(
            !existsSync(sqlite)
              ? `WEFT_REQUIRE_BROWSER=1 and no sqlite3 command at ${sqlite} (install sqlite3, or name it with WEFT_SQLITE3)`
              : `WEFT_REQUIRE_BROWSER=1 and no SQLite database in ${dataDir}`,
          );
        }
        return false;
      }
      await execFileP(sqlite, [path.join(dataDir, file), `PRAGMA busy_timeout = 5000; ${statements}`], { timeout: 30_000 });
      return true;
    },
    /** A bearer token for an account. */
    async token(email, password) {
      const answer = await server.api(null, 'users/login', { email, password });
      return answer.token;
    },
    /**
     * Makes an account with the CLI and, when `workspaceId` and `adminToken` are given,
     * invites it to that workspace and accepts. Answers { id, name, email, password, token }.
     */
    async addPerson({ name, email, password = 'another good password', timezone = 'UTC', workspaceId, adminToken }) {
      await server.cli('admin', 'create-user', '--email', email, '--name', name, '--password', password, '--timezone', timezone);
      const token = await server.token(email, password);
      const me = await server.api(token, 'users/get_session_user', null, { method: 'GET' });
      if (workspaceId && adminToken) {
        // Added by an admin, a person is invited: a member once they accept.
        await server.api(adminToken, 'workspace_users/add', { id: workspaceId, email });
        await server.api(token, 'workspace_users/accept_invite', { id: workspaceId });
      }
      return { id: me.id, name, email, password, token };
    },
  };
  return server;
}

/** Debian's Chromium (or WEFT_CHROMIUM), headless. */
export async function launchBrowser() {
  return chromium.launch({ executablePath: process.env.WEFT_CHROMIUM || '/usr/bin/chromium' });
}

/**
 * A new browser context that fails the test on page errors it collects: `context.problems`
 * lists uncaught exceptions and console errors (CSP violations among them).
 */
export async function newContext(browser, options = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, ...options });
  context.setDefaultTimeout(WAIT);
  context.problems = [];
  context.on('page', (page) => watchPage(context, page));
  return context;
}

function watchPage(context, page) {
  page.on('pageerror', (e) => context.problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') context.problems.push(`console error: ${m.text()}`);
  });
}

/**
 * Fills the real setup form on a fresh instance (`/` leads there) and submits it.
 * Leaves the page in the app, signed in.
 */
export async function setUpThroughForm(page, base, account = ADMIN) {
  await page.goto(`${base}/`);
  await page.waitForURL(`${base}/setup`);
  await page.getByLabel('Your name').fill(account.name);
  await page.getByLabel('Email').fill(account.email);
  await page.getByLabel('Password').fill(account.password);
  await page.getByLabel('Time zone').fill(account.timezone);
  await page.getByLabel('Workspace name').fill(account.workspace);
  await page.getByRole('button', { name: 'Create account and workspace' }).click();
  await page.waitForURL((u) => u.pathname !== '/setup');
}

/** Signs in through the real /login form; the page ends wherever the form leads. */
export async function signInThroughForm(page, base, { email, password }, next) {
  await page.goto(next ? `${base}/login?next=${encodeURIComponent(next)}` : `${base}/login`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/**
 * A fresh instance with the first account made through the setup form: answers
 * { weft, browser, context, page, admin: {…ADMIN, id, token}, workspaceId, cleanup() }.
 * `extraArgs` go to `weft serve` (e.g. `mailArgs(sink)` from smtp.mjs).
 */
export async function freshInstance({ extraArgs = [] } = {}) {
  const weft = await startWeft({ extraArgs });
  let browser;
  try {
    browser = await launchBrowser();
    const context = await newContext(browser);
    const page = await context.newPage();
    await setUpThroughForm(page, weft.url);
    const token = await weft.token(ADMIN.email, ADMIN.password);
    const me = await weft.api(token, 'users/get_session_user', null, { method: 'GET' });
    const ws = await weft.api(token, 'workspaces/get_default', null, { method: 'GET' });
    return {
      weft,
      browser,
      context,
      page,
      admin: { ...ADMIN, id: me.id, token },
      workspaceId: ws.id,
      async cleanup() {
        await browser.close().catch(() => undefined);
        await weft.stop();
      },
    };
  } catch (e) {
    await browser?.close().catch(() => undefined);
    await weft.stop();
    throw e;
  }
}

/** Saves a screenshot as target/screenshots/<name>.png. */
export async function screenshot(page, name) {
  await mkdir(screenshotDir, { recursive: true });
  await page.screenshot({ path: path.join(screenshotDir, `${name}.png`), fullPage: false });
}

/** Screenshots of the page as it is now in its four looks (light and dark, wide and phone),
 *  failing if it spills sideways on the phone; leaves it wide and light. */
export async function looks(page, name) {
  await screenshot(page, `${name}-wide-light`);
  await page.emulateMedia({ colorScheme: 'dark' });
  await screenshot(page, `${name}-wide-dark`);
  await page.setViewportSize({ width: 390, height: 844 });
  await screenshot(page, `${name}-phone-dark`);
  await page.emulateMedia({ colorScheme: 'light' });
  await screenshot(page, `${name}-phone-light`);
  const spills = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
  if (spills) throw new Error(`${name}: the page spills sideways on a phone`);
  await page.setViewportSize({ width: 1280, height: 800 });
}

/** Calls the API at `base` as a script would, with a bearer token; answers the status and
 *  the JSON. */
export async function withToken(base, token, endpoint, body) {
  const r = await fetch(`${base}/api/v3/${endpoint}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body ?? {}),
  });
  const text = await r.text();
  return { status: r.status, json: text ? JSON.parse(text) : null };
}

/** The four looks of a screen: light and dark, wide (1280×800) and phone (390×844). */
export const LOOKS = [
  { name: 'wide-light', viewport: { width: 1280, height: 800 }, colorScheme: 'light' },
  { name: 'wide-dark', viewport: { width: 1280, height: 800 }, colorScheme: 'dark' },
  { name: 'phone-light', viewport: { width: 390, height: 844 }, colorScheme: 'light', isMobile: true, hasTouch: true },
  { name: 'phone-dark', viewport: { width: 390, height: 844 }, colorScheme: 'dark', isMobile: true, hasTouch: true },
];

/**
 * A loopback TCP proxy in front of Weft whose connections can be cut, as a network drop
 * cuts them: the browser's open event stream dies with them (Chromium's offline mode alone
 * leaves an open stream running). Answers { url, cut(), close() }.
 */
export async function startProxy(targetUrl) {
  const target = new URL(targetUrl);
  const sockets = new Set();
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port), target.hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => undefined);
    }
    client.pipe(upstream);
    upstream.pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    /** Drops every open connection. */
    cut() {
      for (const s of sockets) s.destroy();
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/**
 * Polls `check` (async, answers truthy when satisfied) until it holds or `timeout` ms pass;
 * for conditions on the server that a page's optimistic display runs ahead of.
 */
export async function eventually(check, message, timeout = WAIT) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    last = await check();
    if (last) return last;
    if (Date.now() > deadline) throw new Error(`not so after ${timeout} ms: ${message}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
