import { decideRetry, MAX_DELIVERY_ATTEMPTS, RETRY_DELAYS_SECONDS, RETRY_JITTER } from '#lib/domain/retry-schedule';

describe('decideRetry', () => {
  it('follows the contract schedule: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h', () => {
    const delays = RETRY_DELAYS_SECONDS.map((_, i) => decideRetry({ attempts: i + 1, random: 0.5 }));

    expect(delays).toEqual(
      [5, 300, 1800, 7200, 18000, 36000, 36000].map((delaySeconds) => ({ retry: true, delaySeconds })),
    );
    expect(MAX_DELIVERY_ATTEMPTS).toBe(8);
  });

  it('spreads each delay by the jitter either way', () => {
    const low = decideRetry({ attempts: 2, random: 0 });
    const high = decideRetry({ attempts: 2, random: 0.999999 });

    expect(low).toEqual({ retry: true, delaySeconds: Math.round(300 * (1 - RETRY_JITTER)) });
    expect(high).toEqual({ retry: true, delaySeconds: Math.round(300 * (1 + RETRY_JITTER)) });
  });

  it('never retries sooner than Retry-After, capped at a day', () => {
    expect(decideRetry({ attempts: 1, random: 0.5, retryAfterSeconds: 120 })).toEqual({
      retry: true,
      delaySeconds: 120,
    });
    expect(decideRetry({ attempts: 1, random: 0.5, retryAfterSeconds: 10 ** 9 })).toEqual({
      retry: true,
      delaySeconds: 86400,
    });
  });

  it('gives up on 410 Gone and after the last attempt', () => {
    expect(decideRetry({ attempts: 1, random: 0.5, statusCode: 410 }).retry).toBe(false);
    expect(decideRetry({ attempts: MAX_DELIVERY_ATTEMPTS, random: 0.5 }).retry).toBe(false);
  });
});
