import { App, Chart, Testing } from 'cdk8s';

/** A synthesized Kubernetes object, loosely typed for assertions. */
export type Manifest = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> }; [key: string]: any };

/** A chart in namespace `test` inside a fresh app. */
export function testChart(namespace: string | undefined = 'test'): Chart {
  return new Chart(Testing.app(), 'test', { namespace });
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
