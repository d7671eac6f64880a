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
