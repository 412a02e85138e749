// Sends to one chat go out one at a time with a small gap: WhatsApp throttles (and may ban)
// accounts that burst, and the order of a split answer must be kept.
export class SendQueue {
  private readonly tails = new Map<string, Promise<unknown>>();

  constructor(private readonly gapMs: number) {}

  run<T>(chatId: string, work: () => Promise<T>): Promise<T> {
    const prev = this.tails.get(chatId) ?? Promise.resolve();
    const next = prev.then(work, work);
    const tail = next.then(() => this.pause(), () => this.pause());
    this.tails.set(chatId, tail);
    void tail.then(() => { if (this.tails.get(chatId) === tail) this.tails.delete(chatId); });
    return next;
  }

  /** Resolves when every queued send has finished (success or failure). */
  async drain(): Promise<void> {
    while (this.tails.size > 0) await Promise.all([...this.tails.values()]);
  }

  private pause(): Promise<void> {
    return this.gapMs > 0 ? new Promise((r) => setTimeout(r, this.gapMs)) : Promise.resolve();
  }
}
