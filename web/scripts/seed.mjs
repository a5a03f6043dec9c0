// Seeds a running Weft with a small team, channels, threads and comments, for looking at
// the app (screenshots, manual testing). Development only.
//
//   node scripts/seed.mjs http://127.0.0.1:18431 /path/to/data-dir
//
// Accounts are created with `weft admin create-user` (the binary in WEFT_BIN, default
// `cargo run -q -p weft --`); every password is "correct horse battery".

import { execFileSync } from 'node:child_process';

const [base = 'http://127.0.0.1:18431', dataDir] = process.argv.slice(2);
const weft = (process.env.WEFT_BIN ?? 'cargo run -q -p weft --').split(' ');
const PASSWORD = 'correct horse battery';

const people = [
  { key: 'ana', name: 'Ana Lima', email: 'ana@example.com', tz: 'Europe/Lisbon', hours: ['09:00', '17:30'] },
  { key: 'bob', name: 'Bob Tanaka', email: 'bob@example.com', tz: 'Asia/Tokyo', hours: ['09:00', '17:00'] },
  { key: 'carla', name: 'Carla Mendes', email: 'carla@example.com', tz: 'America/New_York', hours: ['08:00', '16:00'] },
  { key: 'dev', name: 'Devi Rao', email: 'devi@example.com', tz: 'Asia/Kolkata', hours: ['10:00', '18:00'] },
];

async function api(token, path, body) {
  const r = await fetch(`${base}/api/v3/${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  const text = await r.text();
  if (!r.ok) throw new Error(`${path}: ${r.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

const tokens = {};
const ids = {};
for (const p of people) {
  try {
    execFileSync(weft[0], [...weft.slice(1), 'admin', 'create-user', ...(dataDir ? ['--data', dataDir] : []), '--email', p.email, '--name', p.name, '--password', PASSWORD, '--timezone', p.tz], { stdio: 'ignore' });
  } catch {
    // Already there.
  }
  const u = await api(null, 'users/login', { email: p.email, password: PASSWORD });
  tokens[p.key] = u.token;
  ids[p.key] = u.id;
  const weekdays = [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start: p.hours[0], end: p.hours[1] }));
  await api(u.token, 'schedules/update', { timezone: p.tz, working_hours: weekdays, delivery: 'each' });
}

const ana = (path, body) => api(tokens.ana, path, body);
const as = (who) => (path, body) => api(tokens[who], path, body);
const ws = await ana('workspaces/add', { name: 'Acme' });
for (const p of people.slice(1)) await ana('workspace_users/add', { id: ws.id, email: p.email });

const everyone = people.map((p) => ids[p.key]);
const product = await ana('channels/add', { workspace_id: ws.id, name: 'product', public: true, description: 'Plans, specs and launches', user_ids: everyone });
const design = await ana('channels/add', { workspace_id: ws.id, name: 'design', public: true, description: 'Critique and explorations', user_ids: everyone });
const pager = await ana('channels/add', { workspace_id: ws.id, name: 'pager', public: true, emergency: true, description: 'Production is down? Post here.', user_ids: everyone });
await ana('channels/add', { workspace_id: ws.id, name: 'leadership', public: false, user_ids: [ids.ana, ids.carla] });
await ana('channels/add', { workspace_id: ws.id, name: 'random', public: true, description: 'Everything else' });
await ana('channels/favorite', { id: product.id });
await ana('groups/add', { workspace_id: ws.id, name: 'design-team', user_ids: [ids.bob, ids.dev] });

const t1 = await as('carla')('threads/add', {
  channel_id: product.id,
  title: 'Q3 plan: what ships, what waits',
  content: 'Draft is in the doc. The short version:\n\n1. **Inbox snooze** ships first\n2. Working-hours editor next\n3. Search filters wait for Q4\n\nComments by Friday? I would like to lock it on Monday.',
  recipients: [ids.ana, ids.bob],
});
await as('bob')('comments/add', { thread_id: t1.id, content: 'Looks right to me. One question: does the editor need the DND blocks too, or can they come later?' });
await as('ana')('comments/add', { thread_id: t1.id, content: 'DND blocks can come later — the schedule API already has them, so it is UI work only.' });
await as('dev')('comments/add', { thread_id: t1.id, content: 'I can take the editor. `schedules/update` takes the whole week at once, so the form can be simple:\n\n```json\n{"working_hours": [{"weekday": 1, "start": "09:00", "end": "17:00"}]}\n```' });
await as('carla')('comments/add', { thread_id: t1.id, content: 'Great, thanks [Devi Rao](twist-mention://' + ids.dev + '). Locking it Monday unless someone objects.', recipients: [ids.ana] });
await as('bob')('reactions/add', { thread_id: t1.id, reaction: '👍' });
await as('dev')('reactions/add', { thread_id: t1.id, reaction: '👍' });

const t2 = await as('bob')('threads/add', {
  channel_id: design.id,
  title: 'New empty states for the inbox',
  content: 'Three options for "Inbox zero". I lean to the quiet one: no confetti, one line of text, a link to the channels.',
  recipients: [ids.ana],
});
await as('dev')('comments/add', { thread_id: t2.id, content: 'Quiet one. It matches "calm by default".' });

const t3 = await as('ana')('threads/add', { channel_id: product.id, title: 'Release notes for 0.9', content: 'Collecting the notes here. Add yours as a comment, one line each.' });
await as('ana')('threads/pin', { id: t3.id });
await as('carla')('comments/add', { thread_id: t3.id, content: 'Inbox: snooze until the next working day.', recipients: [ids.ana] });

const t4 = await as('dev')('threads/add', { channel_id: product.id, title: 'Hiring loop for the platform role', content: 'Proposal: two interviews plus a take-home, async review in this thread.', recipients: [ids.ana, ids.carla] });
await as('carla')('comments/add', { thread_id: t4.id, content: 'Fine by me; let us keep the take-home under three hours.' });

await as('carla')('threads/add', { channel_id: pager.id, title: 'Checkout errors at 2% (resolved)', content: 'Resolved at 14:20 UTC: a bad deploy, rolled back. Post-mortem to follow.', urgent: true, recipients: [ids.ana] });

const comment = await as('bob')('comments/add', { thread_id: t2.id, content: 'Here is a longer explanation with a link to the [style guide](https://example.com/style) and a list:\n\n- one line of text\n- a link to channels\n- nothing that blinks' });
await as('ana')('reactions/add', { comment_id: comment.id, reaction: '🎉' });

console.log(JSON.stringify({ workspace: ws.id, tokens, ids, threads: [t1.id, t2.id, t3.id, t4.id] }, null, 2));
