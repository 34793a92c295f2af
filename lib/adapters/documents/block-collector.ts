/** Collects blocks while a parser walks a document tree. */
import type { Block } from '#lib/domain/knowledge/types';
import { collapseWhitespace } from '#lib/adapters/documents/text';

/**
 * Blocks in reading order, gathered while walking a tree: headings, list items and rows are pushed
 * whole; loose text between them (in a <div>, say) is collected and becomes paragraphs when the
 * next block starts.
 */
export class BlockCollector {
  private readonly blocks: Block[] = [];
  private inline = '';

  text(text: string): void {
    this.inline += text;
  }

  push(block: Block): void {
    this.flush();
    if (block.text !== '') this.blocks.push(block);
  }

  /** Loose text so far as paragraphs, split where two <br>s left a blank line. */
  flush(): void {
    for (const paragraph of this.inline.split(/\n\s*\n/)) {
      const text = collapseWhitespace(paragraph);
      if (text !== '') this.blocks.push({ kind: 'paragraph', text });
    }
    this.inline = '';
  }

  finish(): Block[] {
    this.flush();
    return this.blocks;
  }
}
