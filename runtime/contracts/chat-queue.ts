// Sends to one chat go out one at a time, in the order they were asked for: a piece that waits
// out an outage must not be overtaken by the piece after it (Telegram, Signal).
export class ChatQueue {
  readonly #tails = new Map<string, Promise<unknown>>();

  run<T>(chatId: string, work: () => Promise<T>): Promise<T> {
    const next = (this.#tails.get(chatId) ?? Promise.resolve()).then(work, work);
    const tail = next.catch(() => {});
    this.#tails.set(chatId, tail);
    void tail.then(() => { if (this.#tails.get(chatId) === tail) this.#tails.delete(chatId); });
    return next;
  }
}
