// Login with Amazon access tokens from the seller's refresh token (grant_type=refresh_token),
// kept until just before they expire. Done here rather than by amazon-sp-api, whose own refresh
// does not keep `expires_in` and reaches only the production LWA host.
import { ChannelError } from "../connector";
import { channelErrorFromStatus } from "../retry";
import { TOKEN_RENEW_MARGIN_MS } from "./limits";

export interface LwaCredentials {
  clientId: string;
  clientSecret: string;
  refreshToken: string;
}

interface TokenAnswer {
  access_token?: string;
  expires_in?: number;
  error?: string;
  error_description?: string;
}

/** LWA's OAuth errors that mean the seller must authorise again (RFC 6749 §5.2 codes). */
const CREDENTIAL_ERRORS = new Set(["invalid_grant", "invalid_client", "unauthorized_client"]);

export class LwaTokens {
  private cached: { value: string; renewAt: number } | null = null;

  constructor(
    private readonly authBase: string,
    private readonly credentials: LwaCredentials,
    private readonly now: () => number = Date.now,
  ) {}

  async accessToken(): Promise<string> {
    if (this.cached && this.now() < this.cached.renewAt) return this.cached.value;
    let response: Response;
    try {
      response = await fetch(`${this.authBase}/auth/o2/token`, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded;charset=UTF-8" },
        body: new URLSearchParams({
          grant_type: "refresh_token",
          refresh_token: this.credentials.refreshToken,
          client_id: this.credentials.clientId,
          client_secret: this.credentials.clientSecret,
        }).toString(),
      });
    } catch (error) {
      throw new ChannelError(`Login with Amazon unreachable: ${String(error)}`, { retryable: true });
    }
    const answer = (await response.json().catch(() => ({}))) as TokenAnswer;
    if (!response.ok || !answer.access_token) {
      const message = `Login with Amazon refused the refresh token (${response.status}${answer.error ? ` ${answer.error}: ${answer.error_description ?? ""}` : ""})`;
      if (answer.error && CREDENTIAL_ERRORS.has(answer.error))
        throw new ChannelError(message, { status: response.status, retryable: false, authFailed: true, code: answer.error });
      throw channelErrorFromStatus(response.status, message, response.headers.get("retry-after"));
    }
    this.cached = { value: answer.access_token, renewAt: this.now() + (answer.expires_in ?? 3600) * 1000 - TOKEN_RENEW_MARGIN_MS };
    return answer.access_token;
  }

  /** SP-API refused the token (expired early, revoked): the next call asks LWA again. */
  forget() {
    this.cached = null;
  }
}
