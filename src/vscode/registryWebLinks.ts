import type { Repository } from '../core/registry/index';

/**
 * The registry's web page for a repository (and tag), for registries that have one:
 * ghcr.io (a browser visiting https://ghcr.io/OWNER/NAME is sent to the GitHub package page),
 * Docker Hub and Quay. registry.k8s.io has no UI of its own; its images are browsed with
 * go-containerregistry's Registry Explorer (oci.dag.dev, formerly explore.ggcr.dev), which
 * reads the public registry. undefined for everything else: a private registry's names are
 * never sent to a third-party page.
 */
export function browserUrl(repo: Repository, tag?: string): string | undefined {
  const q = (s: string) => encodeURIComponent(s);
  switch (repo.host) {
    case 'ghcr.io':
      return `https://ghcr.io/${repo.path}`;
    case 'docker.io': {
      const page = repo.path.startsWith('library/') ? `https://hub.docker.com/_/${repo.path.slice(8)}` : `https://hub.docker.com/r/${repo.path}`;
      return tag ? `${page}/tags?name=${q(tag)}` : page;
    }
    case 'quay.io':
      return `https://quay.io/repository/${repo.path}` + (tag ? `?tab=tags&tag=${q(tag)}` : '');
    case 'registry.k8s.io':
      return tag ? `https://oci.dag.dev/?image=${q(`registry.k8s.io/${repo.path}:${tag}`)}` : `https://oci.dag.dev/?repo=${q(`registry.k8s.io/${repo.path}`)}`;
    default:
      return undefined;
  }
}

/** What the link is called: "Docker Hub", "GitHub Packages", "Quay", "Registry Explorer". */
export function browserName(repo: Repository): string {
  switch (repo.host) {
    case 'ghcr.io':
      return 'GitHub Packages';
    case 'docker.io':
      return 'Docker Hub';
    case 'quay.io':
      return 'Quay';
    default:
      return 'Registry Explorer';
  }
}

/** `0123456789ab` from `sha256:0123456789ab…`, the way `docker images` shortens digests. */
export function shortDigest(digest: string | null | undefined): string {
  return digest ? digest.replace(/^sha256:/, '').slice(0, 12) : '';
}
