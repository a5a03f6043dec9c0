// The workspace's bots (Workspace settings → Integrations, admins): accounts scripts act as,
// by a token kept to this workspace (bots/get, add, new_token, remove). A new bot's token and
// a replaced one are in the answer only, so they are shown here once, with a curl line to
// try them. Incoming webhooks are a channel's: each channel's menu has "Webhooks".

import { useEffect, useState } from 'preact/hooks';
import { call, describeError } from '../../api/client';
import type { components } from '../../api/schema';
import { Icon } from '../../components/Icon';
import { ListSkeleton } from '../../components/ListSkeleton';
import { Time } from '../../components/Time';
import { announce } from '../../state/announce';
import { app } from '../../state/app';
import { useSelect } from '../../state/observable';
import { FreshSecret } from '../integrations/FreshSecret';
import { SubmitRow, TextField, useSave } from '../settings/shared';

type Bot = components['schemas']['Bot'];

export function BotsSection({ ws }: { ws: number }) {
  const users = useSelect(app, (s) => s.users);
  const [bots, setBots] = useState<Bot[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [version, setVersion] = useState(0);
  const [fresh, setFresh] = useState<Fresh | null>(null);
  const [rowError, setRowError] = useState<string | null>(null);

  useEffect(() => {
    setLoadError(null);
    call('bots/get', { workspace_id: ws })
      .then((list) => setBots(list.slice().sort((a, b) => b.created_ts - a.created_ts)))
      .catch((e) => setLoadError(describeError(e)));
  }, [ws, version]);

  const ownerName = (id: number) => users[id]?.name ?? `Person ${id}`;

  const newToken = async (b: Bot) => {
    if (!window.confirm(`Make a new token for “${b.user.name}”? Its current token stops working at once.`)) return;
    setRowError(null);
    try {
      const { token } = await call('bots/new_token', { id: b.user.id });
      setFresh({ id: b.user.id, name: b.user.name, token });
      announce(`New token for ${b.user.name}`);
    } catch (e) {
      const text = `Could not make a new token for “${b.user.name}”: ${describeError(e)}`;
      setRowError(text);
      announce(text);
    }
  };

  const remove = async (b: Bot) => {
    if (!window.confirm(`Remove the bot “${b.user.name}”? Its token stops working at once; its posts stay. This cannot be undone.`)) return;
    setRowError(null);
    try {
      await call('bots/remove', { id: b.user.id });
      setBots((list) => list?.filter((x) => x.user.id !== b.user.id) ?? null);
      if (fresh?.id === b.user.id) setFresh(null);
      announce(`Removed ${b.user.name}`);
    } catch (e) {
      const text = `Could not remove “${b.user.name}”: ${describeError(e)}`;
      setRowError(text);
      announce(text);
    }
  };

  return (
    <>
      <section class="settings-card" aria-labelledby="bots-title">
        <h2 id="bots-title">Bots</h2>
        <p class="settings-intro">
          A bot is an account a script acts as, with its own name on its posts and a token kept to this workspace. Add it
          to the channels it works in. Incoming webhooks belong to a channel: find them in the channel’s menu, under
          Webhooks.
        </p>
        {loadError && (
          <p class="error-banner" role="alert">
            Could not load the bots: {loadError}{' '}
            <button type="button" class="link-button" onClick={() => setVersion((v) => v + 1)}>
              Retry
            </button>
          </p>
        )}
        {!bots && !loadError && <ListSkeleton />}
        {bots && bots.length === 0 && <p class="muted tokens-none">This workspace has no bots.</p>}
        {bots && bots.length > 0 && (
          <ul class="admin-list" aria-label="Bots">
            {bots.map((b) => (
              <li key={b.user.id} class="admin-row token-row">
                <span class="admin-who">
                  <strong>{b.user.name}</strong>
                  <span class="muted">
                    Owner: {ownerName(b.owner_id)} · Created <Time ts={b.created_ts} />
                  </span>
                </span>
                <span class="admin-controls">
                  <button type="button" class="btn btn-quiet btn-small" aria-label={`New token for ${b.user.name}`} onClick={() => void newToken(b)}>
                    New token
                  </button>
                  <button type="button" class="btn btn-quiet btn-small btn-danger-quiet" aria-label={`Remove ${b.user.name}`} onClick={() => void remove(b)}>
                    Remove
                  </button>
                </span>
              </li>
            ))}
          </ul>
        )}
        {rowError && (
          <p class="save-status is-error" role="alert">
            <Icon name="alert" size={14} /> {rowError}
          </p>
        )}
        {fresh && !fresh.made && <BotToken fresh={fresh} onDone={() => setFresh(null)} />}
      </section>
      <NewBot
        ws={ws}
        onMade={(b, token) => {
          setBots((list) => [b, ...(list ?? []).filter((x) => x.user.id !== b.user.id)]);
          setFresh({ id: b.user.id, name: b.user.name, token, made: true });
        }}
        fresh={fresh?.made ? fresh : null}
        onDone={() => setFresh(null)}
      />
    </>
  );
}

/** A token just made: for a new bot (`made`) or replacing a bot's. */
type Fresh = { id: number; name: string; token: string; made?: boolean };

function BotToken({ fresh, onDone }: { fresh: Fresh; onDone: () => void }) {
  const example = `curl -s ${location.origin}/api/v3/users/get_session_user \\\n     -H "Authorization: Bearer ${fresh.token}"`;
  return (
    <FreshSecret
      id="fresh-bot-token"
      label={`Token for the bot “${fresh.name}”`}
      secret={fresh.token}
      what="Token"
      example={example}
      onDone={onDone}
    />
  );
}

function NewBot({ ws, onMade, fresh, onDone }: { ws: number; onMade: (b: Bot, token: string) => void; fresh: Fresh | null; onDone: () => void }) {
  const [name, setName] = useState('');
  const [invalid, setInvalid] = useState(false);
  const save = useSave();

  const submit = async (e: Event) => {
    e.preventDefault();
    const trimmed = name.trim();
    if (!trimmed) {
      setInvalid(true);
      save.fail('Give the bot a name: it shows on its posts.');
      return;
    }
    setInvalid(false);
    const made: { bot?: Bot; token?: string } = {};
    const ok = await save.run(async () => {
      const answer = await call('bots/add', { workspace_id: ws, name: trimmed });
      made.bot = { user: answer.user, owner_id: answer.owner_id, workspace_id: answer.workspace_id, created_ts: Math.floor(Date.now() / 1000) };
      made.token = answer.token;
    }, `Made the bot “${trimmed}”`);
    if (ok && made.bot && made.token) {
      onMade(made.bot, made.token);
      setName('');
    }
  };

  return (
    <section class="settings-card" aria-labelledby="new-bot-title">
      <h2 id="new-bot-title">New bot</h2>
      <form class="token-form" onSubmit={(e) => void submit(e)} noValidate>
        <TextField
          id="bot-name"
          label="Name"
          placeholder="Shown on its posts, e.g. Deploys"
          value={name}
          invalid={invalid}
          describedBy="bot-status"
          onValue={(v) => {
            setName(v);
            setInvalid(false);
          }}
        />
        <SubmitRow label="Make bot" save={save} statusId="bot-status" />
      </form>
      {fresh && <BotToken fresh={fresh} onDone={onDone} />}
    </section>
  );
}
