/**
 * The lines of a command's output that a user should not see from a command that succeeded: npm's and
 * ts-jest's warnings, deprecation notices, errors, the frames of a stack trace and cdk8s-cli's upgrade banner.
 */
export function noiseLines(output: string): string[] {
  return output.split('\n').filter((line) => /\bwarn(ing)?\b|deprecat|\berror\b|^\s+at .+:\d+:\d+\)?$|new version/i.test(line));
}
