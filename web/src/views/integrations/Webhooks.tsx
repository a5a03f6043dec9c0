// A channel's incoming webhooks (incoming_webhooks/get, add, remove), opened from the
// channel's menu ("Webhooks…"): secret URLs tools post to without an account, each posting
// as its own bot. Members make them (not guests); the maker or an admin removes one. The URL
// is in the answer of incoming_webhooks/add only, so it is shown here once, with Copy and a
// curl line posting Slack's `{"text": …}` body to it.

import { useEffect, useState } from 'preact/hooks';
import { call, describeError } from '../../api/client';
import type { components } from '../../api/schema';
import type { Channel } from '../../api/types';
import { Dialog } from '../../components/Dialog';
import { Icon } from '../../components/Icon';
import { ListSkeleton } from '../../components/ListSkeleton';
import { Time } from '../../components/Time';
import { announce } from '../../state/announce';
import { amAdmin, app } from '../../state/app';
import { useSelect } from '../../state/observable';
import { SubmitRow, TextField, useSave } from '../settings/shared';
import { FreshSecret } from './FreshSecret';
import '../../styles/settings.css';

type Webhook = components['schemas']['IncomingWebhook'];

/** Whether I may make webhooks in a channel: a member who is not a guest. */
export function canMakeWebhooks(s: { me: { id: number } | null; users: Record<number, { user_type?: string } | undefined> }, channel: Channel): boolean {
  const me = s.me;
  return !!me && channel.user_ids.includes(me.id) && s.users[me.id]?.user_type !== 'GUEST';
}

export function WebhooksDialog({ channel, onClose }: { channel: Channel; onClose: () => void }) {
  return (
    <Dialog title={`Webhooks in #${channel.name}`} onClose={onClose} wide>
      <WebhooksPanel channel={channel} />
    </Dialog>
  );
}

export function WebhooksPanel({ channel }: { channel: Channel }) {
  const users = useSelect(app, (s) => s.users);
  const me = useSelect(app, (s) => s.me);
  const admin = useSelect(app, amAdmin);
  const [hooks, setHooks] = useState<Webhook[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [version, setVersion] = useState(0);
  const [fresh, setFresh] = useState<Webhook | null>(null);
  const [rowError, setRowError] = useState<string | null>(null);
  const [name, setName] = useState('');
  const [invalid, setInvalid] = useState(false);
  const save = useSave();

  useEffect(() => {
    setLoadError(null);
    call('incoming_webhooks/get', { channel_id: channel.id })
      .then((list) => setHooks(list.slice().sort((a, b) => b.created_ts - a.created_ts)))
      .catch((e) => setLoadError(describeError(e)));
  }, [channel.id, version]);

  const remove = async (h: Webhook) => {
    if (!window.confirm(`Remove the webhook “${h.name}”? Its URL stops working at once; its posts stay. This cannot be undone.`)) return;
    setRowError(null);
    try {
      await call('incoming_webhooks/remove', { id: h.id });
      setHooks((list) => list?.filter((x) => x.id !== h.id) ?? null);
      if (fresh?.id === h.id) setFresh(null);
      announce(`Removed ${h.name}`);
    } catch (e) {
      const text = `Could not remove “${h.name}”: ${describeError(e)}`;
      setRowError(text);
      announce(text);
    }
  };

  const submit = async (e: Event) => {
    e.preventDefault();
    const trimmed = name.trim();
    if (!trimmed) {
      setInvalid(true);
      save.fail('Give the webhook a name: it shows on its posts.');
      return;
    }
    setInvalid(false);
    const made: { hook?: Webhook } = {};
    const ok = await save.run(async () => {
      made.hook = await call('incoming_webhooks/add', { channel_id: channel.id, name: trimmed });
    }, `Made the webhook “${trimmed}”`);
    if (ok && made.hook) {
      const hook = made.hook;
      setFresh(hook);
      setHooks((list) => [hook, ...(list ?? []).filter((x) => x.id !== hook.id)]);
      setName('');
    }
  };

  const mayRemove = (h: Webhook) => admin || h.creator_id === me?.id;

  return (
    <div class="webhooks">
      <p class="settings-intro">
        A webhook is a secret URL that tools post to without an account, such as a build server saying how a build
        went. Each post opens a thread in #{channel.name}, by the webhook’s own name. Anyone with the URL can post: keep it
        secret, and remove a webhook no longer used.
      </p>
      {loadError && (
        <p class="error-banner" role="alert">
          Could not load the webhooks: {loadError}{' '}
          <button type="button" class="link-button" onClick={() => setVersion((v) => v + 1)}>
            Retry
          </button>
        </p>
      )}
      {!hooks && !loadError && <ListSkeleton />}
      {hooks && hooks.length === 0 && <p class="muted tokens-none">#{channel.name} has no webhooks.</p>}
      {hooks && hooks.length > 0 && (
        <ul class="admin-list" aria-label={`Webhooks in #${channel.name}`}>
          {hooks.map((h) => (
            <li key={h.id} class="admin-row token-row">
              <span class="admin-who">
                <strong>{h.name}</strong>
                <span class="muted">
                  Made by {users[h.creator_id]?.name ?? `person ${h.creator_id}`} <Time ts={h.created_ts} />
                </span>
                <span class="muted">
                  {h.last_used_ts ? (
                    <>
                      Last used <Time ts={h.last_used_ts} />
                    </>
                  ) : (
                    'Never used'
                  )}
                </span>
              </span>
              {mayRemove(h) && (
                <span class="admin-controls">
                  <button type="button" class="btn btn-quiet btn-small btn-danger-quiet" aria-label={`Remove ${h.name}`} onClick={() => void remove(h)}>
                    Remove
                  </button>
                </span>
              )}
            </li>
          ))}
        </ul>
      )}
      {rowError && (
        <p class="save-status is-error" role="alert">
          <Icon name="alert" size={14} /> {rowError}
        </p>
      )}
      <h3 class="webhooks-new-title" id="new-webhook-title">
        New webhook
      </h3>
      <form class="token-form" aria-labelledby="new-webhook-title" onSubmit={(e) => void submit(e)} noValidate>
        <TextField
          id="webhook-name"
          label="Name"
          placeholder="Shown on its posts, e.g. CI"
          value={name}
          invalid={invalid}
          describedBy="webhook-status"
          onValue={(v) => {
            setName(v);
            setInvalid(false);
          }}
        />
        <SubmitRow label="Make webhook" save={save} statusId="webhook-status" />
      </form>
      {fresh?.url && (
        <FreshSecret
          id="fresh-webhook-url"
          label={`URL of the webhook “${fresh.name}”`}
          secret={fresh.url}
          what="URL"
          example={`curl -s "${fresh.url}" \\\n     -H 'Content-Type: application/json' \\\n     -d '{"text": "Build 42 passed"}'`}
          onDone={() => setFresh(null)}
        />
      )}
    </div>
  );
}
