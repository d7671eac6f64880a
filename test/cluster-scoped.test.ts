import { k8s } from 'cdk8s-plus-28';
import { clusterScoped } from '../lib/cluster-scoped';
import { chartWithoutNamespace, synth, testChart } from './util';

describe('clusterScoped', () => {
  test('removes the namespace a chart gives every object', () => {
    const chart = testChart();
    const plain = new k8s.KubeStorageClass(chart, 'plain', { metadata: { name: 'plain' }, provisioner: 'p' });
    const scoped = clusterScoped(new k8s.KubeStorageClass(chart, 'scoped', { metadata: { name: 'scoped' }, provisioner: 'p' }));
    expect(scoped.kind).toBe('StorageClass');
    expect(plain.metadata.namespace).toBe('test');
    expect(synth(chart).map((object) => [object.metadata.name, object.metadata.namespace])).toEqual([['plain', 'test'], ['scoped', undefined]]);
  });

  test('leaves an object without a namespace alone', () => {
    const chart = chartWithoutNamespace();
    clusterScoped(new k8s.KubeNamespace(chart, 'namespace', { metadata: { name: 'todo' } }));
    expect(synth(chart)).toEqual([{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'todo' } }]);
  });
});
