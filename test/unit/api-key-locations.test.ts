import { ApiKeyLocations } from '#lib/adapters/aws/dynamo-tenants';

describe('ApiKeyLocations', () => {
  const location = (i: number) => ({ tenantId: `ten_${i}`, id: `key_${i}` });

  it(`keeps at most ${ApiKeyLocations.MAX_ENTRIES} hashes, forgetting the one used longest ago`, () => {
    const known = new ApiKeyLocations();
    for (let i = 0; i < ApiKeyLocations.MAX_ENTRIES; i++) known.remember(`hash-${i}`, location(i));
    // Used again: it becomes the newest.
    known.remember('hash-0', location(0));

    known.remember('one-more', location(-1));

    expect(known.get('hash-0')).toEqual(location(0));
    expect(known.get('hash-1')).toBeUndefined();
    expect(known.get('hash-2')).toEqual(location(2));
    expect(known.get('one-more')).toEqual(location(-1));
  });

  it('forgets a hash on request', () => {
    const known = new ApiKeyLocations();
    known.remember('h', location(1));

    known.forget('h');

    expect(known.get('h')).toBeUndefined();
  });
});
