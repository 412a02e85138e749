// ${VAR} and ${VAR:-default} in config values (DESIGN §7). A variable that is not set and has no
// default is an error naming it. Every value that was expanded is listed with the references it
// came from, so the loader can type it (a port from ${PORT}) and messages can say where a value
// came from without showing a secret.
import { setOwn } from "../contracts/set-own.ts";

export type Env = Record<string, string | undefined>;

export interface Missing {
  path: (string | number)[];
  variable: string;
}

/** A value that was not as written: the string at `path` held these references. */
export interface Expanded {
  path: (string | number)[];
  /** As written, in order: `${PORT}`, `${STEPS:-8}`. */
  refs: string[];
  /** The variables whose values from the environment went into it (not defaults). */
  fromEnv: string[];
}

const REF = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

/** Expands every string in `data` (deeply); returns the first missing variable, if any, the
 *  first place a YAML alias refers to its own ancestor (`owners: &a [*a]`, a cycle no config
 *  value can be), and every value that was expanded (see Expanded). */
export function expandEnv(data: unknown, env: Env): {
  value: unknown; missing?: Missing; cycle?: (string | number)[]; expanded: Expanded[];
} {
  let missing: Missing | undefined;
  let cycle: (string | number)[] | undefined;
  const expanded: Expanded[] = [];
  const open = new Set<object>(); // the containers being walked, outermost first
  const walk = (v: unknown, path: (string | number)[]): unknown => {
    if (typeof v === "string") {
      // Only text up to the last "}" can hold a reference. Past it, every "${" would make the
      // pattern scan to the end before failing: a value of many unclosed "${a:-" took its
      // length squared.
      const close = v.lastIndexOf("}");
      if (close === -1) return v;
      const place: Expanded = { path, refs: [], fromEnv: [] };
      const out = v.slice(0, close + 1).replace(REF, (ref: string, name: string, fallback: string | undefined) => {
        place.refs.push(ref);
        const set = env[name];
        if (set !== undefined && set !== "") {
          place.fromEnv.push(name);
          return set;
        }
        if (fallback !== undefined) return fallback;
        missing ??= { path, variable: name };
        return "";
      }) + v.slice(close + 1);
      if (place.refs.length > 0) expanded.push(place);
      return out;
    }
    if (v === null || typeof v !== "object") return v;
    if (open.has(v)) {
      cycle ??= path;
      return null;
    }
    open.add(v);
    try {
      if (Array.isArray(v)) return v.map((x, i) => walk(x, [...path, i]));
      const out: Record<string, unknown> = {};
      // As an own property: a "__proto__" key is a key (the schema refuses it), never the
      // object's prototype, whose members would pass the schema unseen.
      for (const [k, x] of Object.entries(v)) setOwn(out, k, walk(x, [...path, k]));
      return out;
    } finally {
      open.delete(v);
    }
  };
  const value = walk(data, []);
  return { value, expanded, ...(missing ? { missing } : {}), ...(cycle ? { cycle } : {}) };
}
