/** `s` as a literal inside a regular expression (`k8s.gcr.io` -> `k8s\.gcr\.io`). */
export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
