/**
 * IAM's wildcard matching: `*` is any run of characters (none included, and `/` and `:` too), `?`
 * exactly one. Every other character is literal.
 */

const cache = new Map<string, RegExp>();

/** Whether `value` matches the IAM wildcard `pattern`; case-insensitive when `ignoreCase`. */
export function matchesWildcard(pattern: string, value: string, ignoreCase = false): boolean {
  const key = `${ignoreCase ? 'i' : 's'}${pattern}`;
  let regex = cache.get(key);
  if (!regex) {
    const source = [...pattern]
      .map((char) => (char === '*' ? '.*' : char === '?' ? '.' : char.replace(/[.+^${}()|[\]\\/-]/g, '\\$&')))
      .join('');
    regex = new RegExp(`^${source}$`, ignoreCase ? 'is' : 's');
    cache.set(key, regex);
  }
  return regex.test(value);
}

/**
 * Whether `value` matches the ARN `pattern` as ArnLike compares them: part by part, so a wildcard
 * in one of the six colon-separated parts never spans into the next (the resource part, the last,
 * keeps its own colons). A lone `*` matches anything; otherwise a value that is not a six-part ARN
 * never matches.
 */
export function matchesArn(pattern: string, value: string): boolean {
  if (pattern === '*') return true;
  const patternParts = splitArn(pattern);
  const valueParts = splitArn(value);
  if (!patternParts || !valueParts) return false;
  return patternParts.every((part, index) => matchesWildcard(part, valueParts[index] ?? ''));
}

function splitArn(arn: string): string[] | undefined {
  const parts = arn.split(':');
  if (parts.length < 6 || parts[0] !== 'arn') return undefined;
  return [...parts.slice(0, 5), parts.slice(5).join(':')];
}
