import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { duration, LatencyChart, StackedBarChart } from "./charts";

describe("the overview's SVG charts", () => {
  it("draws a bar per channel split by state in proportion, and says the figures in its title and description", () => {
    const html = renderToStaticMarkup(
      <StackedBarChart
        title="Listings per channel by sync state"
        bars={[
          {
            label: "Amazon US",
            segments: [
              { label: "In sync", value: 3, color: "green" },
              { label: "Failed", value: 1, color: "red" },
            ],
          },
          {
            label: "eBay US",
            segments: [
              { label: "In sync", value: 0, color: "green" },
              { label: "Failed", value: 0, color: "red" },
            ],
          },
        ]}
      />,
    );
    expect(html).toContain('role="img"');
    expect(html).toMatch(/<title id="[^"]+">Listings per channel by sync state<\/title>/);
    expect(html).toContain("Amazon US: 3 in sync, 1 failed; eBay US: 0 in sync, 0 failed");
    // The plot is 370 wide: 3 of 4 listings is 277.5, the failed one 92.5 after it
    expect(html).toContain('<rect x="130" y="0" width="277.5" height="18" fill="green">');
    expect(html).toContain('<rect x="407.5" y="0" width="92.5" height="18" fill="red">');
    // A channel without listings gets a grey track, not a division by zero
    expect(html).not.toContain("NaN");
  });

  it("draws median and p95 on one scale and says 'nothing pushed' for a channel without pushes", () => {
    const html = renderToStaticMarkup(
      <LatencyChart
        title="Sync latency"
        format={duration}
        rows={[
          { label: "Amazon US", p50: 30, p95: 120 },
          { label: "eBay US", p50: null, p95: null },
        ]}
      />,
    );
    expect(html).toContain("Amazon US: median 30 s, 95th percentile 2.0 min; eBay US: nothing pushed");
    // p95 is the longest bar: the whole 360-wide plot; the median a quarter of it
    expect(html).toContain('width="360" height="12"');
    expect(html).toContain('width="90" height="12"');
  });

  it("reads durations as seconds, minutes or hours", () => {
    expect([duration(4.4), duration(90), duration(7200)]).toEqual(["4 s", "1.5 min", "2.0 h"]);
  });
});
