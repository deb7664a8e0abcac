/**
 * Unit tests of the SVG post-processing: a figure's bytes must not depend on what was rendered
 * before it in the same process.
 */

import { strictEqual } from "node:assert/strict";
import { renderSvg, renumberSvgIds } from "../../src/report/render.ts";
import { lineChart } from "../../src/report/specs.ts";

Deno.test("renumberSvgIds() renumbers ids per stem in order of appearance, with every reference", () => {
  const svg = `<svg><clipPath id="clip183"><rect/></clipPath><g clip-path="url(#clip183)"/>` +
    `<clipPath id="clip7"/><use href="#clip7"/><linearGradient id="gradient42"/>` +
    `<path fill="url(#gradient42)"/><g clip-path="url(#elsewhere)"/></svg>`;
  strictEqual(
    renumberSvgIds(svg),
    `<svg><clipPath id="clip1"><rect/></clipPath><g clip-path="url(#clip1)"/>` +
      `<clipPath id="clip2"/><use href="#clip2"/><linearGradient id="gradient1"/>` +
      `<path fill="url(#gradient1)"/><g clip-path="url(#elsewhere)"/></svg>`,
  );
});

Deno.test("renderSvg() gives the same bytes for a figure however many were rendered before", async () => {
  const spec = lineChart({
    data: [{ x: 0, y: 1 }, { x: 1, y: 0.5 }, { x: 2, y: 0.25 }],
    x: "x",
    y: "y",
    title: "halving",
  });
  const first = (await renderSvg(spec)).svg;
  for (let i = 0; i < 3; i++) await renderSvg(spec);
  strictEqual((await renderSvg(spec)).svg, first);
});
