import { Dialog } from '../components/Dialog';
import { SHORTCUTS } from '../keyboard';

export function ShortcutsDialog({ onClose }: { onClose: () => void }) {
  return (
    <Dialog title="Keyboard shortcuts" onClose={onClose}>
      <dl class="shortcut-list">
        {SHORTCUTS.map(([keys, what]) => (
          <div class="shortcut" key={keys}>
            <dt>
              {keys.includes(' ')
                ? keys.split(' ').map((k, i) => (['then', 'or', '/', '+'].includes(k) ? <span key={i}> {k} </span> : <kbd key={i}>{k}</kbd>))
                : <kbd>{keys}</kbd>}
            </dt>
            <dd>{what}</dd>
          </div>
        ))}
      </dl>
      <p class="muted">Shortcuts do nothing while you type in a field; press Escape to leave it.</p>
    </Dialog>
  );
}
