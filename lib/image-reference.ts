/** Image references (`registry:5000/team/app:v1.2@sha256:...`): the one parser of their tag. */

/** The tag of an image reference, or undefined when it has none (a registry port is not a tag). */
export function imageTag(image: string): string | undefined {
  const withoutDigest = image.split('@')[0];
  const lastSegment = withoutDigest.substring(withoutDigest.lastIndexOf('/') + 1);
  const colon = lastSegment.lastIndexOf(':');
  return colon === -1 ? undefined : lastSegment.substring(colon + 1);
}

/** Why an image reference is not pinned: `latest`, `untagged`, or undefined when it is pinned (by a tag other than latest, or a digest). */
export function imageTagProblem(image: string): 'latest' | 'untagged' | undefined {
  if (image.includes('@')) return undefined;
  const tag = imageTag(image);
  if (!tag) return 'untagged';
  return tag === 'latest' ? 'latest' : undefined;
}

// The OCI / distribution reference grammar (github.com/distribution/reference, regexp.go).
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[0-9a-fA-F:]+\\])(?::[0-9]+)?`;
const PATH_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*';
const NAME = `(?:${DOMAIN}/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*`;
const TAG = '[\\w][\\w.-]{0,127}';
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}';
const REFERENCE = new RegExp(`^(${NAME})(?::${TAG})?(?:@(${DIGEST}))?$`);
const REGISTRY_PREFIX = new RegExp(`^${DOMAIN}(?:/${PATH_COMPONENT})*$`);
/** A whole image tag, as the OCI reference grammar allows it (letters, digits, "_", "." and "-", at most 128). */
export const IMAGE_TAG = new RegExp(`^${TAG}$`);

/**
 * What is wrong with an image reference, or undefined when it follows the OCI reference grammar as the kubelet
 * parses it (distribution's ParseNormalizedNamed), with one deliberate difference: a first component in upper case
 * without "." or ":" (`UPPER/app`) is refused, where distribution would take it for a registry host: a registry
 * host without a dot or a port does not resolve outside a cluster's own search domains, and the component is
 * almost always a Docker Hub namespace, which must be lower case.
 */
export function imageReferenceProblem(image: string): string | undefined {
  if (/\s/.test(image)) return 'it contains whitespace';
  if (/^[a-f0-9]{64}$/.test(image)) return 'it is a 64-hex-digit image ID, not a repository name';
  const first = image.split('/')[0];
  if (image.includes('/') && !/[.:]/.test(first) && first !== 'localhost' && first !== first.toLowerCase()) {
    return `the repository must be lower case ("${first}" has no "." or port, so it is a Docker Hub namespace, not a registry host)`;
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(image)) return 'it has a URL scheme; an image reference has none';
  const match = REFERENCE.exec(image);
  if (!match) {
    if (/@/.test(image)) return 'the digest must be "<algorithm>:<hex>", e.g. "sha256:" and 64 hex digits';
    return 'the repository path must be lowercase letters, digits and single separators (".", "_", "__", "-"), and a tag at most 128 letters, digits, "_", "." or "-"';
  }
  if (match[1].length > 255) return 'the name is longer than 255 characters';
  const digest = match[2];
  if (digest?.startsWith('sha256:') && digest.length !== 'sha256:'.length + 64) return 'a sha256 digest has exactly 64 hex digits';
  return undefined;
}

/**
 * What is wrong with a registry prefix such as `ghcr.io/acme` or `localhost:5001`, or undefined when it is one:
 * a host (with a "." or a port, or `localhost`), optionally followed by lowercase path components.
 */
export function registryPrefixProblem(registry: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(registry)) return 'it has a URL scheme; a registry prefix has none';
  if (!REGISTRY_PREFIX.test(registry)) return 'it must be a host[:port] followed by optional lowercase path components, without spaces or a tag';
  const host = registry.split('/')[0];
  if (!host.includes('.') && !host.includes(':') && host !== 'localhost') {
    return 'its first part is not a registry host (it has no "." or port, so it would be read as a Docker Hub namespace)';
  }
  return undefined;
}
