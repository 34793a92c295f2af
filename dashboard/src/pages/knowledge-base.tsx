/**
 * One knowledge base: its documents with their indexing status, a search as an AI would make it,
 * and three ways to add a document (a file with upload progress, a URL, pasted text). A new
 * document is polled until ready or failed.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { get, post, remove, segment, upload } from '../api.ts';
import { ErrorMessage, Field, Pager, Section, Select, TextArea, text, When } from '../components/ui.tsx';
import { KnowledgeSearch } from '../components/knowledge-search.tsx';
import { type PagedList, useAction, usePagedList } from '../hooks.ts';
import { navigate } from '../router.ts';
import { useAnnounce } from '../status.tsx';
import type { KnowledgeBase, KnowledgeDocument } from '../types.ts';

/** Indexing a page of text takes about a second locally; a PDF longer. */
const POLL_INTERVAL_MS = 1_000;
/** Stop polling a document after this long; its status stays on the page as the last one read. */
const POLL_LIMIT_MS = 10 * 60_000;

const TEXT_TYPES = [
  { value: 'text/plain', label: 'Plain text' },
  { value: 'text/markdown', label: 'Markdown' },
  { value: 'text/html', label: 'HTML' },
];

export function KnowledgeBasePage({ id }: { id: string }) {
  const base = `/v1/knowledge-bases/${segment(id)}`;
  const [knowledgeBase, setKnowledgeBase] = useState<KnowledgeBase | null>(null);
  const documents = usePagedList<KnowledgeDocument>(`${base}/documents`);
  const load = useAction();
  const removal = useAction();
  const announce = useAnnounce();
  const watch = useDocumentPolling(base, documents);

  useEffect(() => {
    void load.run(async () => setKnowledgeBase(await get<KnowledgeBase>(base)));
  }, [base, load.run]);

  const added = (document: KnowledgeDocument) => {
    announce(`${document.title} is ${document.status}.`);
    documents.upsert((item) => item.document_id === document.document_id, document);
    watch(document);
  };

  const onDeleteBase = async () => {
    if (!confirm(`Delete ${knowledgeBase?.name} and all its documents?`)) return;
    const deleted = await removal.run(async () => {
      await remove(base);
      return true;
    });
    if (deleted) navigate('knowledge');
  };

  const onDeleteDocument = async (document: KnowledgeDocument) => {
    const deleted = await removal.run(async () => {
      await remove(`${base}/documents/${segment(document.document_id)}`);
      return true;
    });
    if (!deleted) return;
    announce(`Removed ${document.title}.`);
    documents.reload();
  };

  return (
    <>
      <h1 tabIndex={-1}>{knowledgeBase?.name ?? 'Knowledge base'}</h1>
      <ErrorMessage error={load.error} />
      <Section title="Documents">
        <ErrorMessage error={documents.error ?? removal.error} />
        {!documents.loading && documents.items.length === 0 && <p>No documents yet.</p>}
        <ul class="documents">
          {documents.items.map((document) => (
            <li key={document.document_id}>
              <span class="doc-title">{document.title}</span>
              <span class={`badge ${document.status}`}>{document.status}</span>
              <span class="meta">
                {document.chunk_count} passage(s) · <When at={document.updated_at} />
              </span>
              {document.error && <span class="doc-error">{document.error}</span>}
              <button type="button" class="link" onClick={() => onDeleteDocument(document)}>
                Remove <span class="visually-hidden">{document.title}</span>
              </button>
            </li>
          ))}
        </ul>
        <Pager hasMore={documents.hasMore} loading={documents.loading} onMore={documents.loadMore} />
      </Section>
      <KnowledgeSearch basePath={base} />
      <UploadFile base={base} onAdded={added} />
      <AddUrl base={base} onAdded={added} />
      <AddText base={base} onAdded={added} />
      <button type="button" class="danger" onClick={onDeleteBase}>
        Delete knowledge base
      </button>
    </>
  );
}

