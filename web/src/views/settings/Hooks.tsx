// Outgoing webhooks: my subscriptions (hooks/get, subscribe, unsubscribe). Each sends one
// kind of event in a workspace or a channel (or a thread or conversation, made through the
// API) to an address of mine, signed with a secret that is in the answer of hooks/subscribe
// only, so it is shown here once. Listed by address, with each subscription's state (turned
// off after failing too often: subscribing again turns it back on) and its last deliveries.
// Unsubscribe stops everything sent to an address. Modeled on Tokens.tsx.

import { useEffect, useState } from 'preact/hooks';
import { call, describeError } from '../../api/client';
import type { components } from '../../api/schema';
import { Icon } from '../../components/Icon';
import { Time } from '../../components/Time';
import { announce } from '../../state/announce';
import { app } from '../../state/app';
import { useSelect } from '../../state/observable';
import { FreshSecret } from '../integrations/FreshSecret';
import { SubmitRow, TextField, useSave } from './shared';

type Subscription = components['schemas']['WebhookSubscription'];
type Delivery = components['schemas']['WebhookDelivery'];
type HookEvent = components['schemas']['HookEvent'];

/** Every kind of event the server sends, as people read them, grouped. */
const EVENTS: Array<[string, Array<[HookEvent, string]>]> = [
  [
    'Threads and comments',
    [
      ['thread_added', 'New thread'],
      ['thread_updated', 'Thread changed'],
      ['thread_deleted', 'Thread deleted'],
      ['comment_added', 'New comment'],
      ['comment_updated', 'Comment edited'],
      ['comment_deleted', 'Comment deleted'],
    ],
  ],
  [
    'Conversations',
    [
      ['message_added', 'New message'],
      ['message_updated', 'Message edited'],
      ['message_deleted', 'Message deleted'],
    ],
  ],
  [
    'Channels',
    [
      ['channel_added', 'New channel'],
      ['channel_updated', 'Channel changed'],
      ['channel_deleted', 'Channel deleted'],
      ['channel_user_added', 'Someone joins a channel'],
      ['channel_user_removed', 'Someone leaves a channel'],
    ],
  ],
  [
    'People and groups',
    [
      ['workspace_user_added', 'Someone joins the workspace'],
      ['workspace_user_updated', 'A member changes'],
      ['workspace_user_removed', 'Someone leaves the workspace'],
      ['group_added', 'New group'],
      ['group_updated', 'Group changed'],
      ['group_deleted', 'Group deleted'],
    ],
  ],
  ['Emergencies', [['emergency_raised', 'Emergency raised']]],
];

export const eventLabel = (e: string) => EVENTS.flatMap(([, list]) => list).find(([v]) => v === e)?.[1] ?? e;

const DELIVERY_STATES: Record<string, string> = {
  queued: 'Waiting to send',
  sending: 'Sending',
  delivered: 'Delivered',
  dropped: 'Not sent',
  abandoned: 'Given up',
};

/** How many deliveries each subscription shows. */
const SHOWN_DELIVERIES = 3;

