/**
 * Captures a stream's text without holding all of it: the first `maxChars / 4` characters and a
 * rolling tail, so a command that prints megabytes costs a bounded amount of memory.
 */
export class OutputCapture {
  private head = '';
  private tail = '';
  private total = 0;
  private readonly headMax: number;
  private readonly tailMax: number;

  constructor(readonly maxChars: number) {
    this.headMax = Math.floor(maxChars / 4);
    this.tailMax = maxChars - this.headMax;
  }

  push(chunk: string): void {
    this.total += chunk.length;
    if (this.head.length < this.headMax) {
      const room = this.headMax - this.head.length;
      this.head += chunk.slice(0, room);
      chunk = chunk.slice(room);
    }
    if (chunk.length === 0) return;
    this.tail += chunk;
    // Trim lazily (at twice the limit) so pushing many small chunks stays linear.
    if (this.tail.length > this.tailMax * 2) this.tail = this.tail.slice(this.tail.length - this.tailMax);
  }

  /** Counts `chars` left out (by whoever read the stream: the spawn helper counts bytes), between what was pushed and what comes next. */
  skip(chars: number): void {
    this.total += chars;
  }

  get truncated(): boolean {
    return this.total > this.maxChars;
  }

  text(): string {
    const tail = this.tail.length > this.tailMax ? this.tail.slice(this.tail.length - this.tailMax) : this.tail;
    const omitted = this.total - this.head.length - tail.length;
    return omitted > 0 ? `${this.head}\n… [${omitted} characters omitted] …\n${tail}` : this.head + tail;
  }
}
