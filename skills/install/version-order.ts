// Orders skill versions for the downgrade check of `skill install`. Versions are what
// skill.json's VERSION accepts (1, 1.2, 1.2.3, with -prerelease and +build), compared as semver
// with missing parts as 0 ("1" = "1.0.0"). SKILL.md metadata may hold any string, so a version
// that is not of that shape orders only against an identical string.
const SHAPE = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/;

/** -1, 0 or 1 as `a` is older than, the same as or newer than `b`; undefined when unknowable. */
export function compareVersions(a: string, b: string): -1 | 0 | 1 | undefined {
  if (a === b) return 0;
  const x = SHAPE.exec(a.trim());
  const y = SHAPE.exec(b.trim());
  if (!x || !y) return undefined;
  for (const i of [1, 2, 3]) {
    const d = sign(BigInt(x[i] ?? "0") - BigInt(y[i] ?? "0"));
    if (d !== 0) return d;
  }
  return comparePrerelease(x[4], y[4]);
}

// Semver §11: a prerelease is older than its release; identifiers compare numerically when both
// are numbers, numbers before words, and a longer list wins a tie.
function comparePrerelease(a: string | undefined, b: string | undefined): -1 | 0 | 1 {
  if (a === b) return 0;
  if (a === undefined) return 1;
  if (b === undefined) return -1;
  const p = a.split(".");
  const q = b.split(".");
  for (let i = 0; i < Math.min(p.length, q.length); i++) {
    const [s, t] = [p[i]!, q[i]!];
    if (s === t) continue;
    const [sn, tn] = [/^\d+$/.test(s), /^\d+$/.test(t)];
    if (sn && tn) return sign(BigInt(s) - BigInt(t));
    if (sn !== tn) return sn ? -1 : 1;
    return s < t ? -1 : 1;
  }
  return sign(BigInt(p.length - q.length));
}

const sign = (n: bigint): -1 | 0 | 1 => (n < 0n ? -1 : n > 0n ? 1 : 0);
