/** The shell: sign-in gate, header with navigation, the page for the route, the live region. */
import { useEffect, useRef, useState } from 'preact/hooks';
import { AccountPage } from './pages/account.tsx';
import { AiForm } from './pages/ai-form.tsx';
import { AisPage } from './pages/ais.tsx';
import { ApiKeysPage } from './pages/api-keys.tsx';
import { ConversationPage } from './pages/conversation.tsx';
import { ConversationsPage } from './pages/conversations.tsx';
import { DeliveriesPage } from './pages/deliveries.tsx';
import { KnowledgeBasePage } from './pages/knowledge-base.tsx';
import { KnowledgeBasesPage } from './pages/knowledge-bases.tsx';
import { KnowledgeGapsPage } from './pages/knowledge-gaps.tsx';
import { RunComparePage } from './pages/run-compare.tsx';
import { SetupPage } from './pages/setup.tsx';
import { SETUP_RESOURCES } from './setup-resources.ts';
import { SignIn } from './pages/sign-in.tsx';
import { TestChatPage } from './pages/test-chat.tsx';
import { TestRunPage } from './pages/test-run.tsx';
import { TestSetPage } from './pages/test-set.tsx';
import { TestSetsPage } from './pages/test-sets.tsx';
import { href, navigate, useRoute } from './router.ts';
import { clearApiKey, readApiKey } from './session.ts';
import { StatusProvider, StatusRegion } from './status.tsx';

const NAV = [
  { section: 'ais', label: 'AIs' },
  ...SETUP_RESOURCES.map((resource) => ({ section: resource.section, label: resource.plural })),
  { section: 'knowledge', label: 'Knowledge' },
  { section: 'gaps', label: 'Knowledge gaps' },
  { section: 'test', label: 'Test chat' },
  { section: 'conversations', label: 'Conversations' },
  { section: 'deliveries', label: 'Deliveries' },
  { section: 'keys', label: 'API keys' },
  { section: 'account', label: 'Account' },
] as const;

/** An AI's test sets: `#/ais/{ai}/test-sets[/{set}[/runs/{run} | /compare/{before}/{after}]]`. */
function TestSetsRoute({ aiId, route: [setId, view, first, second] }: { aiId: string; route: string[] }) {
  if (!setId) return <TestSetsPage key={aiId} aiId={aiId} />;
  if (view === 'runs' && first) return <TestRunPage key={first} aiId={aiId} setId={setId} runId={first} />;
  if (view === 'compare' && first && second)
    return <RunComparePage key={`${first}/${second}`} aiId={aiId} setId={setId} beforeId={first} afterId={second} />;
  return <TestSetPage key={setId} aiId={aiId} setId={setId} />;
}

function Page({ route }: { route: string[] }) {
  const [section = 'ais', id, subsection] = route;
  const setup = SETUP_RESOURCES.find((resource) => resource.section === section);
  if (setup) return <SetupPage key={section} resource={setup} />;
  switch (section) {
    case 'ais':
      if (id && subsection === 'test-sets') return <TestSetsRoute aiId={id} route={route.slice(3)} />;
      return id ? <AiForm key={id} id={id === 'new' ? null : id} /> : <AisPage />;
    case 'knowledge':
      return id ? <KnowledgeBasePage key={id} id={id} /> : <KnowledgeBasesPage />;
    case 'gaps':
      return <KnowledgeGapsPage />;
    case 'test':
      return <TestChatPage key={id} aiId={id ?? null} />;
    case 'conversations':
      return id ? <ConversationPage key={id} id={id} /> : <ConversationsPage />;
    case 'deliveries':
      return <DeliveriesPage />;
    case 'keys':
      return <ApiKeysPage />;
    case 'account':
      return <AccountPage />;
    default:
      return <p>There is no page here.</p>;
  }
}

export function App() {
  const route = useRoute();
  const [signedIn, setSignedIn] = useState(() => readApiKey() !== null);
  const main = useRef<HTMLElement>(null);
  const section = route[0] ?? 'ais';

  // A new page moves focus to its content, as a page load would, so keyboard and screen-reader
  // users start there rather than at the end of the previous page.
  useEffect(() => {
    main.current?.querySelector<HTMLElement>('h1')?.focus();
  }, [route.join('/'), signedIn]);

  const signOut = () => {
    clearApiKey();
    setSignedIn(false);
    navigate();
  };

  return (
    <StatusProvider>
      {/* A button, not a link to #main: the hash holds the route. */}
      <button type="button" class="skip" onClick={() => main.current?.focus()}>
        Skip to content
      </button>
      <header class="top">
        <span class="brand">Parley</span>
        {signedIn && (
          <nav aria-label="Main">
            <ul>
              {NAV.map((item) => (
                <li key={item.section}>
                  <a href={href(item.section)} aria-current={item.section === section ? 'page' : undefined}>
                    {item.label}
                  </a>
                </li>
              ))}
            </ul>
          </nav>
        )}
        {signedIn && (
          <button type="button" class="secondary" onClick={signOut}>
            Sign out
          </button>
        )}
      </header>
      <main id="main" ref={main} tabIndex={-1}>
        <StatusRegion />
        {signedIn ? <Page route={route} /> : <SignIn onSignedIn={() => setSignedIn(true)} />}
      </main>
    </StatusProvider>
  );
}
