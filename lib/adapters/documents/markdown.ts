/** Markdown to blocks, from marked's token stream (no HTML rendering in between). */
import { lexer, type MarkedToken, type Token, type Tokens } from 'marked';
import type { Block, ParsedDocument } from '#lib/domain/knowledge/types';
import { decodeEntities, htmlToDocument } from '#lib/adapters/documents/html';
import { collapseWhitespace, decodeText, estimatePages, rowText } from '#lib/adapters/documents/text';

/** Reads a Markdown file; the title is its first level-1 heading. */
export function readMarkdown(bytes: Uint8Array): ParsedDocument {
  const blocks = blocksOf(lexer(decodeText(bytes)));
  const title = blocks.find((block) => block.kind === 'heading' && block.level === 1)?.text;
  return { ...(title && { title }), blocks, pages: estimatePages(blocks) };
}

function blocksOf(tokens: readonly Token[]): Block[] {
  const blocks: Block[] = [];
  const add = (block: Block): void => {
    if (block.text !== '') blocks.push(block);
  };
  // Without extensions, marked produces only its own token types.
  for (const token of tokens as readonly MarkedToken[]) {
    switch (token.type) {
      case 'heading':
        add({ kind: 'heading', level: token.depth, text: inlineText(token.tokens) });
        break;
      case 'paragraph':
      case 'text':
        add({ kind: 'paragraph', text: inlineText(token.tokens ?? [token]) });
        break;
      case 'code':
        add({ kind: 'paragraph', text: collapseWhitespace(token.text) });
        break;
      case 'list':
        blocks.push(...listBlocks(token));
        break;
      case 'table':
        blocks.push(...tableBlocks(token));
        break;
      case 'blockquote':
        blocks.push(...blocksOf(token.tokens));
        break;
      case 'html':
        blocks.push(...htmlToDocument(token.text).blocks);
        break;
      // Spaces, rules and link definitions carry no text.
    }
  }
  return blocks;
}

/** Each item's own text as a list item; lists nested in it follow as items of their own. */
function listBlocks(list: Tokens.List): Block[] {
  return list.items.flatMap((item) => {
    const own = item.tokens.filter((token) => token.type !== 'list');
    const nested = item.tokens.filter((token) => token.type === 'list');
    const text = blocksOf(own)
      .map((block) => block.text)
      .join(' ');
    return [...(text === '' ? [] : [{ kind: 'list-item' as const, text }]), ...blocksOf(nested)];
  });
}

function tableBlocks(table: Tokens.Table): Block[] {
  const headers = table.header.map((cell) => inlineText(cell.tokens));
  return table.rows
    .map((row) => row.map((cell) => inlineText(cell.tokens)))
    .map((values) => rowText(headers, values))
    .filter((text) => text !== '')
    .map((text) => ({ kind: 'row', text }));
}

/** The plain text of inline tokens: emphasis and links reduced to their words, images to their alt text. */
function inlineText(tokens: readonly Token[]): string {
  return collapseWhitespace(tokens.map(plain).join(''));
}

function plain(generic: Token): string {
  const token = generic as MarkedToken;
  switch (token.type) {
    case 'escape':
    case 'codespan':
      return token.text;
    case 'br':
      return ' ';
    case 'html':
      // Inline tags (<kbd>, <sup>…) are markup; the text between them comes as text tokens.
      return '';
    case 'text':
      return token.tokens ? token.tokens.map(plain).join('') : decodeEntities(token.text);
    default:
      if ('tokens' in token && Array.isArray(token.tokens)) return token.tokens.map(plain).join('');
      return 'text' in token && typeof token.text === 'string' ? decodeEntities(token.text) : '';
  }
}
