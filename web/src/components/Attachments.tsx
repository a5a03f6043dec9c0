// The files of a post: images as previews (their thumbnail when the server made one, at
// their own proportions so nothing jumps as they load), other files as a row to download.
// Links to files are Weft's own paths; the server decides who may fetch them.

import type { Attachment } from '../api/upload';
import { fileSize } from '../api/upload';
import { Icon } from './Icon';

/** The attachments a post carries (the API types them loosely: keep the ones with an id). */
export function attachmentsOf(post: { attachments?: unknown[] | null }): Attachment[] {
  return (post.attachments ?? []).filter((a): a is Attachment => typeof a === 'object' && a !== null && typeof (a as Attachment).attachment_id === 'string');
}

export function Attachments({ items }: { items: Attachment[] }) {
  if (items.length === 0) return null;
  const images = items.filter((a) => a.url_type === 'image' && a.url);
  const files = items.filter((a) => !images.includes(a));
  return (
    <div class="attachments">
      {images.length > 0 && (
        <ul class="attachment-images" aria-label="Images">
          {images.map((a) => (
            <li key={a.attachment_id}>
              <a href={a.url} target="_blank" rel="noopener noreferrer" title={a.file_name}>
                <img src={a.image ?? a.url} alt={a.title || a.file_name || 'Image'} width={a.image_width} height={a.image_height} loading="lazy" decoding="async" />
              </a>
            </li>
          ))}
        </ul>
      )}
      {files.length > 0 && (
        <ul class="attachment-files" aria-label="Files">
          {files.map((a) => (
            <li key={a.attachment_id}>
              <a class="attachment-file" href={a.url} download={a.file_name} rel="noopener noreferrer">
                <Icon name="file" size={18} />
                <span class="attachment-name">{a.file_name || a.title || 'File'}</span>
                <span class="muted">{fileSize(a.file_size)}</span>
                <Icon name="download" size={16} />
              </a>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
