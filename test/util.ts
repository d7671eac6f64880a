import { App, Chart, Testing } from 'cdk8s';

/** A synthesized Kubernetes object, loosely typed for assertions. */
export type Manifest = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> }; [key: string]: any };

/** A chart in namespace `test` inside a fresh app. */
export function testChart(namespace: string | undefined = 'test'): Chart {
  return new Chart(new App(), 'test', { namespace });
}

export function synth(chart: Chart): Manifest[] {
  return Testing.synth(chart) as Manifest[];
}

export function findObject(objects: Manifest[], kind: string, name?: string): Manifest {
  const found = objects.find((object) => object.kind === kind && (name === undefined || object.metadata.name === name));
  if (!found) throw new Error(`no ${kind} ${name ?? ''} in ${objects.map((o) => `${o.kind}/${o.metadata.name}`).join(', ')}`);
  return found;
}

export function kinds(objects: Manifest[]): string[] {
  return objects.map((object) => object.kind);
}

/** Every pod spec in the objects (Deployments, StatefulSets, Jobs, CronJobs, Pods). */
export function podSpecs(objects: Manifest[]): Array<{ owner: string; spec: any }> {
  return objects.flatMap((object) => {
    const owner = `${object.kind}/${object.metadata.name}`;
    if (object.kind === 'Pod') return [{ owner, spec: object.spec }];
    if (object.kind === 'CronJob') return [{ owner, spec: object.spec.jobTemplate.spec.template.spec }];
    if (object.spec?.template?.spec) return [{ owner, spec: object.spec.template.spec }];
    return [];
  });
}

/** The main container of a Deployment. */
export function mainContainer(deployment: Manifest): any {
  return deployment.spec.template.spec.containers[0];
}

/** Runs every construct validation like `app.synth()` does, without writing files; returns the YAML. */
export function validate(app: App): string {
  return app.synthYaml();
}

/** Every object of one kind, in output order. */
export function objectsOfKind(objects: Manifest[], kind: string): Manifest[] {
  return objects.filter((object) => object.kind === kind);
}

/**
 * For `expect(fn).toThrow(exactError('...'))`: matches an error whose message is exactly this text
 * (`toThrow('...')` with a string only checks that the message contains it).
 */
export function exactError(message: string): Error {
  return new Error(message);
}

/** The message a function throws; fails when it does not throw. */
export function thrownMessage(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected the function to throw');
}

/** A chart without a namespace inside a fresh app (`testChart(undefined)` falls back to `test`). */
export function chartWithoutNamespace(): Chart {
  return new Chart(new App(), 'test');
}
