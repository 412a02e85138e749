// The SDK's store, told to remember just enough across restarts: the last `next_batch` (so the
// first /sync after a restart continues where the last one stopped — nothing replayed, nothing
// lost) and the sync filter id. Room state is not cached: it is re-read from the server.
import { MemoryStore } from "matrix-js-sdk";
import type { ISyncResponse } from "matrix-js-sdk/lib/sync-accumulator.js";
import { type MatrixState, writeState } from "./state-file.ts";

export class SyncTokenStore extends MemoryStore {
  readonly #dir: string;
  readonly #state: MatrixState;

  constructor(dir: string, state: MatrixState) {
    super();
    this.#dir = dir;
    this.#state = state;
  }

  /** Whether the first /sync continues from a saved token (else it is an initial sync). */
  get resuming(): boolean {
    return this.#state.next_batch !== undefined;
  }

  override getSavedSyncToken(): Promise<string | null> {
    return Promise.resolve(this.#state.next_batch ?? null);
  }

  /** Called by the SDK after each /sync response was processed (handlers already ran). */
  override setSyncData(data: ISyncResponse): Promise<void> {
    if (data.next_batch && data.next_batch !== this.#state.next_batch) {
      this.#state.next_batch = data.next_batch;
      writeState(this.#dir, this.#state);
    }
    return Promise.resolve();
  }

  override getFilterIdByName(name: string): string | null {
    return name.startsWith("FILTER_SYNC_") && this.#state.filter_id ? this.#state.filter_id : super.getFilterIdByName(name);
  }

  override setFilterIdByName(name: string, filterId?: string): void {
    super.setFilterIdByName(name, filterId);
    if (name.startsWith("FILTER_SYNC_") && filterId && filterId !== this.#state.filter_id) {
      this.#state.filter_id = filterId;
      writeState(this.#dir, this.#state);
    }
  }
}
