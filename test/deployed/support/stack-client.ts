/** What the deployed-shape scenarios do to a stack as its users do: API calls, uploads, waiting. */
import type { DeployedStack } from './deployed-stack.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it returns something, or fails after `timeoutMs`. */
export async function eventually<T>(
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`not true after ${timeoutMs} ms`);
    await sleep(100);
  }
}

/** A JSON request to the stack's HTTP API with its tenant's key. */
export async function callApi(
  stack: DeployedStack,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
) {
  const response = await fetch(`${stack.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${stack.apiKey}`, 'content-type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  // biome-ignore lint/suspicious/noExplicitAny: tests read response JSON of many shapes; assertions check them
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as any };
}

/**
 * Uploads `text` as a file to a new knowledge base (multipart, as the dashboard does) and waits
 * until the ingester has indexed it (or failed). Returns the base, the upload's status and the document.
 */
export async function uploadAndIndex(stack: DeployedStack, text: string, fileName: string) {
  const kb = await callApi(stack, 'POST', '/v1/knowledge-bases', { name: 'Help centre' });
  const form = new FormData();
  form.append('file', new Blob([text], { type: 'text/plain' }), fileName);
  const uploaded = await fetch(`${stack.url}/v1/knowledge-bases/${kb.body.id}/documents`, {
    method: 'POST',
    headers: { authorization: `Bearer ${stack.apiKey}` },
    body: form,
  });
  const { document_id: documentId } = (await uploaded.json()) as { document_id: string };
  const document = await eventually(async () => {
    const read = await callApi(stack, 'GET', `/v1/knowledge-bases/${kb.body.id}/documents/${documentId}`);
    return read.body.status === 'ready' || read.body.status === 'failed' ? read.body : undefined;
  });
  return { knowledgeBaseId: kb.body.id as string, uploadStatus: uploaded.status, documentId, document };
}
