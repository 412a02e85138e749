// memory.search / memory.write for sandboxed skills: one MemoryStore for the whole process, so
// every skill call shares its search index and per-file write queue (and, in the gateway, the
// agent's own store). The worker has already checked `memory: read` / `write`; here the
// arguments are validated and the user comes from the pool's copy of the job, never the skill.
import { MoltFailure } from "../../contracts/errors.ts";
import { MemoryStore, MAX_FACT, type SearchHit } from "../../../memory/index.ts";
import { homePaths, moltbotHome } from "../../home.ts";
import type { ServiceCall } from "../../sandbox/types.ts";
import { ServiceError, firstLine } from "../service-error.ts";

export interface MemoryServiceOptions {
  /** The memory folder; default `<MOLTBOT_HOME>/memory`. Opened on the first call. */
  root?: string;
  /** A store the process already has open (the gateway's): used instead of opening `root`;
   *  its owner closes it. */
  store?: MemoryStore;
}

export const QUERY_MAX = 500;
export const LIMIT_MAX = 20;
/** A daily note's limit; a fact, one bullet of a profile, is shorter (FACT_MAX). */
export const TEXT_MAX = 4000;
export const FACT_MAX = MAX_FACT;
export const SECTION_MAX = 60;

export type MemoryWriteResult = { kind: "fact"; user: string; section: string } | { kind: "daily" };

export class MemoryService {
  readonly #opts: MemoryServiceOptions;
  #store: MemoryStore | undefined;

  constructor(opts: MemoryServiceOptions = {}) {
    this.#opts = opts;
    this.#store = opts.store;
  }

  async call(method: string, args: unknown[], call: ServiceCall): Promise<SearchHit[] | MemoryWriteResult> {
    const o = (args[0] ?? {}) as Record<string, unknown>;
    if (method === "search") return this.#search(o, call);
    if (method === "write") return this.#write(o, call);
    throw new ServiceError(`memory.${method} does not exist`, "invalid_params");
  }

  close(): void {
    if (this.#store && this.#store !== this.#opts.store) this.#store.close();
    this.#store = undefined;
  }

  #open(): MemoryStore {
    return (this.#store ??= new MemoryStore(this.#opts.root ?? homePaths(moltbotHome()).memory));
  }

  async #search(o: Record<string, unknown>, call: ServiceCall): Promise<SearchHit[]> {
    const query = text(o.query, "memory.search: query", QUERY_MAX);
    // The sandbox bridge carries `undefined` as null: both mean "not given".
    const limit = o.limit ?? 5;
    if (typeof limit !== "number" || !Number.isInteger(limit) || limit < 1 || limit > LIMIT_MAX) {
      throw new ServiceError(`memory.search: limit must be a whole number from 1 to ${LIMIT_MAX}`, "invalid_params");
    }
    // With a user, other users' profiles and transcripts they never spoke in stay out.
    return guarded(() => this.#open().search(query, { limit, ...(call.user !== undefined ? { user: call.user } : {}) }));
  }

  async #write(o: Record<string, unknown>, call: ServiceCall): Promise<MemoryWriteResult> {
    if (o.kind !== "fact" && o.kind !== "daily") throw new ServiceError('memory.write: kind must be "fact" or "daily"', "invalid_params");
    const body = o.kind === "fact" ? text(o.text, "memory.write: a fact's text", FACT_MAX, "; a longer text belongs in a \"daily\" note") : text(o.text, "memory.write: text", TEXT_MAX);
    const section = o.section === undefined || o.section === null ? undefined : text(o.section, "memory.write: section", SECTION_MAX);
    if (o.kind === "daily") {
      await guarded(() => this.#open().appendDaily(body));
      return { kind: "daily" };
    }
    const user = call.user;
    if (user === undefined || user === "") {
      throw new ServiceError('memory.write: this call has no user to file the fact under; use kind "daily" instead', "invalid_input");
    }
    // What was written: the section as cleaned, or the existing heading it matched.
    const written = await guarded(() => this.#open().addFact(user, body, section));
    return { kind: "fact", user, section: written.section };
  }
}

function text(v: unknown, what: string, max: number, hint = ""): string {
  if (typeof v !== "string" || v.trim() === "") throw new ServiceError(`${what} must be a non-empty string`, "invalid_params");
  const t = v.trim();
  if (t.length > max) throw new ServiceError(`${what} is longer than ${max} characters (${t.length})${hint}`, "invalid_params");
  return t;
}

/** The store's own failures keep their code and one-line message; anything else is internal. */
async function guarded<T>(f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (err) {
    if (err instanceof MoltFailure) throw new ServiceError(firstLine(err), err.error.code);
    throw new ServiceError(`memory: ${firstLine(err)}`, "internal");
  }
}
