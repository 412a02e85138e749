// Writing a member whose key came from outside (a tool's parameters, a YAML file, a manifest).

/**
 * out[key] = value as an own property, even for the key "__proto__" (a plain assignment would
 * set the prototype instead: the member would vanish, and its values be inherited unseen).
 */
export function setOwn(out: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
}
