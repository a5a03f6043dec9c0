// Accessibility: axe-core audits the app's main screens (Decisions, Meetings and an agenda
// thread among them), their menus and dialogs, in dark, and finds no violation of impact
// "serious" or "critical" (lib/axe.mjs).

import { test, before, after } from 'node:test';
import { freshInstance } from './lib/weft.mjs';
import { seedWorkspace } from './lib/seed.mjs';
import { auditAppScreens } from './lib/axe.mjs';

let env;
let seeded;

before(async () => {
  env = await freshInstance();
  seeded = await seedWorkspace(env);
});

after(async () => {
  await env?.cleanup();
});

test(`the app's main screens have no serious or critical accessibility violation (dark)`, async (t) => {
  await auditAppScreens(env, seeded, 'dark', t);
});