/** Returns `watch(document)`: polls it until its indexing ends, then updates the list and says so. */
function useDocumentPolling(base: string, documents: PagedList<KnowledgeDocument>) {
  const announce = useAnnounce();
  const timers = useRef(new Set<ReturnType<typeof setTimeout>>());
  useEffect(() => () => timers.current.forEach(clearTimeout), []);

  return (document: KnowledgeDocument) => {
    const giveUpAt = Date.now() + POLL_LIMIT_MS;
    const poll = () => {
      const timer = setTimeout(async () => {
        timers.current.delete(timer);
        const latest = await get<KnowledgeDocument>(`${base}/documents/${segment(document.document_id)}`).catch(
          () => document,
        );
        documents.upsert((item) => item.document_id === latest.document_id, latest);
        if (latest.status === 'queued' && Date.now() < giveUpAt) poll();
        else if (latest.status !== 'queued')
          announce(`${latest.title} is ${latest.status}${latest.error ? `: ${latest.error}` : ''}.`);
      }, POLL_INTERVAL_MS);
      timers.current.add(timer);
    };
    if (document.status === 'queued') poll();
  };
}

interface AddProps {
  base: string;
  onAdded: (document: KnowledgeDocument) => void;
}

function UploadFile({ base, onAdded }: AddProps) {
  const [progress, setProgress] = useState<number | null>(null);
  const { pending, error, run } = useAction();
  const onSubmit = async (event: Event) => {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    setProgress(0);
    const added = await run(() => upload<KnowledgeDocument>(`${base}/documents`, new FormData(form), setProgress));
    setProgress(null);
    if (!added) return;
    form.reset();
    onAdded(added);
  };
  return (
    <Section title="Upload a file">
      <form onSubmit={onSubmit}>
        <Field
          label="File"
          name="file"
          type="file"
          required
          accept=".pdf,.docx,.txt,.md,.html,.htm,.csv"
          hint="PDF, DOCX, TXT, MD, HTML or CSV, up to 10 MB. The same name again replaces the document."
        />
        {progress !== null && (
          <div class="field">
            <label for="upload-progress">Upload progress</label>
            <progress id="upload-progress" max={1} value={progress}>
              {Math.round(progress * 100)}%
            </progress>
          </div>
        )}
        <ErrorMessage error={error} />
        <button type="submit" disabled={pending}>
          {pending ? 'Uploading…' : 'Upload'}
        </button>
      </form>
    </Section>
  );
}

function AddUrl({ base, onAdded }: AddProps) {
  const { pending, error, run } = useAction();
  const onSubmit = async (event: Event) => {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const added = await run(() =>
      post<KnowledgeDocument>(`${base}/documents`, { url: text(new FormData(form), 'url') }),
    );
    if (!added) return;
    form.reset();
    onAdded(added);
  };
  return (
    <Section title="Add a web page">
      <form onSubmit={onSubmit}>
        <Field label="Page URL" name="url" type="url" required />
        <ErrorMessage error={error} />
        <button type="submit" disabled={pending}>
          Add page
        </button>
      </form>
    </Section>
  );
}

function AddText({ base, onAdded }: AddProps) {
  const { pending, error, run } = useAction();
  const onSubmit = async (event: Event) => {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    const added = await run(() =>
      post<KnowledgeDocument>(`${base}/documents`, {
        title: text(data, 'title'),
        content: String(data.get('content') ?? ''),
        content_type: data.get('content_type'),
      }),
    );
    if (!added) return;
    form.reset();
    onAdded(added);
  };
  return (
    <Section title="Paste text">
      <form onSubmit={onSubmit}>
        <Field label="Title" name="title" maxLength={300} />
        <TextArea label="Text" name="content" required rows={6} />
        <Select label="Format" name="content_type" options={TEXT_TYPES} />
        <ErrorMessage error={error} />
        <button type="submit" disabled={pending}>
          Add text
        </button>
      </form>
    </Section>
  );
}
