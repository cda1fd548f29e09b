/**
 * The panel's one way to write HTML. Everything on the panel that comes from the chain or a node (labels, metadata
 * URIs, provider and data source names, media types, output parts) is written by anyone, so it is escaped wherever it
 * is interpolated: the `html` tag escapes every value unless it is itself `html` (a `SafeHtml`), so markup can only
 * enter a page through this module's own templates. Links go through `href` (only `http:`, `https:` and the panel's
 * own paths), images through `imageSource` (only the committed bytes, only raster media types).
 */

/** HTML the panel wrote itself, safe to insert as is. */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
  "`": "&#96;",
};

/** `text` with every character that could open markup or leave an attribute escaped. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"'`]/g, (c) => ESCAPES[c]);
}

type Value = SafeHtml | string | number | bigint | boolean | null | undefined | readonly Value[];

function render(value: Value): string {
  if (value === null || value === undefined || value === false) return "";
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(render).join("");
  return escapeHtml(String(value));
}

/** A template whose interpolated values are escaped (arrays joined, `SafeHtml` kept, null/undefined/false empty). */
export function html(strings: TemplateStringsArray, ...values: Value[]): SafeHtml {
  let out = strings[0];
  for (let i = 0; i < values.length; i++) out += render(values[i]) + strings[i + 1];
  return new SafeHtml(out);
}

/** A link target: the panel's own paths, or an `http(s)` URL; anything else (`javascript:`, `data:`) becomes `#`. */
export function href(target: string): string {
  if (/^\/(?!\/)/.test(target)) return target;
  try {
    const url = new URL(target);
    return url.protocol === "http:" || url.protocol === "https:" ? url.toString() : "#";
  } catch {
    return "#";
  }
}

/** The raster image types shown as images; anything else (SVG included: it can carry script) is shown as data. */
export const IMAGE_MEDIA_TYPES = ["image/png", "image/jpeg", "image/gif", "image/webp"] as const;

/**
 * A `data:` URL of committed image bytes under their declared media type, or undefined when the type is not a raster
 * image type the panel shows (the part is then shown as data, never interpreted).
 */
export function imageSource(mediaType: string, content: Uint8Array): string | undefined {
  const type = mediaType.trim().toLowerCase();
  if (!(IMAGE_MEDIA_TYPES as readonly string[]).includes(type)) return undefined;
  return `data:${type};base64,${Buffer.from(content).toString("base64")}`;
}

/** A short form of a long hex value (`0x1234…abcd`), with the whole value as its title. */
export function short(hex: string, keep = 6): SafeHtml {
  if (hex.length <= keep * 2 + 3) return html`<code>${hex}</code>`;
  return html`<code title="${hex}">${hex.slice(0, keep + 2)}…${hex.slice(-keep)}</code>`;
}
