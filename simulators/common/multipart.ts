// multipart/form-data bodies (RFC 7578), for APIs that take uploaded files: Walmart's POST
// /v3/feeds carries its feed file as the `file` part. Text parts only; that is all the simulators
// receive (JSON feed files), and SimRequest.rawBody is already decoded as UTF-8.

export interface MultipartPart {
  name: string;
  filename?: string;
  contentType?: string;
  content: string;
}

/** The boundary from a Content-Type header, or null when it is not multipart/form-data. */
export function multipartBoundary(contentType: string | string[] | undefined): string | null {
  const value = Array.isArray(contentType) ? contentType[0] : contentType;
  if (!value || !/^multipart\/form-data/i.test(value)) return null;
  const match = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(value);
  return match ? (match[1] ?? match[2]).trim() : null;
}

/** Splits a multipart body into its parts; parts without a Content-Disposition name are dropped. */
export function parseMultipart(rawBody: string, boundary: string): MultipartPart[] {
  const parts: MultipartPart[] = [];
  for (const chunk of rawBody.split(`--${boundary}`)) {
    if (chunk.startsWith("--") || !chunk.trim()) continue; // the closing delimiter, the preamble
    const body = chunk.replace(/^\r\n/, "").replace(/\r\n$/, "");
    const split = body.indexOf("\r\n\r\n");
    if (split < 0) continue;
    const headers = body.slice(0, split).split("\r\n");
    const content = body.slice(split + 4);
    const disposition = headers.find((h) => /^content-disposition:/i.test(h)) ?? "";
    const name = /\bname="([^"]*)"/i.exec(disposition)?.[1];
    if (!name) continue;
    const filename = /\bfilename="([^"]*)"/i.exec(disposition)?.[1];
    const contentType = headers
      .find((h) => /^content-type:/i.test(h))
      ?.split(":")[1]
      ?.trim();
    parts.push({ name, filename, contentType, content });
  }
  return parts;
}
