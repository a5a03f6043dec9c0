import { useSelect } from '../state/observable';
import { dismissToast, toast } from '../state/toast';

export function ToastView() {
  const current = useSelect(toast, (t) => t);
  if (!current) return null;
  return (
    <div class="toast" role="status">
      <span>{current.text}</span>
      {current.action && (
        <button
          type="button"
          class="toast-action"
          onClick={() => {
            current.action!.run();
            dismissToast();
          }}
        >
          {current.action.label}
        </button>
      )}
      <button type="button" class="toast-close" aria-label="Dismiss" onClick={dismissToast}>
        ×
      </button>
    </div>
  );
}
