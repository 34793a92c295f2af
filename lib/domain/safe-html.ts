/**
 * The one HTML a reply may carry: `<p>`, `<ul>`, `<li>`, `<strong>`, `<br>` without attributes,
 * and `<a href>` to an http(s) URL. Everything else a model writes is escaped (shown as text, never
 * run), so a reply in html format is safe to drop into an e-mail or a web page.
 */

const ALLOWED = new Set(['p', 'ul', 'li', 'strong', 'br', 'a']);
const VOID = new Set(['br']);
const TAG = /<(\/?)([a-zA-Z][a-zA-Z0-9]*)([^<>]*)>/g;
const HREF = /(?:^|\s)href\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))/i;
const ENTITY = /&(?:#\d{1,7}|#x[0-9a-f]{1,6}|[a-z][a-z0-9]{1,31});/iy;

/** Escapes text for HTML, keeping entities the writer already escaped (`&amp;`, `&#39;`) as they are. */
export function escapeHtmlText(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text.charAt(i);
    ENTITY.lastIndex = i;
    if (ch === '&') out += ENTITY.test(text) ? '&' : '&amp;';
    else if (ch === '<') out += '&lt;';
    else if (ch === '>') out += '&gt;';
    else if (ch === '"') out += '&quot;';
    else out += ch;
  }
  return out;
}

/**
 * Reduces HTML to the allow-list above. Disallowed tags are escaped rather than removed, so their
 * text stays readable; links to anything but http(s) lose their tag and keep their text; tags left
 * open are closed at the end and stray closing tags dropped, so nothing leaks past the reply.
 */
export function sanitizeHtml(html: string): string {
  const open: string[] = [];
  /** For each `<a>` met: whether it was kept, so its `</a>` is kept or dropped alike. */
  const anchors: boolean[] = [];
  let out = '';
  let last = 0;
  for (const match of html.matchAll(TAG)) {
    out += escapeHtmlText(html.slice(last, match.index));
    last = match.index + match[0].length;
    const [raw, slash, rawName = '', attributes = ''] = match;
    const name = rawName.toLowerCase();
    if (!ALLOWED.has(name)) out += escapeHtmlText(raw);
    else if (slash) out += closeTag(name, open, anchors);
    else if (VOID.has(name)) out += `<${name}>`;
    else if (name === 'a') {
      const href = safeHref(attributes);
      anchors.push(href !== undefined);
      if (href === undefined) continue;
      open.push(name);
      out += `<a href="${href}">`;
    } else {
      open.push(name);
      out += `<${name}>`;
    }
  }
  out += escapeHtmlText(html.slice(last));
  return (
    out +
    open
      .reverse()
      .map((name) => `</${name}>`)
      .join('')
  );
}

function closeTag(name: string, open: string[], anchors: boolean[]): string {
  if (name === 'a' && anchors.pop() !== true) return '';
  const at = open.lastIndexOf(name);
  if (at < 0 || VOID.has(name)) return '';
  // Closing an outer tag closes the ones still open inside it, as browsers do.
  return open
    .splice(at)
    .reverse()
    .map((n) => `</${n}>`)
    .join('');
}

/** The href, escaped for an attribute, if it is an absolute http(s) URL; otherwise undefined. */
function safeHref(attributes: string): string | undefined {
  const match = HREF.exec(attributes);
  const value = decodeEntities((match?.[1] ?? match?.[2] ?? match?.[3] ?? '').trim());
  if (!/^https?:\/\/[^\s"'<>`\\]+$/i.test(value)) return undefined;
  if (!URL.canParse(value)) return undefined;
  // The pattern already refused quotes and angle brackets; only `&` needs escaping.
  return value.replaceAll('&', '&amp;');
}

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeEntities(text: string): string {
  return text.replace(/&(#\d{1,7}|#x[0-9a-f]{1,6}|[a-z]+);/gi, (entity, body: string) => {
    if (body.startsWith('#')) {
      const code = body[1] === 'x' || body[1] === 'X' ? Number.parseInt(body.slice(2), 16) : Number(body.slice(1));
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : '';
    }
    return NAMED[body.toLowerCase()] ?? entity;
  });
}
