/**
 * The shop as a parameterized Helm chart, generated from the same ShopChart as the plain YAML with the package's
 * `cdk8s-fastapi-nextjs/helm` entry point: the values below become `{{ .Values.x }}` wherever they land in the
 * output, objects go into `{{ .Release.Namespace }}`, and the Namespace stays out of the chart.
 *
 *   npm run build && node build/helm-chart.js [DIR]     writes the chart (default: helm/shop)
 *   helm install shop helm/shop -n shop-staging --set image.tag=v2.4.0
 */
import * as path from 'path';
import { HelmChartGenerator, HelmValue } from 'cdk8s-fastapi-nextjs/helm';
import { ShopChart, STAGING } from './main';

/** The shop's values: what differs between its installations. */
export interface ShopValues {
  readonly image: { readonly tag: string };
  readonly host: string;
}

/** The generator of the shop chart; `generate()` returns its files, `write(dir)` writes them. */
export function shopHelmChart(): HelmChartGenerator<ShopValues> {
  return new HelmChartGenerator<ShopValues>({
    name: 'shop',
    version: '1.0.0',
    appVersion: STAGING.imageTag,
    description: 'The shop: two FastAPI backends and a static site behind one Gateway API HTTPRoute',
    values: {
      image: {
        tag: HelmValue.string({ default: STAGING.imageTag, pattern: '^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$', description: 'The tag of every image' }),
      },
      host: HelmValue.string({ default: STAGING.host, pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$', description: 'The host the HTTPRoute answers on' }),
    },
    build: (app, values, release) => new ShopChart(app, { ...STAGING, namespace: release.namespace, imageTag: values.image.tag, host: values.host }),
  });
}

if (require.main === module) {
  const directory = path.resolve(process.argv[2] ?? path.join('helm', 'shop'));
  const files = shopHelmChart().write(directory);
  console.log(`${directory}: ${files.length} files`);
}
