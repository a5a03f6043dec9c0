// The one way the app talks to Weft's API. Every call is a same-origin POST with a JSON
// body, the session cookie and the page's CSRF token (the server refuses cookie-authenticated
// calls without it). Paths and bodies are typed from the OpenAPI document (schema.d.ts).

import type { paths } from './schema';

/** Endpoints as the app names them: "comments/add" for the document's "/api/v3/comments/add". */
export type ApiPath = keyof paths extends infer K ? (K extends `/api/v3/${infer E}` ? E : never) : never;

type Operation<P extends ApiPath> = paths[`/api/v3/${P}`] extends { post: infer O }
  ? O
  : paths[`/api/v3/${P}`] extends { get: infer O }
    ? O
    : never;

type JsonBody<T> = T extends { content: { 'application/json': infer B } } ? B : never;

/** What an endpoint accepts: its JSON request body, or its query parameters. */
export type Params<P extends ApiPath> =
  Operation<P> extends { requestBody?: infer R }
    ? JsonBody<NonNullable<R>>
    : Operation<P> extends { parameters: { query?: infer Q } }
      ? NonNullable<Q>
      : Record<string, never>;

/** What an endpoint answers on success. */
export type Answer<P extends ApiPath> =
  Operation<P> extends { responses: { 200: infer R } } ? JsonBody<R> : unknown;

/** An error the API answered: `{"error_code", "error_string"}` with a 4xx or 5xx status. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    readonly path: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** The network failed (offline, server down): distinct so views can say "retry". */
export class NetworkError extends Error {
  constructor(readonly path: string, cause: unknown) {
    super(`Could not reach Weft (${cause instanceof Error ? cause.message : String(cause)})`);
    this.name = 'NetworkError';
  }
}

export function csrfToken(): string {
  return document.querySelector<HTMLMetaElement>('meta[name="csrf-token"]')?.content ?? '';
}

/** Sends the browser to the sign-in page; the session is gone. */
function signedOut(): never {
  location.href = '/login';
  throw new ApiError(401, 401, 'Signed out', '');
}

/** The page's CSRF token belongs to an older session (signed in again in another tab):
 * a reload gets the page of the current one. Once per minute at most, so a real refusal
 * cannot loop. */
function staleCsrf(): void {
  const key = 'weft:csrf-reload';
  const last = Number(sessionStorage.getItem(key) ?? 0);
  if (Date.now() - last < 60_000) return;
  sessionStorage.setItem(key, String(Date.now()));
  location.reload();
}

export async function call<P extends ApiPath>(path: P, params: Params<P>): Promise<Answer<P>> {
  let response: Response;
  try {
    response = await fetch(`/api/v3/${path}`, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrfToken() },
      body: JSON.stringify(params ?? {}),
    });
  } catch (e) {
    throw new NetworkError(path, e);
  }
  if (response.status === 401) signedOut();
  const text = await response.text();
  let json: unknown = undefined;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  if (!response.ok) {
    const body = (json ?? {}) as { error_code?: number; error_string?: string };
    if (response.status === 403 && /csrf/i.test(body.error_string ?? '')) staleCsrf();
    throw new ApiError(
      response.status,
      body.error_code ?? response.status,
      body.error_string ?? `${response.status} ${response.statusText}`,
      path,
    );
  }
  return json as Answer<P>;
}

/** A human sentence for any error a call can throw. */
export function describeError(e: unknown): string {
  if (e instanceof ApiError || e instanceof NetworkError) return e.message;
  if (e instanceof Error) return e.message;
  return 'Something went wrong';
}
