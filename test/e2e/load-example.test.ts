/**
 * `npm run parley -- load-example` against the local runtime in its own process: the example's
 * setup goes in through the public API, and loading it again creates nothing new.
 */
import { jest } from '@jest/globals';
import { runCli } from '#bin/parley';
import { apiClient, type RuntimeProcess, startRuntimeProcess } from '#test/support/runtime-process';

// The runtime runs as a separate process; starting it takes seconds.
jest.setTimeout(60_000);

const EXAMPLE = 'examples/cart-abandonment/setup.json';

/** The ids and secret the command prints, by label. */
function parsePrinted(printed: string) {
  const id = (label: string) => new RegExp(`^\\s+${label}\\s+(\\S+)$`, 'm').exec(printed)?.[1];
  return {
    productId: id('product'),
    strategyId: id('strategy'),
    goalId: id('goal'),
    aiId: id('ai'),
    webhookSecret: /Webhook secret[^:]*: (whsec_\S+)/.exec(printed)?.[1],
  };
}

describe('npm run parley -- load-example', () => {
  let runtime: RuntimeProcess;
  let api: ReturnType<typeof apiClient>;

  beforeAll(async () => {
    runtime = await startRuntimeProcess();
    api = apiClient(runtime);
  });

  afterAll(async () => {
    await runtime?.stop();
  });

  it('creates the example product, strategy and goal and a sales AI that uses them, once', async () => {
    const args = ['load-example', EXAMPLE, '--api', runtime.url, '--key', runtime.apiKey];

    const first = await runCli(args);
    const second = await runCli(args);

    const loaded = parsePrinted(first);
    expect(first).toMatch(/^Loaded /);
    expect(loaded.webhookSecret).toMatch(/^whsec_/);
    const ai = await api('GET', `/v1/ais/${loaded.aiId}`);
    expect(ai.status).toBe(200);
    expect(ai.body).toMatchObject({
      type: 'sales',
      product_id: loaded.productId,
      strategy_id: loaded.strategyId,
      goal_id: loaded.goalId,
    });
    expect((await api('GET', `/v1/goals/${loaded.goalId}`)).body.goal_url).toBe('https://shop.example.com/cart');
    expect(second).toMatch(/^Already loaded /);
    expect(parsePrinted(second)).toEqual(loaded);
    const counts = await Promise.all(
      ['/v1/products', '/v1/strategies', '/v1/goals', '/v1/ais'].map(
        async (path) => (await api('GET', path)).body.data.length,
      ),
    );
    expect(counts).toEqual([1, 1, 1, 1]);
  });

  it('reports the API refusing the key, naming the item it was creating', async () => {
    await expect(runCli(['load-example', EXAMPLE, '--api', runtime.url, '--key', 'prly_wrong_key'])).rejects.toThrow(
      /creating the product "Trailhead running shoes" failed: HTTP 401/,
    );
  });
});
