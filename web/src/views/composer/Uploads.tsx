// Files in the composer: picked, dropped or pasted, each uploaded at once with its progress,
// cancellable while it runs and retryable when it fails. Only uploaded files go with the
// post; Send waits while any is still uploading.

import type { RefObject } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { describeError } from '../../api/client';
import { fileSize, newAttachmentId, upload, type Attachment } from '../../api/upload';
import { Icon } from '../../components/Icon';
import { announce } from '../../state/announce';

export interface Upload {
  id: string;
  file: File;
  progress: number;
  state: 'uploading' | 'done' | 'failed';
  error?: string;
  attachment?: Attachment;
}

/** The uploads of one composer, and what to do with them. */
export function useUploads() {
  const [uploads, setUploads] = useState<Upload[]>([]);
  const controllers = useRef(new Map<string, AbortController>());
  useEffect(() => () => controllers.current.forEach((c) => c.abort()), []);

  const set = (id: string, change: Partial<Upload>) => setUploads((list) => list.map((u) => (u.id === id ? { ...u, ...change } : u)));

  const start = (file: File, id = newAttachmentId()) => {
    const controller = new AbortController();
    controllers.current.set(id, controller);
    setUploads((list) => [...list.filter((u) => u.id !== id), { id, file, progress: 0, state: 'uploading' }]);
    upload(file, id, (progress) => set(id, { progress }), controller.signal)
      .then((attachment) => {
        set(id, { state: 'done', progress: 1, attachment });
        announce(`${file.name} attached`);
      })
      .catch((e) => {
        if (e instanceof DOMException && e.name === 'AbortError') return;
        set(id, { state: 'failed', error: describeError(e) });
        announce(`Could not attach ${file.name}: ${describeError(e)}`);
      })
      .finally(() => controllers.current.delete(id));
  };

  return {
    uploads,
    busy: uploads.some((u) => u.state === 'uploading'),
    attachments: uploads.flatMap((u) => (u.attachment ? [u.attachment] : [])),
    add: (files: Iterable<File>) => {
      for (const f of files) start(f);
    },
    retry: (u: Upload) => start(u.file, u.id),
    remove: (u: Upload) => {
      controllers.current.get(u.id)?.abort();
      setUploads((list) => list.filter((x) => x.id !== u.id));
    },
    clear: () => setUploads([]),
  };
}

export type Uploads = ReturnType<typeof useUploads>;

/**
 * Files dropped on or pasted into a composer's form go to its uploads: the form's event
 * handlers, and whether files are being dragged over it (for its outline).
 */
export function useFileDrop(form: RefObject<HTMLFormElement>, uploads: Uploads, onDrop?: () => void) {
  const [dragging, setDragging] = useState(false);
  const handlers = {
    onDragOver: (e: DragEvent) => {
      if (!e.dataTransfer?.types.includes('Files')) return;
      e.preventDefault();
      setDragging(true);
    },
    onDragLeave: (e: DragEvent) => {
      if (!form.current?.contains(e.relatedTarget as Node | null)) setDragging(false);
    },
    onDrop: (e: DragEvent) => {
      if (!e.dataTransfer?.files.length) return;
      e.preventDefault();
      setDragging(false);
      onDrop?.();
      uploads.add(Array.from(e.dataTransfer.files));
    },
    onPaste: (e: ClipboardEvent) => {
      const files = Array.from(e.clipboardData?.files ?? []);
      if (files.length === 0) return;
      e.preventDefault();
      uploads.add(files);
    },
  };
  return { dragging, handlers };
}

/** The files being attached, each with its progress or what went wrong. */
export function UploadList({ uploads }: { uploads: Uploads }) {
  if (uploads.uploads.length === 0) return null;
  return (
    <ul class="upload-list" aria-label="Attached files">
      {uploads.uploads.map((u) => (
        <li key={u.id} class={`upload is-${u.state}`}>
          <Icon name="paperclip" size={15} />
          <span class="upload-name">{u.file.name}</span>
          <span class="muted upload-size">{fileSize(u.file.size)}</span>
          {u.state === 'uploading' && <progress max={1} value={u.progress} aria-label={`Uploading ${u.file.name}`} />}
          {u.state === 'failed' && (
            <>
              <span class="upload-error" role="alert">
                {u.error}
              </span>
              <button type="button" class="link-button" onClick={() => uploads.retry(u)}>
                Retry
              </button>
            </>
          )}
          <button type="button" class="btn-icon btn-small" aria-label={u.state === 'uploading' ? `Cancel ${u.file.name}` : `Remove ${u.file.name}`} title={u.state === 'uploading' ? 'Cancel' : 'Remove'} onClick={() => uploads.remove(u)}>
            <Icon name="close" size={14} />
          </button>
        </li>
      ))}
    </ul>
  );
}

/** The paper clip: opens the system's file picker. */
export function AttachButton({ uploads }: { uploads: Uploads }) {
  const input = useRef<HTMLInputElement>(null);
  return (
    <>
      <button type="button" class="btn-icon" aria-label="Attach files" title="Attach files (or drop or paste them)" onClick={() => input.current?.click()}>
        <Icon name="paperclip" />
      </button>
      <input
        ref={input}
        type="file"
        multiple
        hidden
        onChange={(e) => {
          uploads.add(Array.from(e.currentTarget.files ?? []));
          e.currentTarget.value = '';
        }}
      />
    </>
  );
}
