import { MANAGED_BY, selectorLabels, standardLabels } from '../lib';

describe('labels', () => {
  test('standardLabels writes the six app.kubernetes.io labels', () => {
    expect(standardLabels({ name: 'todo-backend', instance: 'todo-local', component: 'backend', partOf: 'todo', version: 'v0.1.0' })).toEqual({
      'app.kubernetes.io/name': 'todo-backend',
      'app.kubernetes.io/instance': 'todo-local',
      'app.kubernetes.io/component': 'backend',
      'app.kubernetes.io/part-of': 'todo',
      'app.kubernetes.io/managed-by': 'cdk8s',
      'app.kubernetes.io/version': 'v0.1.0',
    });
    expect(MANAGED_BY).toBe('cdk8s');
  });

  test('selectorLabels is the stable subset: name and instance, never the version', () => {
    expect(selectorLabels({ name: 'todo-backend', instance: 'todo-local' })).toEqual({
      'app.kubernetes.io/name': 'todo-backend',
      'app.kubernetes.io/instance': 'todo-local',
    });
  });
});
