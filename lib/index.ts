export * from './labels';
export * from './web-workload';
export * from './fastapi-backend';
export * from './next-frontend';
export * from './sqlite-persistence';
export * from './ingress-routes';
export * from './app-namespace';
export * from './app-network-policies';
