import { describe, expect, it } from "vitest";
import { parseExactJson } from "./exact-json";

describe("parseExactJson", () => {
  it("keeps integers above 2^53 as their exact digits", () => {
    expect(parseExactJson('{"id": 9007199254740993}')).toEqual({ id: "9007199254740993" });
    expect(JSON.parse('{"id": 9007199254740993}').id).toBe(9007199254740992); // what it protects against
  });

  it("leaves safe integers, decimals and strings as JSON.parse would", () => {
    expect(parseExactJson('{"a": 42, "b": 1.25, "c": "x", "d": [9007199254740991]}')).toEqual({ a: 42, b: 1.25, c: "x", d: [9007199254740991] });
  });

  it("throws on malformed JSON", () => {
    expect(() => parseExactJson('{"a":')).toThrow(SyntaxError);
  });
});
