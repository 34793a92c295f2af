/**
 * Export and Delete on a conversation's page: the prospect's rights of access and erasure. Delete
 * asks first, since nothing brings the conversation back, and then leaves for the inbox.
 */
import { deleteConversation, downloadConversationExport } from '../conversation-rights.ts';
import { useAction } from '../hooks.ts';
import { navigate } from '../router.ts';
import { useAnnounce } from '../status.tsx';
import { ErrorMessage } from './ui.tsx';

export function ConversationDataActions({ id, onDeleted }: { id: string; onDeleted: () => void }) {
  const { pending, error, run } = useAction();
  const announce = useAnnounce();

  const onExport = async () => {
    const done = await run(async () => {
      await downloadConversationExport(id);
      return true;
    });
    if (done) announce('Exported: the JSON file is downloading.');
  };

  const onDelete = async () => {
    if (!confirm(`Delete conversation ${id} and everything held on it? This cannot be undone.`)) return;
    const done = await run(async () => {
      await deleteConversation(id);
      return true;
    });
    if (!done) return;
    onDeleted();
    announce(`Deleted conversation ${id}.`);
    navigate('conversations');
  };

  return (
    <div class="data-actions">
      <ErrorMessage error={error} />
      <div class="actions">
        <button type="button" class="secondary" onClick={onExport} disabled={pending}>
          Export as JSON
        </button>
        <button type="button" class="danger" onClick={onDelete} disabled={pending}>
          Delete conversation
        </button>
      </div>
    </div>
  );
}
