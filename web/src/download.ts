// Files the API answers as text ({file_name, content_type, content}: a decision log, a
// calendar entry) become a download: a Blob, an object URL and an <a download> clicked
// once. Nothing is opened as a page.

import type { TextFile } from './api/types';

export function downloadTextFile(file: TextFile): void {
  const blob = new Blob([file.content], { type: file.content_type || 'application/octet-stream' });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = file.file_name;
  a.rel = 'noopener';
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  // The browser has started the download by the time this runs; the URL can go.
  window.setTimeout(() => URL.revokeObjectURL(url), 30_000);
}
