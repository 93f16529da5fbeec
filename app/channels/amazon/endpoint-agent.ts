// amazon-sp-api builds every URL as https://sellingpartnerapi-<region>.amazon.com on port 443 and
// has no option for another host. It does take an https agent (`https_proxy_agent`), and an agent
// decides where its connections go: this one opens them to the configured API base instead (plain
// TCP for http://, TLS for https://). Requests keep Amazon's paths and Host header. Only used when
// ConnectorConfig.endpoints.api is set (tests, the demo); production passes no agent.
import https from "node:https";
import net from "node:net";
import tls from "node:tls";
import type { Duplex } from "node:stream";

export function endpointAgent(apiBase: string): https.Agent {
  const target = new URL(apiBase);
  const secure = target.protocol === "https:";
  const port = Number(target.port || (secure ? 443 : 80));
  const host = target.hostname;
  class RoutedAgent extends https.Agent {
    override createConnection(): Duplex {
      return secure ? tls.connect({ host, port, servername: host }) : net.connect({ host, port });
    }
  }
  return new RoutedAgent();
}
