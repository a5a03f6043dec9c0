// API tokens: personal tokens for scripts and tools (api_tokens/get, add, remove). Each is
// named, read-only or read-write, and optionally kept to one workspace; it acts as me. Its
// secret is in the answer of api_tokens/add only, so it is shown here once, with a curl
// line to try it. Only a signed-in session manages tokens — this page is one.

import { useEffect, useRef, useState } from 'preact/hooks';
import { call, describeError } from '../../api/client';
import type { components } from '../../api/schema';
import { Icon } from '../../components/Icon';
import { Time } from '../../components/Time';
import { announce } from '../../state/announce';
import { app } from '../../state/app';
import { useSelect } from '../../state/observable';
import { showToast } from '../../state/toast';
import { SubmitRow, TextField, useSave } from './shared';

type ApiToken = components['schemas']['ApiToken'];
type Scope = components['schemas']['TokenScope'];

const SCOPES: Array<[Scope, string, string]> = [
  ['read', 'Read only', 'Reads threads, messages and people; changes nothing.'],
  ['write', 'Read and write', 'Also posts, edits and reacts, as you.'],
];

export const scopeLabel = (s: Scope) => SCOPES.find(([v]) => v === s)?.[1] ?? s;

export function TokensSection() {
  const workspaces = useSelect(app, (s) => s.workspaces);
  const [tokens, setTokens] = useState<ApiToken[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [version, setVersion] = useState(0);
  const [fresh, setFresh] = useState<ApiToken | null>(null);
  const [revokeError, setRevokeError] = useState<string | null>(null);

  useEffect(() => {
    setLoadError(null);
    call('api_tokens/get', {})
      .then(setTokens)
      .catch((e) => setLoadError(describeError(e)));
  }, [version]);

  const workspaceName = (id: number | null | undefined) =>
    id == null ? 'All workspaces' : (workspaces.find((w) => w.id === id)?.name ?? `Workspace ${id}`);

  const revoke = async (t: ApiToken) => {
    if (!window.confirm(`Revoke “${t.name}”? Scripts using it stop working at once. This cannot be undone.`)) return;
    setRevokeError(null);
    try {
      await call('api_tokens/remove', { id: t.id });
      setTokens((list) => list?.filter((x) => x.id !== t.id) ?? null);
      if (fresh?.id === t.id) setFresh(null);
      announce(`Revoked ${t.name}`);
    } catch (e) {
      const text = `Could not revoke “${t.name}”: ${describeError(e)}`;
      setRevokeError(text);
      announce(text);
    }
  };

  return (
    <>
      <section class="settings-card" aria-labelledby="tokens-title">
        <h2 id="tokens-title">Your API tokens</h2>
        <p class="settings-intro">
          A token lets a script or tool use Weft’s API as you, with <code>Authorization: Bearer</code>. Revoke one you
          no longer use; tokens cannot make other tokens or change your account.
        </p>
        {loadError && (
          <p class="error-banner" role="alert">
            Could not load your tokens: {loadError}{' '}
            <button type="button" class="link-button" onClick={() => setVersion((v) => v + 1)}>
              Retry
            </button>
          </p>
        )}
        {!tokens && !loadError && <p class="muted">Loading…</p>}
        {tokens && tokens.length === 0 && <p class="muted tokens-none">You have no API tokens.</p>}
        {tokens && tokens.length > 0 && (
          <ul class="admin-list" aria-label="API tokens">
            {tokens.map((t) => (
              <li key={t.id} class="admin-row token-row">
                <span class="admin-who">
                  <strong>{t.name}</strong>
                  <span class="muted">
                    {scopeLabel(t.scope)} · {workspaceName(t.workspace_id)}
                  </span>
                  <span class="muted">
                    Created <Time ts={t.created_ts} /> ·{' '}
                    {t.last_used_ts ? (
                      <>
                        Last used <Time ts={t.last_used_ts} />
                      </>
                    ) : (
                      'Never used'
                    )}
                  </span>
                </span>
                <span class="admin-controls">
                  <button type="button" class="btn btn-quiet btn-small" aria-label={`Revoke ${t.name}`} onClick={() => void revoke(t)}>
                    Revoke
                  </button>
                </span>
              </li>
            ))}
          </ul>
        )}
        {revokeError && (
          <p class="save-status is-error" role="alert">
            <Icon name="alert" size={14} /> {revokeError}
          </p>
        )}
      </section>
      <NewToken
        workspaces={workspaces}
        fresh={fresh}
        onMade={(t) => {
          setFresh(t);
          setTokens((list) => [t, ...(list ?? []).filter((x) => x.id !== t.id)]);
        }}
      />
    </>
  );
}

function NewToken({
  workspaces,
  fresh,
  onMade,
}: {
  workspaces: Array<{ id: number; name: string }>;
  fresh: ApiToken | null;
  onMade: (t: ApiToken) => void;
}) {
  const [name, setName] = useState('');
  const [scope, setScope] = useState<Scope>('read');
  const [workspace, setWorkspace] = useState('');
  const [invalid, setInvalid] = useState(false);
  const save = useSave();

  const submit = async (e: Event) => {
    e.preventDefault();
    const trimmed = name.trim();
    if (!trimmed) {
      setInvalid(true);
      save.fail('Give the token a name, e.g. what it is for.');
      return;
    }
    setInvalid(false);
    const made: { token?: ApiToken } = {};
    const ok = await save.run(async () => {
      made.token = await call('api_tokens/add', { name: trimmed, scope, workspace_id: workspace ? Number(workspace) : null });
    }, `Made “${trimmed}”`);
    if (ok && made.token) {
      onMade(made.token);
      setName('');
    }
  };

  return (
    <section class="settings-card" aria-labelledby="new-token-title">
      <h2 id="new-token-title">Make a token</h2>
      <form class="token-form" onSubmit={(e) => void submit(e)} noValidate>
        <TextField
          id="token-name"
          label="Name"
          placeholder="What it is for, e.g. CI reports"
          value={name}
          invalid={invalid}
          describedBy="token-status"
          onValue={(v) => {
            setName(v);
            setInvalid(false);
          }}
        />
        <fieldset class="choice-list">
          <legend class="settings-field-legend">What it may do</legend>
          {SCOPES.map(([value, title, text]) => (
            <label class={`choice ${scope === value ? 'is-on' : ''}`} key={value}>
              <input type="radio" name="token-scope" value={value} checked={scope === value} onChange={() => setScope(value)} />
              <span>
                <strong>{title}</strong>
                <span class="muted">{text}</span>
              </span>
            </label>
          ))}
        </fieldset>
        <div class="settings-field">
          <label for="token-workspace">Workspace</label>
          <select id="token-workspace" value={workspace} onChange={(e) => setWorkspace(e.currentTarget.value)}>
            <option value="">All workspaces</option>
            {workspaces.map((w) => (
              <option key={w.id} value={String(w.id)}>
                {w.name}
              </option>
            ))}
          </select>
        </div>
        <SubmitRow label="Make token" save={save} statusId="token-status" />
      </form>
      {fresh?.token && <FreshToken token={fresh} />}
    </section>
  );
}

/** The secret of the token just made, once, with a line of curl to try it. */
function FreshToken({ token }: { token: ApiToken }) {
  const secret = token.token!;
  // Focus moves to the secret (selected, scrolled into view): what to do next is copy it.
  const field = useRef<HTMLInputElement>(null);
  useEffect(() => {
    field.current?.focus();
    field.current?.scrollIntoView({ block: 'center' });
  }, [token.id]);
  const origin = location.origin;
  const example = `curl -s ${origin}/api/v3/users/get_session_user \\\n     -H "Authorization: Bearer ${secret}"`;
  const copy = (text: string, what: string) =>
    void navigator.clipboard?.writeText(text).then(
      () => showToast(`${what} copied`),
      () => showToast('Could not copy: select it and copy it yourself'),
    );
  return (
    <div class="fresh-link fresh-token" role="region" aria-labelledby="fresh-token-label">
      <label id="fresh-token-label" for="fresh-token">
        Your new token “{token.name}”
      </label>
      <div class="settings-row">
        <input
          id="fresh-token"
          ref={field}
          type="text"
          readOnly
          value={secret}
          spellcheck={false}
          autoComplete="off"
          aria-describedby="fresh-token-hint"
          onFocus={(e) => e.currentTarget.select()}
        />
        <button type="button" class="btn btn-quiet" onClick={() => copy(secret, 'Token')}>
          <Icon name="file" size={15} /> Copy
        </button>
      </div>
      <p id="fresh-token-hint" class="fresh-token-warning">
        <Icon name="alert" size={14} /> Copy it now: it will not be shown again.
      </p>
      <p class="settings-hint">Try it:</p>
      <pre class="token-example">
        <code>{example}</code>
      </pre>
    </div>
  );
}
