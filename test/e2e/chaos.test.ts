/**
 * Crash-safe under fire: ten clients post new conversations while the local runtime is killed with
 * SIGKILL at random moments and restarted on its data directory, and the webhook receiver fails
 * some first attempts. Every conversation gets exactly one answer event. The seed is printed; set
 * PARLEY_CHAOS_SEED to replay a run.
 */
import { jest } from '@jest/globals';
import { CHAOS_SEED_ENV, type ChaosSettings, chaosSeed, runChaos } from '#test/support/chaos';
import { DELIVERY_LEASE_SECONDS, LEASE_TAKEOVER_MARGIN_SECONDS } from '#lib/app/deliver-webhook';
import { RETRY_DELAYS_SECONDS } from '#lib/domain/retry-schedule';

/**
 * The bound after the last restart: a delivery leased by the killed runtime is taken over when its
 * lease ends, then a failed first attempt is retried after the schedule's first delay; 20 s covers
 * the restart's own start-up sweep, the model and the sends.
 */
const ANSWER_WITHIN_MS =
  (DELIVERY_LEASE_SECONDS + LEASE_TAKEOVER_MARGIN_SECONDS + (RETRY_DELAYS_SECONDS[0] ?? 0) + 20) * 1000;

const CI_CHAOS: ChaosSettings = Object.freeze({
  conversations: 120,
  clients: 10,
  kills: 3,
  killAfterMs: { min: 1_000, max: 3_500 },
  thinkMs: { min: 100, max: 600 },
  modelDelayMs: 300,
  receiverFailureRate: 0.1,
  answerWithinMs: ANSWER_WITHIN_MS,
});

jest.setTimeout(ANSWER_WITHIN_MS + 60_000);

describe('the local runtime under SIGKILLs and concurrent clients', () => {
  it('answers every conversation exactly once, repeating an answer only under its webhook id', async () => {
    const seed = chaosSeed();
    process.stderr.write(`chaos seed ${seed} (replay with ${CHAOS_SEED_ENV}=${seed})\n`);

    const report = await runChaos(CI_CHAOS, seed);

    process.stderr.write(`chaos report ${JSON.stringify({ ...report, settings: undefined })}\n`);
    expect(report.kills).toBe(CI_CHAOS.kills);
    expect(report.missing).toEqual([]);
    expect(report.answered).toBe(CI_CHAOS.conversations);
    expect(report.doubled).toBe(0);
    expect(report.settledAfterLastRestartMs).toBeLessThanOrEqual(ANSWER_WITHIN_MS);
  });
});
