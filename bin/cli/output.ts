/**
 * Where a command's output goes. Everything printed is collected (runCli returns it, so tests need
 * no process) and, when the CLI runs for real, written at once too, so long-running commands
 * (tail, upload progress) show as they go.
 */
export interface CliIo {
  /** Writes stdout as it is printed; without it, output is only collected. */
  stdout?: (text: string) => void;
  /** Progress and notices; without it, they are dropped. */
  stderr?: (text: string) => void;
  /** A terminal redraws the progress bar in place; anything else gets one line per update. */
  stderrIsTty?: boolean;
}

export class Output {
  private collected = '';
  private progressShown = false;

  constructor(private readonly io: CliIo = {}) {}

  print(text: string): void {
    this.endProgress();
    this.collected += text;
    this.io.stdout?.(text);
  }

  /** Replaces the progress line (on stderr). */
  progress(line: string): void {
    this.io.stderr?.(this.io.stderrIsTty ? `\r${line}\x1b[K` : `${line}\n`);
    this.progressShown = true;
  }

  endProgress(): void {
    if (this.progressShown && this.io.stderrIsTty) this.io.stderr?.('\n');
    this.progressShown = false;
  }

  notice(text: string): void {
    this.endProgress();
    this.io.stderr?.(text);
  }

  text(): string {
    return this.collected;
  }
}

/** `[#####-----]` for done out of total. */
export function bar(done: number, total: number, width = 20): string {
  const filled = total === 0 ? width : Math.round((done / total) * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
}

/** 1536 → "1.5 KB". */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

export function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
