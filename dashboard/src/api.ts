/**
 * The dashboard's only way to Parley: the public HTTP API on the same origin, authenticated with
 * the signed-in API key. Errors keep the API's own words (message and the fields it names).
 */
import { readApiKey } from './session.ts';

/** The contract's list page size; the API's default, so pages look the same as a client's. */
export const PAGE_SIZE = 20;
/** The API's largest page, for filling a picker (products, knowledge bases…) in few requests. */
const MAX_PAGE_SIZE = 100;
/** Enough for any real account; a picker never loops on a broken cursor. */
const MAX_PICKER_PAGES = 10;

export interface ErrorDetail {
  path: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly details: readonly ErrorDetail[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface Page<T> {
  data: T[];
  next_cursor: string | null;
}

type Json = Record<string, unknown>;

/** The contract's error body, else API Gateway's own `{message}`, else the HTTP status. */
function toApiError(status: number, statusText: string, body: unknown): ApiError {
  const error = (body as { error?: { message?: string; details?: ErrorDetail[] } } | null)?.error;
  if (error?.message) return new ApiError(status, error.message, error.details ?? []);
  const message = (body as { message?: string } | null)?.message;
  return new ApiError(status, message ?? `${status} ${statusText}`.trim());
}

function parseJson(text: string): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}

function authorization(key = readApiKey()): Record<string, string> {
  return key ? { authorization: `Bearer ${key}` } : {};
}

/** One API call; resolves with the response body, rejects with an ApiError. */
export function request<T>(method: string, path: string, body?: unknown, key?: string): Promise<T> {
  const content = body === undefined ? undefined : { type: 'application/json', text: JSON.stringify(body) };
  return send<T>(method, path, content, key);
}

/** A body sent as it is (a CSV file's text) rather than as JSON. */
export const postText = <T>(path: string, type: string, text: string) => send<T>('POST', path, { type, text });

async function send<T>(method: string, path: string, content?: { type: string; text: string }, key?: string) {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers: { ...authorization(key), ...(content ? { 'content-type': content.type } : {}) },
      ...(content ? { body: content.text } : {}),
    });
  } catch {
    throw new ApiError(0, 'Parley did not answer: check that it is running and reachable.');
  }
  const parsed = parseJson(await response.text());
  if (!response.ok) throw toApiError(response.status, response.statusText, parsed);
  return parsed as T;
}

export const get = <T>(path: string) => request<T>('GET', path);
export const post = <T>(path: string, body?: Json) => request<T>('POST', path, body ?? {});
export const patch = <T>(path: string, body: Json) => request<T>('PATCH', path, body);
export const remove = (path: string) => request<void>('DELETE', path);

/** `path` with the paging parameters of the contract. */
export function pagePath(path: string, cursor: string | null, limit = PAGE_SIZE): string {
  const url = new URL(path, location.origin);
  url.searchParams.set('limit', String(limit));
  if (cursor) url.searchParams.set('cursor', cursor);
  return `${url.pathname}${url.search}`;
}

/** Every item of a list, for pickers: pages of the largest size until the last. */
export async function getAll<T>(path: string): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < MAX_PICKER_PAGES; page++) {
    const result: Page<T> = await get<Page<T>>(pagePath(path, cursor, MAX_PAGE_SIZE));
    items.push(...result.data);
    cursor = result.next_cursor;
    if (!cursor) break;
  }
  return items;
}

/**
 * A multipart upload with progress (0..1) as the browser sends it: fetch cannot report upload
 * progress, XMLHttpRequest can.
 */
export function upload<T>(path: string, form: FormData, onProgress: (fraction: number) => void): Promise<T> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', path);
    for (const [name, value] of Object.entries(authorization())) xhr.setRequestHeader(name, value);
    xhr.upload.addEventListener('progress', (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    });
    xhr.addEventListener('load', () => {
      const body = parseJson(xhr.responseText);
      if (xhr.status >= 200 && xhr.status < 300) resolve(body as T);
      else reject(toApiError(xhr.status, xhr.statusText, body));
    });
    xhr.addEventListener('error', () => reject(new ApiError(0, 'The upload was interrupted: try again.')));
    xhr.send(form);
  });
}

/** A path segment, escaped: conversation ids are the client's own (an e-mail address, say). */
export const segment = (id: string) => encodeURIComponent(id);
