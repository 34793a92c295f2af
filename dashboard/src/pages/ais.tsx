/** The AIs of the account, a page at a time. */
import { ErrorMessage, Pager } from '../components/ui.tsx';
import { usePagedList } from '../hooks.ts';
import { href } from '../router.ts';
import type { Ai } from '../types.ts';

export function AisPage() {
  const ais = usePagedList<Ai>('/v1/ais');
  return (
    <>
      <div class="title-row">
        <h1 tabIndex={-1}>AIs</h1>
        <a class="button" href={href('ais', 'new')}>
          New AI
        </a>
      </div>
      <ErrorMessage error={ais.error} />
      {!ais.loading && ais.items.length === 0 && !ais.error && <p>No AI yet: create one to start.</p>}
      <ul class="list">
        {ais.items.map((ai) => (
          <li key={ai.id} class="card">
            <h2>
              <a href={href('ais', ai.id)}>{ai.name}</a>
            </h2>
            <p class="meta">
              {ai.type} · <code>{ai.id}</code> · {ai.knowledge_base_ids.length} knowledge base(s)
            </p>
            {ai.webhook_health && <p class="warning">Webhook deliveries are failing.</p>}
            <p class="actions">
              <a href={href('test', ai.id)}>Test {ai.name}</a>
              <a href={href('ais', ai.id, 'test-sets')}>Test sets of {ai.name}</a>
            </p>
          </li>
        ))}
      </ul>
      <Pager hasMore={ais.hasMore} loading={ais.loading} onMore={ais.loadMore} />
    </>
  );
}
