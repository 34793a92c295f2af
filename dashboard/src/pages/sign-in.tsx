/** Signing in checks the key against the API and keeps it in sessionStorage. */
import { request } from '../api.ts';
import { ErrorMessage, Field } from '../components/ui.tsx';
import { useAction } from '../hooks.ts';
import { saveApiKey } from '../session.ts';

export function SignIn({ onSignedIn }: { onSignedIn: () => void }) {
  const { pending, error, run } = useAction();

  const onSubmit = async (event: Event) => {
    event.preventDefault();
    const key = String(new FormData(event.currentTarget as HTMLFormElement).get('key') ?? '').trim();
    // Any authenticated read proves the key; the smallest page of a list will do.
    const ok = await run(async () => {
      await request('GET', '/v1/ais?limit=1', undefined, key);
      return true;
    });
    if (!ok) return;
    saveApiKey(key);
    onSignedIn();
  };

  return (
    <div class="narrow">
      <h1 tabIndex={-1}>Sign in</h1>
      <form class="card" onSubmit={onSubmit}>
        <Field
          label="API key"
          name="key"
          type="password"
          autoComplete="off"
          required
          hint={
            <>
              Running Parley on your machine? <code>npm start</code> printed the key (it is also kept in{' '}
              <code>.parley/api-key</code>). For a deployed stack, <code>npm run parley -- create-tenant</code> makes
              one.
            </>
          }
        />
        <ErrorMessage error={error} />
        <button type="submit" disabled={pending}>
          {pending ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
      <p class="hint">The key stays in this browser tab only, until you sign out or close the tab.</p>
    </div>
  );
}
