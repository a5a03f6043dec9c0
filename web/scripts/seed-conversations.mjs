// Adds direct and group conversations, a do-not-disturb block and an away period to a
// server already filled by seed.mjs, for looking at the conversations, search and settings
// views. Development only.
//
//   node scripts/seed-conversations.mjs http://127.0.0.1:18431

const [base = 'http://127.0.0.1:18431'] = process.argv.slice(2);
const PASSWORD = 'correct horse battery';

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

const who = {};
for (const [key, email] of [['ana', 'ana@example.com'], ['bob', 'bob@example.com'], ['carla', 'carla@example.com'], ['dev', 'devi@example.com']]) {
  const u = await api(null, 'users/login', { email, password: PASSWORD });
  who[key] = { id: u.id, call: (path, body) => api(u.token, path, body) };
}
const ws = (await who.ana.call('workspaces/get', {}))[0].id;

const withBob = await who.ana.call('conversations/get_or_create', { workspace_id: ws, user_ids: [who.ana.id, who.bob.id] });
const say = (p, conversation, content) => who[p].call('conversation_messages/add', { conversation_id: conversation.id, content });
await say('ana', withBob, 'Morning Bob! Did you get a chance to look at the empty states?');
await say('ana', withBob, 'No rush — whenever your day starts.');
await say('bob', withBob, 'Yes, I left my notes in the **design** thread. The quiet one wins for me.');
await say('bob', withBob, 'One thing: the copy should say what to do next, not just "all done".');
const m = await say('ana', withBob, 'Agreed. I will update the plan and link it here:\n\n- copy first\n- then the illustration');
await who.bob.call('reactions/add', { message_id: m.id, reaction: '👍' });
await say('bob', withBob, 'Perfect, thanks!');

const trio = await who.carla.call('conversations/get_or_create', { workspace_id: ws, user_ids: [who.carla.id, who.ana.id, who.dev.id], title: '' });
await say('carla', trio, 'Quick one for the two of you: can we move the hiring sync to Thursday?');
await say('dev', trio, 'Thursday works. Afternoon for me is late evening for Ana though.');
await say('carla', trio, 'Then 14:00 UTC? That is 15:00 in Lisbon, 19:30 for Devi.');

const withCarla = await who.dev.call('conversations/get_or_create', { workspace_id: ws, user_ids: [who.dev.id, who.carla.id] });
await say('dev', withCarla, 'The take-home draft is ready for a look.');

// Ana focuses every weekday morning; Carla is away for a week.
await who.ana.call('schedules/update', { dnd: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start: '09:00', end: '10:30' })) });
const day = (offset) => new Date(Date.now() + offset * 86400_000).toISOString().slice(0, 10);
await who.carla.call('users/update', { away_mode: { type: 'vacation', date_from: day(-1), date_to: day(6), note: 'Hiking, no signal. Devi covers hiring.' } });

console.log(JSON.stringify({ workspace: ws, conversations: [withBob.id, trio.id, withCarla.id] }));
