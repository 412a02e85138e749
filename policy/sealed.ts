// A sealed policy is deep-frozen: it can never change, so what is derived from it by a pure
// function (a permission decision) stays true for as long as the object lives. The sandbox pool
// seals every policy it is given, and a worker seals its copy when it arrives.
const sealed = new WeakSet<object>();

/** Deep-freezes `policy` (once) and marks it sealed; returns it. */
export function sealPolicy<T extends object>(policy: T): T {
  if (!sealed.has(policy)) {
    freezeDeep(policy);
    sealed.add(policy);
  }
  return policy;
}

/** True for a policy `sealPolicy` froze; a policy frozen any other way may still be mutable deeper down. */
export function isSealed(policy: object): boolean {
  return sealed.has(policy);
}

// Down to every leaf, even below an object already frozen (that says nothing of its members).
function freezeDeep(value: unknown, seen = new Set<object>()): void {
  if (typeof value !== "object" || value === null || seen.has(value)) return;
  seen.add(value);
  Object.freeze(value);
  for (const v of Object.values(value)) freezeDeep(v, seen);
}
