import * as fs from 'fs';

/** Loaded on first use, so validating objects in memory (and importing the package) does not load a YAML parser. */
const loadYaml = (): typeof import('yaml') => require('yaml');
import { RULES } from './rules';
import { SourcedDocument, Violation } from './types';

/** The documents of some manifest files, and a violation for each file that is not valid YAML. */
export interface LoadedManifests {
  readonly documents: SourcedDocument[];
  readonly syntaxErrors: Violation[];
}

/**
 * How kubectl reads manifests (sigs.k8s.io/yaml on go-yaml v2): YAML 1.1, where `yes`, `on` and `off` are booleans
 * and `0777` is an octal number, unlike YAML 1.2.
 */
export const KUBECTL_YAML = { version: '1.1' } as const;

/** Reads multi-document YAML manifest files as kubectl reads them, remembering the file of every document. */
export function loadYamlFiles(paths: readonly string[]): LoadedManifests {
  const documents: SourcedDocument[] = [];
  const syntaxErrors: Violation[] = [];
  for (const file of paths) {
    loadYaml().parseAllDocuments(fs.readFileSync(file, 'utf8'), KUBECTL_YAML).forEach((document, position) => {
      if (document.errors.length > 0) {
        syntaxErrors.push({
          file,
          object: `(document ${position + 1})`,
          field: '',
          rule: RULES.schemaYamlSyntax.id,
          message: document.errors.map((error) => error.message).join('; '),
          fix: 'Fix the YAML syntax of this document.',
          severity: RULES.schemaYamlSyntax.severity,
        });
        return;
      }
      documents.push({ document: document.toJS(), file, position });
    });
  }
  return { documents, syntaxErrors };
}
