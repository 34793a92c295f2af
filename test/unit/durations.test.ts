import {
  describeDurationMs,
  InvalidDurationError,
  isDuration,
  parseDurationMs,
} from '#lib/domain/evaluations/durations';

describe('ISO 8601 durations for test cases', () => {
  it.each([
    ['PT12H', 12 * 3_600_000],
    ['PT36H', 36 * 3_600_000],
    ['P1D', 86_400_000],
    ['P1W', 7 * 86_400_000],
    ['P1DT2H30M', 86_400_000 + 2 * 3_600_000 + 30 * 60_000],
    ['PT90S', 90_000],
    ['PT0.5S', 500],
    ['PT0S', 0],
  ])('reads %s', (text, ms) => {
    expect(parseDurationMs(text)).toBe(ms);
    expect(isDuration(text)).toBe(true);
  });

  it.each(['', 'P', 'PT', '12H', 'pt12h', 'PT-1H', 'P1DT', 'PT1H30', 'tomorrow'])('refuses %j', (text) => {
    expect(() => parseDurationMs(text)).toThrow(InvalidDurationError);
    expect(() => parseDurationMs(text)).toThrow('must be an ISO 8601 duration like PT12H or P1D');
    expect(isDuration(text)).toBe(false);
  });

  it('says why years and months are refused', () => {
    expect(() => parseDurationMs('P1M')).toThrow('years and months are not supported');
    expect(() => parseDurationMs('P1Y')).toThrow('years and months are not supported');
  });

  it.each([
    [36 * 3_600_000, '36 h'],
    [2 * 86_400_000, '2 d'],
    [90 * 60_000, '90 min'],
    [1_500, '1.5 s'],
  ])('describes %d ms as %s', (ms, text) => {
    expect(describeDurationMs(ms)).toBe(text);
  });
});
