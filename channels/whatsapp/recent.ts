// A bounded id → value map (oldest dropped first). Holds recent inbound messages (to quote
// them in replies and to drop redeliveries) and sent ones (for edits and baileys' resend requests).
export class Recent<T> {
  private readonly map = new Map<string, T>();

  constructor(private readonly max: number) {}

  get(id: string): T | undefined {
    return this.map.get(id);
  }

  has(id: string): boolean {
    return this.map.has(id);
  }

  set(id: string, value: T): void {
    this.map.delete(id);
    this.map.set(id, value);
    if (this.map.size > this.max) {
      const oldest = this.map.keys().next().value;
      if (oldest !== undefined) this.map.delete(oldest);
    }
  }
}
