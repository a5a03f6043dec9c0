// Uploading a file: `attachments/upload` as multipart form data (the one call that is not
// JSON), through XMLHttpRequest because fetch cannot report upload progress. Same session
// cookie and CSRF header as every other call; cancelled with an AbortSignal.

import { ApiError, csrfToken, NetworkError } from './client';

/** Twist's Attachment object, as `attachments/upload` answers it and posts carry it. */
export type Attachment = {
  attachment_id: string;
  url_type: string;
  url?: string;
  title?: string;
  file_name?: string;
  file_size?: number;
  underlying_type?: string;
  image?: string;
  image_width?: number;
  image_height?: number;
  upload_state?: string;
};

export function newAttachmentId(): string {
  return crypto.randomUUID();
}

export function upload(file: File, id: string, onProgress: (fraction: number) => void, signal: AbortSignal): Promise<Attachment> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/api/v3/attachments/upload');
    xhr.setRequestHeader('X-CSRF-Token', csrfToken());
    xhr.responseType = 'text';
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(e.loaded / e.total);
    };
    xhr.onload = () => {
      let body: { error_code?: number; error_string?: string } & Partial<Attachment> = {};
      try {
        body = JSON.parse(xhr.responseText || '{}');
      } catch {
        body = {};
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve(body as Attachment);
      else reject(new ApiError(xhr.status, body.error_code ?? xhr.status, body.error_string ?? `${xhr.status} ${xhr.statusText}`, 'attachments/upload'));
    };
    xhr.onerror = () => reject(new NetworkError('attachments/upload', new Error('the upload was interrupted')));
    xhr.onabort = () => reject(new DOMException('cancelled', 'AbortError'));
    signal.addEventListener('abort', () => xhr.abort(), { once: true });
    const form = new FormData();
    form.append('attachment_id', id);
    form.append('file_name', file.name);
    form.append('file', file, file.name);
    xhr.send(form);
  });
}

/** "2.4 MB", "830 KB", "12 bytes". */
export function fileSize(bytes: number | undefined): string {
  if (bytes === undefined) return '';
  if (bytes < 1000) return `${bytes} bytes`;
  const units = ['KB', 'MB', 'GB'];
  let n = bytes / 1000;
  let i = 0;
  while (n >= 1000 && i < units.length - 1) {
    n /= 1000;
    i++;
  }
  return `${n < 10 ? n.toFixed(1) : Math.round(n)} ${units[i]}`;
}
