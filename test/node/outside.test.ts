/**
 * The world outside the cluster works from any checkout: the run's PostgreSQL server runs as its own user, which
 * cannot enter a checkout in a private directory (a clean clone under `mktemp -d`, as CI may make it).
 */
import * as path from 'path';
import { TestNode } from './node';
import { asPostgres } from './outside';

const node = TestNode.current();

test('commands as the postgres user run in a directory it can enter, not in the checkout', () => {
  expect(asPostgres(node, ['pwd']).trim()).toBe(path.join(node.dir, 'outside'));
});
