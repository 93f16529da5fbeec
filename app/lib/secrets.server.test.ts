import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { openCredentials, openSecret, sealCredentials, sealSecret } from "./secrets.server";

describe("marketplace credentials at rest", () => {
  it("seal to ciphertext that contains none of the secret and opens back to it", () => {
    const credentials = { refreshToken: "Atzr|IwEBIA-very-secret", clientSecret: "amzn1.oa2-cs.v1.abc" };
    const sealed = sealCredentials(credentials, "shop_1");
    expect(sealed).not.toContain("very-secret");
    expect(Buffer.from(sealed.slice(3), "base64").toString("latin1")).not.toContain("very-secret");
    expect(openCredentials(sealed, "shop_1")).toEqual(credentials);
  });

  it("seal the same secret differently every time (random nonce)", () => {
    expect(sealSecret("s", "shop_1")).not.toBe(sealSecret("s", "shop_1"));
  });

  it("refuse to open a ciphertext moved into another shop's row", () => {
    const sealed = sealSecret("token", "shop_1");
    expect(() => openSecret(sealed, "shop_2")).toThrow();
  });

  it("refuse to open a tampered ciphertext", () => {
    const sealed = sealSecret("token", "shop_1");
    const raw = Buffer.from(sealed.slice(3), "base64");
    raw[raw.length - 1] ^= 1;
    expect(() => openSecret(`v1:${raw.toString("base64")}`, "shop_1")).toThrow();
  });

  it("refuse to open with another key", () => {
    const sealed = sealSecret("token", "shop_1");
    expect(() => openSecret(sealed, "shop_1", randomBytes(32))).toThrow();
  });
});
