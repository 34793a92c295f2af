/**
 * HTML to blocks: the readable content of a page without its navigation, chrome and scripts. Also
 * what a Word document becomes (mammoth writes HTML), so its headings, lists and tables survive.
 */
import type { ChildNode, Element } from 'domhandler';
import { DomUtils, parseDocument } from 'htmlparser2';
import type { Block, ParsedDocument } from '#lib/domain/knowledge/types';
import { BlockCollector } from '#lib/adapters/documents/block-collector';
import { collapseWhitespace, decodeText, estimatePages, rowText } from '#lib/adapters/documents/text';

function tags(...groups: string[]): ReadonlySet<string> {
  return new Set(groups.join(' ').split(' '));
}

/** Never content: code, chrome around the content, and controls. */
const DROPPED = tags(
  'head script style noscript template svg math',
  'nav aside form iframe object embed canvas button select dialog',
);
/** Landmark roles that mark site chrome rather than content. */
const DROPPED_ROLES = new Set(['navigation', 'banner', 'contentinfo', 'complementary', 'search']);
/** Elements that break text into separate runs (so `<div>a</div><div>b</div>` reads "a b"). */
const BREAKING = tags(
  'address article blockquote body br dd div dl dt fieldset figcaption figure footer',
  'h1 h2 h3 h4 h5 h6 header hr li main ol p pre section table td th tr ul',
);
/** Elements read as one paragraph each. */
const PARAGRAPHS = tags('p pre address dt dd figcaption caption summary');
const HEADING = /^h([1-6])$/;

/** Reads an HTML file: its text decoded, then its blocks. */
export function readHtml(bytes: Uint8Array): ParsedDocument {
  return htmlToDocument(decodeText(bytes));
}

/**
 * The blocks of an HTML document, from its <main> (or its only <article>) when it has one, else its
 * body; the title is the <title>, else the first h1.
 */
export function htmlToDocument(html: string): ParsedDocument {
  const document = parseDocument(html);
  const main = DomUtils.findOne((el) => el.name === 'main' || el.attribs.role === 'main', document.children);
  const articles = main ? [] : DomUtils.getElementsByTagName('article', document.children);
  const root = main ?? (articles.length === 1 ? articles[0] : undefined) ?? document;
  const out = new BlockCollector();
  walkChildren(root.children, out, root !== document);
  const blocks = out.finish();
  const titleElement = DomUtils.findOne((el) => el.name === 'title', document.children);
  const title = (titleElement && collapseWhitespace(DomUtils.textContent(titleElement))) || firstH1(blocks);
  return { ...(title && { title }), blocks, pages: estimatePages(blocks) };
}

/** Entities in a fragment of text decoded (`&amp;` → `&`), as the HTML parser reads them. */
export function decodeEntities(text: string): string {
  return text.includes('&') ? DomUtils.textContent(parseDocument(text)) : text;
}

function walk(node: ChildNode, out: BlockCollector, inArticle: boolean): void {
  if (DomUtils.isText(node)) {
    // Line breaks in the source are spaces on the page; only <br> breaks a line.
    out.text(node.data.replace(/\s+/g, ' '));
    return;
  }
  if (!DomUtils.isTag(node) || isDropped(node, inArticle)) return;
  const name = node.name;
  const level = HEADING.exec(name)?.[1];
  if (level) out.push({ kind: 'heading', level: Number(level), text: textOf(node, inArticle) });
  else if (PARAGRAPHS.has(name)) out.push({ kind: 'paragraph', text: textOf(node, inArticle) });
  else if (name === 'li') walkListItem(node, out, inArticle);
  else if (name === 'table') walkTable(node, out, inArticle);
  else if (name === 'br') out.text('\n');
  else {
    if (BREAKING.has(name)) out.flush();
    walkChildren(node.children, out, inArticle || name === 'article' || name === 'main');
    if (BREAKING.has(name)) out.flush();
  }
}

function walkChildren(children: ChildNode[], out: BlockCollector, inArticle: boolean): void {
  for (const child of children) walk(child, out, inArticle);
}

/** The item's own text, then any lists nested in it as items of their own. */
function walkListItem(item: Element, out: BlockCollector, inArticle: boolean): void {
  out.push({ kind: 'list-item', text: textOf(item, inArticle, true) });
  for (const list of outermostLists(item.children)) walk(list, out, inArticle);
}

function outermostLists(children: ChildNode[]): Element[] {
  return children
    .filter(DomUtils.isTag)
    .flatMap((el) => (el.name === 'ul' || el.name === 'ol' ? [el] : outermostLists(el.children)));
}

/**
 * One row block per data row. The header is the first row when it has only <th> cells, or when the
 * table has no <th> at all (as Word tables converted by mammoth usually do not).
 */
function walkTable(table: Element, out: BlockCollector, inArticle: boolean): void {
  for (const caption of childTags(table, 'caption')) out.push({ kind: 'paragraph', text: textOf(caption, inArticle) });
  const rows = ownRows(table).map((tr) => childTags(tr, 'td', 'th'));
  const first = rows[0] ?? [];
  const hasTh = rows.some((cells) => cells.some((c) => c.name === 'th'));
  const headerRow = rows.length > 1 && (first.every((c) => c.name === 'th') || !hasTh);
  const headers = headerRow ? first.map((c) => textOf(c, inArticle)) : [];
  for (const cells of headerRow ? rows.slice(1) : rows) {
    const values = cells.map((c) => textOf(c, inArticle));
    out.push({ kind: 'row', text: rowText(headers, values) });
  }
}

/** The table's rows, not those of tables nested in its cells. */
function ownRows(table: Element): Element[] {
  return childTags(table, 'tr', 'thead', 'tbody', 'tfoot').flatMap((el) =>
    el.name === 'tr' ? [el] : childTags(el, 'tr'),
  );
}

function childTags(parent: Element, ...names: string[]): Element[] {
  return parent.children.filter(DomUtils.isTag).filter((el) => names.includes(el.name));
}

/** The text inside an element, skipping what is dropped and, for a list item, its nested lists. */
function textOf(element: Element, inArticle: boolean, skipLists = false): string {
  const parts: string[] = [];
  const visit = (node: ChildNode): void => {
    if (DomUtils.isText(node)) parts.push(node.data);
    if (!DomUtils.isTag(node) || isDropped(node, inArticle)) return;
    if (skipLists && (node.name === 'ul' || node.name === 'ol')) return;
    const breaking = BREAKING.has(node.name);
    if (breaking) parts.push(' ');
    for (const child of node.children) visit(child);
    if (breaking) parts.push(' ');
  };
  for (const child of element.children) visit(child);
  return collapseWhitespace(parts.join(''));
}

/**
 * Whether an element is chrome or hidden. A <header> is the site's banner, except inside an article
 * or <main>, where it holds the article's own title; a <footer> is never content worth keeping.
 */
function isDropped(element: Element, inArticle: boolean): boolean {
  const { attribs, name } = element;
  if (DROPPED.has(name)) return true;
  if (name === 'header' && !inArticle) return true;
  if (name === 'footer') return true;
  if (attribs.role && DROPPED_ROLES.has(attribs.role.toLowerCase())) return true;
  if ('hidden' in attribs || attribs['aria-hidden'] === 'true') return true;
  const style = attribs.style?.replace(/\s+/g, '').toLowerCase() ?? '';
  return style.includes('display:none') || style.includes('visibility:hidden');
}

function firstH1(blocks: readonly Block[]): string | undefined {
  return blocks.find((block) => block.kind === 'heading' && block.level === 1)?.text;
}
