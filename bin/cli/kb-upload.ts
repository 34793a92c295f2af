/**
 * `parley kb upload <files…>`: sends each file to a knowledge base as multipart form data, then
 * waits for the ingester to index each one, with a progress bar on stderr. Failures (refused
 * uploads and documents that failed to index) are listed with their reason.
 */
import { readFile, stat } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { type ApiClient, ApiError } from '#bin/cli/api-client';
import { bar, formatBytes, json, type Output } from '#bin/cli/output';

const CONTENT_TYPES: Record<string, string> = {
  '.pdf': 'application/pdf',
  '.docx': 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  '.txt': 'text/plain',
  '.md': 'text/markdown',
  '.markdown': 'text/markdown',
  '.html': 'text/html',
  '.htm': 'text/html',
  '.csv': 'text/csv',
};
const POLL_INTERVAL_MS = 500;

export interface UploadOptions {
  base?: string;
  baseName?: string;
  /** Seconds to wait for indexing before giving up. */
  timeoutSeconds: number;
  json: boolean;
}

interface FileResult {
  file: string;
  document_id?: string;
  status: 'queued' | 'ready' | 'failed';
  error?: string;
  chunk_count?: number;
}

/** Uploads the files and waits for them; throws when any failed, after printing the results. */
export async function uploadDocuments(
  api: ApiClient,
  files: string[],
  options: UploadOptions,
  out: Output,
): Promise<void> {
  const baseId = await resolveBase(api, options, out);
  const sizes = await Promise.all(files.map(async (file) => (await stat(file)).size));
  const totalBytes = sizes.reduce((sum, size) => sum + size, 0);
  const results: FileResult[] = [];
  let sentBytes = 0;
  out.progress(`${bar(0, files.length)} uploaded 0/${files.length} files, 0 B/${formatBytes(totalBytes)}`);
  for (const [index, file] of files.entries()) {
    results.push(await uploadOne(api, baseId, file));
    sentBytes += sizes[index] ?? 0;
    out.progress(
      `${bar(index + 1, files.length)} uploaded ${index + 1}/${files.length} files, ${formatBytes(sentBytes)}/${formatBytes(totalBytes)}`,
    );
  }
  await waitForIndexing(api, baseId, results, options.timeoutSeconds, out);
  out.endProgress();

  const failed = results.filter((r) => r.status !== 'ready');
  if (options.json) out.print(json({ knowledge_base_id: baseId, documents: results }));
  else out.print(describe(baseId, results));
  if (failed.length > 0) throw new Error(`${failed.length} of ${files.length} files did not become ready`);
}

async function resolveBase(api: ApiClient, options: UploadOptions, out: Output): Promise<string> {
  if (options.base) return options.base;
  const name = options.baseName ?? '';
  let cursor: string | null = null;
  do {
    const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
    const page = await api.request('GET', `/v1/knowledge-bases?limit=100${query}`);
    const found = (page.data as { id: string; name: string }[]).find((base) => base.name === name);
    if (found) return found.id;
    cursor = page.next_cursor;
  } while (cursor);
  const created = await api.request('POST', '/v1/knowledge-bases', { name });
  out.notice(`Created knowledge base "${name}" (${created.id}).\n`);
  return created.id;
}

async function uploadOne(api: ApiClient, baseId: string, file: string): Promise<FileResult> {
  const name = basename(file);
  const form = new FormData();
  const type = CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
  form.set('file', new Blob([await readFile(file)], { type }), name);
  try {
    const accepted = await api.upload(`/v1/knowledge-bases/${encodeURIComponent(baseId)}/documents`, form);
    return { file, document_id: accepted.document_id, status: accepted.status };
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    return { file, status: 'failed', error: error.describe().replace(/\n\s*/g, '; ') };
  }
}

async function waitForIndexing(
  api: ApiClient,
  baseId: string,
  results: FileResult[],
  timeoutSeconds: number,
  out: Output,
): Promise<void> {
  const deadline = Date.now() + timeoutSeconds * 1000;
  const pending = () => results.filter((r) => r.status === 'queued');
  const report = () => {
    const settled = results.length - pending().length;
    out.progress(`${bar(settled, results.length)} indexed ${settled}/${results.length} files`);
  };
  report();
  while (pending().length > 0) {
    if (Date.now() > deadline) {
      for (const result of pending()) {
        result.status = 'failed';
        result.error = `still being indexed after ${timeoutSeconds} s`;
      }
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
    for (const result of pending()) {
      const doc = await api.request(
        'GET',
        `/v1/knowledge-bases/${encodeURIComponent(baseId)}/documents/${encodeURIComponent(result.document_id ?? '')}`,
      );
      result.status = doc.status;
      result.chunk_count = doc.chunk_count;
      if (doc.error) result.error = doc.error;
    }
    report();
  }
}

function describe(baseId: string, results: FileResult[]): string {
  const ready = results.filter((r) => r.status === 'ready').length;
  const lines = [`${ready}/${results.length} files ready in knowledge base ${baseId}:`];
  for (const r of results) {
    lines.push(
      r.status === 'ready'
        ? `  ready   ${r.file}  ${r.document_id} (${r.chunk_count ?? 0} chunks)`
        : `  failed  ${r.file}: ${r.error ?? 'unknown reason'}`,
    );
  }
  return `${lines.join('\n')}\n`;
}