export function HooksSection({ ws }: { ws: number }) {
  const workspaces = useSelect(app, (s) => s.workspaces);
  const channels = useSelect(app, (s) => s.channels);
  const [subs, setSubs] = useState<Subscription[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [version, setVersion] = useState(0);
  const [fresh, setFresh] = useState<Subscription | null>(null);
  const [rowError, setRowError] = useState<string | null>(null);

  useEffect(() => {
    setLoadError(null);
    call('hooks/get', {})
      .then(setSubs)
      .catch((e) => setLoadError(describeError(e)));
  }, [version]);

  const where = (s: Subscription) => {
    if (s.channel_id != null) return channels[s.channel_id] ? `#${channels[s.channel_id]!.name}` : `Channel ${s.channel_id}`;
    if (s.thread_id != null) return `Thread ${s.thread_id}`;
    if (s.conversation_id != null) return `Conversation ${s.conversation_id}`;
    const name = workspaces.find((w) => w.id === s.workspace_id)?.name;
    return name ? `All of ${name}` : `Workspace ${s.workspace_id}`;
  };

  // One entry per address: Unsubscribe stops everything sent there.
  const byAddress = new Map<string, Subscription[]>();
  for (const s of (subs ?? []).slice().sort((a, b) => b.created_ts - a.created_ts)) {
    byAddress.set(s.target_url, [...(byAddress.get(s.target_url) ?? []), s]);
  }

  const unsubscribe = async (url: string, count: number) => {
    const what = count === 1 ? 'Its events stop' : `Its ${count} subscriptions stop`;
    if (!window.confirm(`Unsubscribe ${url}? ${what} at once; deliveries not yet sent are dropped.`)) return;
    setRowError(null);
    try {
      await call('hooks/unsubscribe', { target_url: url });
      setSubs((list) => list?.filter((x) => x.target_url !== url) ?? null);
      if (fresh?.target_url === url) setFresh(null);
      announce(`Unsubscribed ${url}`);
    } catch (e) {
      const text = `Could not unsubscribe ${url}: ${describeError(e)}`;
      setRowError(text);
      announce(text);
    }
  };

  return (
    <>
      <section class="settings-card" aria-labelledby="hooks-title">
        <h2 id="hooks-title">Your outgoing webhooks</h2>
        <p class="settings-intro">
          Weft sends events as they happen to an address of yours, as JSON, signed with the subscription’s secret.
          Only what you may see goes out. Failed sends are tried again for days; after 8 failures in a row the
          subscription is turned off and you are told.
        </p>
        {loadError && (
          <p class="error-banner" role="alert">
            Could not load your webhooks: {loadError}{' '}
            <button type="button" class="link-button" onClick={() => setVersion((v) => v + 1)}>
              Retry
            </button>
          </p>
        )}
        {!subs && !loadError && <p class="muted">Loading…</p>}
        {subs && subs.length === 0 && <p class="muted tokens-none">You have no outgoing webhooks.</p>}
        {byAddress.size > 0 && (
          <ul class="admin-list" aria-label="Outgoing webhooks">
            {[...byAddress].map(([url, list]) => (
              <li key={url} class="admin-row token-row hook-row">
                <span class="admin-who">
                  <strong class="hook-url" title={url}>
                    {url}
                  </strong>
                  <ul class="hook-subs">
                    {list.map((s) => (
                      <HookSub key={s.id} sub={s} where={where(s)} />
                    ))}
                  </ul>
                </span>
                <span class="admin-controls">
                  <button
                    type="button"
                    class="btn btn-quiet btn-small"
                    aria-label={`Unsubscribe ${url}`}
                    onClick={() => void unsubscribe(url, list.length)}
                  >
                    Unsubscribe
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
      </section>
      <NewHook
        ws={ws}
        workspaceName={workspaces.find((w) => w.id === ws)?.name ?? 'this workspace'}
        channels={Object.values(channels)
          .filter((c): c is NonNullable<typeof c> => !!c && c.workspace_id === ws)
          .sort((a, b) => a.name.localeCompare(b.name))}
        fresh={fresh}
        onDone={() => setFresh(null)}
        onMade={(s) => {
          setFresh(s);
          const { secret: _secret, ...kept } = s;
          setSubs((list) => [kept, ...(list ?? []).filter((x) => x.id !== s.id)]);
          // The list from the server has its deliveries; the secret stays only in `fresh`.
          call('hooks/get', {})
            .then(setSubs)
            .catch(() => undefined);
        }}
      />
    </>
  );
}

/** One subscription at an address: its kind, where, state and last deliveries. */
function HookSub({ sub, where }: { sub: Subscription; where: string }) {
  const deliveries = (sub.deliveries ?? []).slice(0, SHOWN_DELIVERIES);
  return (
    <li class={`hook-sub ${sub.active ? '' : 'is-off'}`}>
      <span class="hook-what">
        {eventLabel(sub.event_type)} <code>{sub.event_type}</code> · {where}
      </span>
      {sub.active ? (
        <span class="hook-state">
          <span class="hook-dot is-on" aria-hidden="true" /> Active
          {sub.failures > 0 && ` · ${sub.failures} failed ${sub.failures === 1 ? 'try' : 'tries'} in a row`}
        </span>
      ) : (
        <span class="hook-state hook-off">
          <Icon name="alert" size={14} /> Turned off
          {sub.disabled_ts ? (
            <>
              {' '}
              <Time ts={sub.disabled_ts} />
            </>
          ) : null}{' '}
          after {sub.failures} failed {sub.failures === 1 ? 'try' : 'tries'} in a row. Subscribe again to turn it back on.
        </span>
      )}
      {deliveries.length > 0 ? (
        <ul class="hook-deliveries" aria-label={`Last deliveries of ${eventLabel(sub.event_type)}`}>
          {deliveries.map((d) => (
            <DeliveryRow key={d.id} d={d} />
          ))}
        </ul>
      ) : (
        <span class="muted hook-none">Nothing sent yet.</span>
      )}
    </li>
  );
}

function DeliveryRow({ d }: { d: Delivery }) {
  const ok = d.state === 'delivered';
  const bad = d.state === 'dropped' || d.state === 'abandoned' || (d.last_status != null && !ok);
  return (
    <li class={`hook-delivery ${ok ? 'is-ok' : bad ? 'is-bad' : ''}`}>
      <span class="hook-delivery-state">{DELIVERY_STATES[d.state] ?? d.state}</span>
      {d.last_status != null && <span> · HTTP {d.last_status}</span>}
      {d.attempts > 1 && <span> · {d.attempts} tries</span>}
      <span>
        {' '}
        · <Time ts={d.finished_ts ?? d.created_ts} />
      </span>
      {d.last_error && !ok && <span class="hook-error"> · {d.last_error}</span>}
    </li>
  );
}

function NewHook({
  ws,
  workspaceName,
  channels,
  fresh,
  onMade,
  onDone,
}: {
  ws: number;
  workspaceName: string;
  channels: Array<{ id: number; name: string }>;
  fresh: Subscription | null;
  onMade: (s: Subscription) => void;
  onDone: () => void;
}) {
  const [url, setUrl] = useState('');
  const [event, setEvent] = useState<HookEvent>('thread_added');
  const [place, setPlace] = useState('');
  const [invalid, setInvalid] = useState(false);
  const save = useSave();

  const submit = async (e: Event) => {
    e.preventDefault();
    const trimmed = url.trim();
    if (!/^https?:\/\/\S+$/i.test(trimmed)) {
      setInvalid(true);
      save.fail('Give the address events go to, starting with https:// or http://.');
      return;
    }
    setInvalid(false);
    const made: { sub?: Subscription } = {};
    const ok = await save.run(async () => {
      made.sub = await call('hooks/subscribe', {
        target_url: trimmed,
        event_type: event,
        ...(place ? { channel_id: Number(place) } : { workspace_id: ws }),
      });
    }, `Subscribed ${trimmed} to ${eventLabel(event).toLowerCase()}`);
    if (ok && made.sub) {
      onMade(made.sub);
      setUrl('');
    } else if (!ok) {
      setInvalid(true);
    }
  };

  return (
    <section class="settings-card" aria-labelledby="new-hook-title">
      <h2 id="new-hook-title">Subscribe an address</h2>
      <form class="token-form" onSubmit={(e) => void submit(e)} noValidate>
        <TextField
          id="hook-url"
          label="Address"
          type="url"
          url
          maxLength={2000}
          placeholder="https://ci.example.com/weft"
          value={url}
          invalid={invalid}
          describedBy="hook-status hook-reach"
          onValue={(v) => {
            setUrl(v);
            setInvalid(false);
          }}
        />
        <div class="settings-field">
          <label for="hook-event">Event</label>
          <select id="hook-event" value={event} onChange={(e) => setEvent(e.currentTarget.value as HookEvent)}>
            {EVENTS.map(([group, list]) => (
              <optgroup key={group} label={group}>
                {list.map(([value, label]) => (
                  <option key={value} value={value}>
                    {label}
                  </option>
                ))}
              </optgroup>
            ))}
          </select>
        </div>
        <div class="settings-field">
          <label for="hook-place">Where</label>
          <select id="hook-place" value={place} onChange={(e) => setPlace(e.currentTarget.value)}>
            <option value="">All of {workspaceName}</option>
            {channels.length > 0 && (
              <optgroup label="One channel">
                {channels.map((c) => (
                  <option key={c.id} value={String(c.id)}>
                    #{c.name}
                  </option>
                ))}
              </optgroup>
            )}
          </select>
        </div>
        <SubmitRow label="Subscribe" save={save} statusId="hook-status" />
        <p id="hook-reach" class="settings-hint hook-reach">
          The server only sends to addresses its operator allows: public ones, and private or loopback ranges only
          when started with <code>--allow-webhooks-to</code>.
        </p>
      </form>
      {fresh?.secret && (
        <FreshSecret
          id="fresh-hook-secret"
          label={`Signing secret for ${fresh.target_url}`}
          secret={fresh.secret}
          what="Secret"
          exampleLabel="Check a delivery’s signature (Standard Webhooks): compare with the webhook-signature header after “v1,”"
          example={signatureExample(fresh.secret)}
          onDone={onDone}
        />
      )}
    </section>
  );
}

/** A shell line computing the signature a delivery should carry, with this secret. */
function signatureExample(secret: string): string {
  const key = secret.replace(/^whsec_/, '');
  return (
    `printf '%s' "$WEBHOOK_ID.$WEBHOOK_TIMESTAMP.$BODY" \\\n` +
    `  | openssl dgst -sha256 -binary -mac HMAC \\\n` +
    `      -macopt hexkey:$(printf '%s' '${key}' | base64 -d | od -An -tx1 | tr -d ' \\n') \\\n` +
    `  | base64`
  );
}
