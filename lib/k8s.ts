/** The Kubernetes 1.28 L1 classes (`KubeDeployment`, ...) that cdk8s-plus-28 ships, through its public entry point. */
export { k8s } from 'cdk8s-plus-28';
