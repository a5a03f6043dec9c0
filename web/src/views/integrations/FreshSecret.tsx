// A secret just made (a bot's token, a webhook's URL), shown once: a read-only field that
// takes focus and selects itself, a Copy button, the warning that it will not be shown
// again, and a line of curl to try it. Like the personal API token's (settings/Tokens.tsx).

import { useEffect, useRef } from 'preact/hooks';
import { Icon } from '../../components/Icon';
import { showToast } from '../../state/toast';

export function copyText(text: string, what: string) {
  void navigator.clipboard?.writeText(text).then(
    () => showToast(`${what} copied`),
    () => showToast('Could not copy: select it and copy it yourself'),
  );
}

export function FreshSecret({
  id,
  label,
  secret,
  what,
  example,
  exampleLabel = 'Try it:',
  onDone,
}: {
  /** Prefix of the element ids; one per screen. */
  id: string;
  label: string;
  secret: string;
  /** What is copied, for the toast: "Token", "URL". */
  what: string;
  example: string;
  /** What the example shows; "Try it:" by default. */
  exampleLabel?: string;
  onDone?: () => void;
}) {
  const field = useRef<HTMLInputElement>(null);
  useEffect(() => {
    field.current?.focus();
    field.current?.scrollIntoView({ block: 'nearest' });
  }, [secret]);
  return (
    <div class="fresh-link fresh-token" role="region" aria-labelledby={`${id}-label`}>
      <label id={`${id}-label`} for={id}>
        {label}
      </label>
      <div class="settings-row">
        <input
          id={id}
          ref={field}
          type="text"
          readOnly
          value={secret}
          spellcheck={false}
          autoComplete="off"
          aria-describedby={`${id}-hint`}
          onFocus={(e) => e.currentTarget.select()}
        />
        <button type="button" class="btn btn-quiet" onClick={() => copyText(secret, what)}>
          <Icon name="file" size={15} /> Copy
        </button>
      </div>
      <p id={`${id}-hint`} class="fresh-token-warning">
        <Icon name="alert" size={14} /> Copy it now: it will not be shown again.
      </p>
      <p class="settings-hint">{exampleLabel}</p>
      <pre class="token-example">
        <code>{example}</code>
      </pre>
      {onDone && (
        <div>
          <button type="button" class="btn btn-quiet btn-small" onClick={onDone}>
            Done, hide it
          </button>
        </div>
      )}
    </div>
  );
}
