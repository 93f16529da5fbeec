// Behaviour that depends on the Admin API version a request names (/admin/api/<version>/graphql.json).

/** Whether `apiVersion` (YYYY-MM, or `unstable`, newer than any) is `version` or later. YYYY-MM order as strings. */
export function apiVersionAtLeast(apiVersion: string, version: string): boolean {
  return apiVersion === "unstable" || (/^\d{4}-\d{2}$/.test(apiVersion) && apiVersion >= version);
}
