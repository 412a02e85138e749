// One Ajv for the process, created on first use: importing Ajv and compiling its meta-schema
// costs tens of milliseconds, which instruction skills and plain `import` should not pay.
// `require` keeps this synchronous so validateParams can stay a plain function.
import type { default as AjvClass, Format } from "ajv";

let instance: AjvClass | undefined;

// Common formats without another dependency; an unknown format is a manifest error (strict).
const FORMATS: Record<string, Format> = {
  "date-time": /^\d{4}-\d\d-\d\d[Tt ]\d\d:\d\d:\d\d(?:\.\d+)?(?:[Zz]|[+-]\d\d:?\d\d)$/,
  date: /^\d{4}-\d\d-\d\d$/,
  time: /^\d\d:\d\d:\d\d(?:\.\d+)?(?:[Zz]|[+-]\d\d:?\d\d)?$/,
  email: /^[^\s@]+@[^\s@]+\.[^\s@]+$/,
  uri: /^[A-Za-z][A-Za-z0-9+.-]*:[^\s]*$/,
  url: /^https?:\/\/[^\s/$.?#][^\s]*$/i,
  hostname: /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/,
  ipv4: /^(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)$/,
  ipv6: /^[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*$/,
  uuid: /^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$/,
};

export const KNOWN_FORMATS = new Set(Object.keys(FORMATS));

export function getAjv(): AjvClass {
  if (!instance) {
    const Ajv = (require("ajv") as { default: typeof AjvClass }).default;
    instance = new Ajv({
      strict: true,
      allowUnionTypes: true,
      allErrors: false,
      useDefaults: true,
      verbose: true, // errors carry parentSchema, so "not allowed" can list the allowed names
      addUsedSchema: false, // two skills may reuse one $id without colliding
      formats: FORMATS,
    });
  }
  return instance;
}

/** Every keyword Ajv knows (core, validation, metadata vocabularies). */
export function knownKeywords(): Record<string, unknown> {
  return (getAjv() as unknown as { RULES: { keywords: Record<string, unknown> } }).RULES.keywords;
}
