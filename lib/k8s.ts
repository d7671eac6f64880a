/**
 * The Kubernetes 1.28 L1 classes (`KubeDeployment`, ...) that cdk8s-plus-28 ships. Imported from their own module
 * rather than the cdk8s-plus-28 index, which would also load every cdk8s-plus construct (about 20 ms per synth).
 */
export * from 'cdk8s-plus-28/lib/imports/k8s';
