// Two limiters: a token bucket per connection (frames per second, with a burst), and a window
// of failed authentications per client address (IPv6: per /64), so guessing a token costs time.

export class TokenBucket {
  private tokens: number;
  private last: number;
  constructor(private readonly perSecond: number, private readonly burst: number, private readonly now: () => number = performance.now.bind(performance)) {
    this.tokens = burst;
    this.last = now();
  }

  take(): boolean {
    const t = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((t - this.last) / 1000) * this.perSecond);
    this.last = t;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

interface Client {
  key: string;
  /** The last `max` failure times, oldest first. */
  times: number[];
  older?: Client;
  newer?: Client;
}

/**
 * Failed authentications per client (see `clientKey`), within a sliding window. At most
 * `capacity` clients are remembered, in a list by last failure: expired clients and, when full,
 * the least recently failing one are dropped from its old end, so each failure costs O(1)
 * whatever the number of addresses an attacker controls. (A Map's own order would do, but
 * finding its first entry gets slower as deleted entries pile up in Bun's Map.)
 */
export class FailureLimiter {
  private readonly clients = new Map<string, Client>();
  private oldest?: Client;
  private newest?: Client;
  constructor(
    private readonly max: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
    private readonly capacity = 10_000,
  ) {}

  /** Clients remembered now. */
  get size(): number {
    return this.clients.size;
  }

  /** True while `address` has used up its failures in the current window. */
  blocked(address: string): boolean {
    return this.recent(clientKey(address)).length >= this.max;
  }

  fail(address: string): void {
    const key = clientKey(address);
    this.recent(key);
    const client = this.clients.get(key) ?? { key, times: [] };
    client.times.push(this.now());
    // Only the last `max` failures decide whether and how long the client waits.
    if (client.times.length > Math.max(1, this.max)) client.times.shift();
    if (this.clients.has(key)) this.unlink(client);
    this.clients.set(key, client);
    client.older = this.newest;
    if (this.newest) this.newest.newer = client;
    this.newest = client;
    this.oldest ??= client;
    const cutoff = this.now() - this.windowMs;
    for (let c = this.oldest; c && (this.clients.size > this.capacity || c.times[c.times.length - 1]! <= cutoff); c = this.oldest) this.forget(c);
  }

  /** Milliseconds until `address` may try again (0 when it may now). */
  retryAfter(address: string): number {
    const list = this.recent(clientKey(address));
    if (list.length < this.max) return 0;
    return Math.max(0, list[list.length - this.max]! + this.windowMs - this.now());
  }

  private recent(key: string): number[] {
    const client = this.clients.get(key);
    if (!client) return [];
    const cutoff = this.now() - this.windowMs;
    while (client.times.length > 0 && client.times[0]! <= cutoff) client.times.shift();
    if (client.times.length === 0) this.forget(client);
    return client.times;
  }

  private forget(client: Client): void {
    this.clients.delete(client.key);
    this.unlink(client);
  }

  private unlink(client: Client): void {
    if (client.older) client.older.newer = client.newer;
    else if (this.oldest === client) this.oldest = client.newer;
    if (client.newer) client.newer.older = client.older;
    else if (this.newest === client) this.newest = client.older;
    client.older = client.newer = undefined;
  }
}

/**
 * What one client controls: an IPv4 address, or an IPv6 /64 (a host is usually handed a whole
 * /64, so counting its addresses one by one would give it unlimited guesses). IPv4-mapped IPv6
 * addresses count as their IPv4 address; anything unparsable is keyed as given.
 */
export function clientKey(address: string): string {
  const addr = address.split("%")[0]!.toLowerCase(); // drop an IPv6 zone id
  if (!addr.includes(":")) return addr;
  const g = ipv6Groups(addr);
  if (!g) return addr;
  if (g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff) return `${g[6]! >> 8}.${g[6]! & 255}.${g[7]! >> 8}.${g[7]! & 255}`;
  return `${g.slice(0, 4).map((x) => x.toString(16)).join(":")}::/64`;
}

/** The eight 16-bit groups of an IPv6 address, or null when it is not one. */
function ipv6Groups(addr: string): number[] | null {
  let text = addr;
  // An IPv4 tail (::ffff:192.0.2.1) is the last two groups.
  const v4 = /:(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (v4) {
    const b = v4.slice(1).map(Number);
    if (b.some((x) => x > 255)) return null;
    text = `${text.slice(0, v4.index + 1)}${((b[0]! << 8) | b[1]!).toString(16)}:${((b[2]! << 8) | b[3]!).toString(16)}`;
  }
  const halves = text.split("::");
  if (halves.length > 2) return null;
  const part = (s: string | undefined) => (s ? s.split(":") : []);
  const head = part(halves[0]);
  const tail = part(halves[1]);
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  const groups = [...head, ...Array<string>(missing).fill("0"), ...tail];
  if (!groups.every((x) => /^[0-9a-f]{1,4}$/.test(x))) return null;
  return groups.map((x) => parseInt(x, 16));
}
