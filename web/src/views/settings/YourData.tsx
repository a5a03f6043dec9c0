// Your data: everything I wrote, the conversations I am in and my settings, as one JSON
// file to keep (users/export: format weft-personal-export, version 1). People own what
// they wrote.

import { useState } from 'preact/hooks';
import { call, describeError } from '../../api/client';
import { Icon } from '../../components/Icon';
import { downloadTextFile } from '../../download';
import { announce } from '../../state/announce';

type State = { kind: 'idle' } | { kind: 'busy' } | { kind: 'done'; text: string } | { kind: 'error'; text: string };

export function YourDataSection() {
  const [state, setState] = useState<State>({ kind: 'idle' });
  const download = async () => {
    setState({ kind: 'busy' });
    try {
      const file = await call('users/export', {});
      downloadTextFile(file);
      // A very large export is cut by the server's limits; the file says where.
      const complete = (JSON.parse(file.content) as { complete?: boolean }).complete !== false;
      const text = complete
        ? `Downloaded ${file.file_name}`
        : `Downloaded ${file.file_name} — it reached the size limit, so part of it is left out (the file lists what under “truncated”). An admin can export the whole workspace.`;
      setState({ kind: 'done', text });
      announce(text);
    } catch (e) {
      const text = `Could not export: ${describeError(e)}`;
      setState({ kind: 'error', text });
      announce(text);
    }
  };
  return (
    <section class="settings-card" aria-labelledby="your-data">
      <h2 id="your-data">Download your data</h2>
      <p class="settings-intro">
        One JSON file with your account and settings, every thread and comment you wrote, the conversations you are in
        with their messages, your reactions, and the names and links of the files you uploaded. It holds nothing of
        anyone else’s that you cannot read in Weft yourself.
      </p>
      <div class="settings-actions">
        <button type="button" class="btn btn-primary" onClick={() => void download()} disabled={state.kind === 'busy'} aria-describedby="export-status">
          <Icon name="download" size={15} /> {state.kind === 'busy' ? 'Preparing your file…' : 'Download my data'}
        </button>
        <Status state={state} />
      </div>
      <p class="settings-hint">Times are in UTC, as Unix seconds and as ISO 8601 dates.</p>
    </section>
  );
}

function Status({ state }: { state: State }) {
  if (state.kind === 'done') {
    return (
      <span id="export-status" class="save-status is-saved">
        <Icon name="check" size={14} /> {state.text}
      </span>
    );
  }
  if (state.kind === 'error') {
    return (
      <span id="export-status" class="save-status is-error">
        <Icon name="alert" size={14} /> {state.text}
      </span>
    );
  }
  return <span id="export-status" class="save-status" />;
}
