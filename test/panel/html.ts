/**
 * panel/html.ts on its own: the panel's one way to write HTML. Values are escaped wherever they are interpolated,
 * links are only the panel's own paths or http(s), images only raster types from committed bytes.
 */
import { expect } from "chai";

import { escapeHtml, href, html, imageSource, SafeHtml } from "../../panel/html.js";

describe("panel html: escaping, links and images", () => {
  it("escapes every interpolated value, in text and in attributes, and keeps only its own SafeHtml", () => {
    const label = `"><script>alert(1)</script><img src=x onerror='x'>\``;
    const out = html`<p title="${label}">${label}</p>
      ${new SafeHtml("<b>ok</b>")}`.value;
    expect(out).to.not.include("<script>");
    expect(out).to.not.include("<img");
    expect(out).to.include("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(out).to.include("&quot;&gt;");
    expect(out).to.include("&#39;x&#39;");
    expect(out).to.include("&#96;");
    expect(out).to.include("<b>ok</b>");
    expect(escapeHtml("a & b")).to.equal("a &amp; b");
    expect(html`${[1n, "<", null, undefined, false]}`.value).to.equal("1&lt;");
  });

  it("turns javascript:, data: and protocol-relative links into #, keeps http(s) and the panel's own paths", () => {
    expect(href("javascript:alert(1)")).to.equal("#");
    expect(href(" JaVaScRiPt:alert(1)")).to.equal("#");
    expect(href("data:text/html,<script>1</script>")).to.equal("#");
    expect(href("//evil.example/x")).to.equal("#");
    expect(href("ipfs://card")).to.equal("#");
    expect(href("/inference/0x12")).to.equal("/inference/0x12");
    expect(href("https://example.com/a?b=1")).to.equal("https://example.com/a?b=1");
  });

  it("shows only raster image types, from the committed bytes; SVG and anything else is data", () => {
    const bytes = new Uint8Array([0x89, 0x50, 0x4e, 0x47]);
    expect(imageSource("image/png", bytes)).to.equal("data:image/png;base64,iVBORw==");
    expect(imageSource(" IMAGE/JPEG ", bytes)).to.match(/^data:image\/jpeg;base64,/);
    expect(imageSource("image/svg+xml", bytes)).to.equal(undefined);
    expect(imageSource("text/html", bytes)).to.equal(undefined);
    expect(imageSource('image/png"><script>', bytes)).to.equal(undefined);
  });
});
