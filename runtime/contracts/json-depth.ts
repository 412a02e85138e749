// How deeply JSON text nests, counted without parsing it. Everything that later walks a value
// (the audit's canonical JSON and redaction, JSON.stringify for the model, structuredClone to
// and from workers) recurses once per level and overflows the stack somewhere past ten
// thousand levels, so values that cross a boundary are refused well before that.

/** Most levels of arrays and objects a tool result or a gateway frame may nest. */
export const MAX_JSON_DEPTH = 256;

/** True when `json` (valid JSON text) nests arrays and objects deeper than `max`. */
export function nestsDeeperThan(json: string, max: number = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  for (let i = 0; i < json.length; i++) {
    const c = json.charCodeAt(i);
    if (c === 0x22) {
      // A string: skip to its closing quote (escapes hold no brackets that count).
      for (i++; i < json.length; i++) {
        const d = json.charCodeAt(i);
        if (d === 0x5c) i++;
        else if (d === 0x22) break;
      }
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}
