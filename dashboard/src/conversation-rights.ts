/**
 * A prospect's data rights from the dashboard: erasing a conversation
 * (`DELETE /v2/conversations/{id}`, 204 then 404) and exporting everything held on it
 * (`GET /v2/conversations/{id}/export`, JSON) as a file the browser downloads.
 */
import { get, remove, segment } from './api.ts';
import type { ConversationExport } from './types.ts';

export function deleteConversation(id: string): Promise<void> {
  return remove(`/v2/conversations/${segment(id)}`);
}

/** The export's file name: the id is the client's own (an e-mail address), kept readable. */
export function exportFileName(id: string): string {
  return `conversation-${id.replace(/[^\w.@-]+/g, '_')}.json`;
}

/** Reads the export and hands it to the browser as a download. */
export async function downloadConversationExport(id: string): Promise<void> {
  const exported = await get<ConversationExport>(`/v2/conversations/${segment(id)}/export`);
  const blob = new Blob([JSON.stringify(exported, null, 2)], { type: 'application/json' });
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = exportFileName(id);
  document.body.append(link);
  link.click();
  link.remove();
  // The click has started the download; the URL is no longer needed once this task ends.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
