/**
 * The dashboard's inbox filters as `GET /v2/conversations` paths: only the filters set, the search
 * trimmed, and the conversations waiting for a person asked for first.
 */
import { inboxPath, inboxSections, NO_FILTERS } from '../../dashboard/src/inbox-filters.ts';

describe('inboxPath', () => {
  it('asks for the whole list when nothing is filtered', () => {
    expect(inboxPath(NO_FILTERS, '')).toBe('/v2/conversations');
  });

  it('sends only the filters that are set, the search trimmed and escaped', () => {
    const filters = { ...NO_FILTERS, ai_id: 'ai_1', status: 'handed_off' as const, q: ' Zed.L+1 ' };

    const path = new URL(inboxPath(filters, 'true'), 'http://dashboard');

    expect(Object.fromEntries(path.searchParams)).toEqual({
      ai_id: 'ai_1',
      status: 'handed_off',
      needs_human: 'true',
      q: 'Zed.L+1',
    });
  });
});

describe('inboxSections', () => {
  it('lists the conversations waiting for a person before the rest', () => {
    expect(inboxSections(NO_FILTERS).map((section) => section.needsHuman)).toEqual(['true', 'false']);
  });

  it('keeps only the side the needs-a-person filter picks', () => {
    expect(inboxSections({ ...NO_FILTERS, needs_human: 'false' })).toEqual([
      { title: 'Handled by the AI', needsHuman: 'false' },
    ]);
  });
});
