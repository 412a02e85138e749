// Duplicate keys in a parsed YAML document, found in one pass. The yaml library's own check
// (`uniqueKeys: true`) compares each key with every earlier one in its mapping: a file of 40,000
// keys took 7–19 s. Shared by policy/config files and SKILL.md frontmatter.
import type { isMap, isScalar, isSeq } from "yaml";

/** The yaml library's node tests, passed in so a caller may load the library lazily. */
export interface YamlNodeTests {
  isMap: typeof isMap;
  isScalar: typeof isScalar;
  isSeq: typeof isSeq;
}

/**
 * The first key (by position) repeated within one mapping, at any depth. Keys are compared as
 * the strings they become in the parsed object, so `1:` and `"1":` collide too (the object would
 * silently keep the last). Iterative, so deep nesting cannot overflow the stack.
 */
export function firstDuplicateKey(contents: unknown, yaml: YamlNodeTests): { offset: number; key: string } | undefined {
  let first: { offset: number; key: string } | undefined;
  const stack: unknown[] = [contents];
  while (stack.length > 0) {
    const node = stack.pop();
    if (yaml.isMap(node)) {
      const seen = new Set<string>();
      for (const pair of node.items) {
        const key = pair.key;
        if (yaml.isScalar(key) && (key.value === null || typeof key.value !== "object")) {
          const name = key.value === null ? "" : String(key.value);
          const offset = key.range?.[0] ?? 0;
          if (!seen.has(name)) seen.add(name);
          else if (!first || offset < first.offset) first = { offset, key: name };
        } else stack.push(key);
        stack.push(pair.value);
      }
    } else if (yaml.isSeq(node)) {
      for (const item of node.items) stack.push(item);
    }
  }
  return first;
}
