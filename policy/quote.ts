/** A value as shown in messages: JSON-quoted and cut at 60 characters, never whole. */
export function quote(value: string): string {
  const s = value.length > 60 ? value.slice(0, 57) + "..." : value;
  return JSON.stringify(s);
}
