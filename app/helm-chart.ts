/** The todo app's Helm chart (npm run helm writes helm/todo/); the mechanism is generic (lib/helm). */
import { HelmChartGenerator, HelmValue, HelmValueTree } from '../lib/helm';
import { version as packageVersion } from '../package.json';
import { AiMode, ENVIRONMENTS, PART_OF } from './environments';
import { helmValuesOf, todoChartFromHelmValues, todoHelmValues, TodoHelmValues } from './helm-values';

/** The todo app's Helm chart: values.yaml holds the `local` (kind) environment, values-<env>.yaml the others. */
export function todoHelmChart(): HelmChartGenerator<TodoHelmValues> {
  const values = todoHelmValues();
  return new HelmChartGenerator<TodoHelmValues>({
    name: PART_OF,
    version: packageVersion,
    appVersion: packageVersion,
    description: 'The todo app: a FastAPI backend and a Next.js frontend with SQLite or an external database, routed by an Ingress, Istio or the Gateway API',
    keywords: ['cdk8s', 'fastapi', 'nextjs', 'todo'],
    values,
    build: (app, chartValues, release) => todoChartFromHelmValues(app, chartValues, release.namespace),
    valuesFiles: Object.fromEntries(Object.values(ENVIRONMENTS).filter((settings) => settings.name !== 'local')
      .map((settings) => [settings.name, helmValuesOf(settings, helmDefaults(values))])),
    schemaRules: [
      // SQLite allows one writer: one backend pod, no autoscaler.
      {
        if: { properties: { persistence: { properties: { enabled: { const: true } } } } },
        then: { properties: { backend: { properties: { replicaCount: { const: 1 }, autoscaling: { properties: { enabled: { const: false } } } } } } },
      },
      // MODE real calls the model server.
      {
        if: { properties: { backend: { properties: { config: { properties: { MODE: { const: 'real' satisfies AiMode } } } } } } },
        then: { properties: { backend: { properties: { config: { properties: { MODEL_SERVER_URL: { minLength: 1 } } } } } } },
      },
    ],
    templateChecks: ['backend', 'frontend'].map((name) => ({
      condition: `and .Values.${name}.autoscaling.enabled (gt (.Values.${name}.autoscaling.minReplicas | int) (.Values.${name}.autoscaling.maxReplicas | int))`,
      message: `todo: ${name}.autoscaling.minReplicas must not exceed ${name}.autoscaling.maxReplicas. Lower minReplicas or raise maxReplicas.`,
    })),
    notes: TODO_HELM_NOTES,
  });
}

/** The defaults of a values tree as plain values (what values.yaml holds). */
function helmDefaults(tree: HelmValueTree): TodoHelmValues {
  const walk = (node: HelmValueTree): Record<string, unknown> =>
    Object.fromEntries(Object.entries(node).map(([key, child]) => [key, child instanceof HelmValue ? child._default : walk(child)]));
  return walk(tree) as unknown as TodoHelmValues;
}

const TODO_HELM_NOTES = `The todo app is installed in namespace {{ .Release.Namespace }} (release {{ .Release.Name }}).

1. The Secret. The pods read {{ .Values.existingSecret }}{{ if .Values.secretOptional }} (optional: mock mode starts without it){{ end }}:
     kubectl -n {{ .Release.Namespace }} create secret generic {{ .Values.existingSecret }} \\
       --from-literal=BETTER_AUTH_SECRET="$(openssl rand -hex 32)"{{ if not .Values.persistence.enabled }} \\
       --from-literal=DATABASE_URL='postgresql://user:password@host/db?sslmode=require'{{ end }}{{ if eq .Values.backend.config.MODE "real" }} \\
       --from-literal=OPENAI_API_KEY=...{{ end }}

2. Pod Security. The chart never owns the namespace; label it to enforce the restricted profile:
     kubectl label namespace {{ .Release.Namespace }} pod-security.kubernetes.io/enforce=restricted pod-security.kubernetes.io/enforce-version=latest --overwrite
{{- if eq .Values.routing.kind "istio" }}
     kubectl label namespace {{ .Release.Namespace }} istio-injection=enabled --overwrite
{{- end }}

3. Reach the app.
{{- $scheme := ternary "https" "http" .Values.ingress.tls }}
{{- $host := default "<any host>" .Values.ingress.hostname }}
{{- if eq .Values.routing.kind "ingress" }}
   Ingress (class {{ .Values.ingress.className }}) on {{ $scheme }}://{{ $host }}/
   kind: add "127.0.0.1 {{ $host }}" to /etc/hosts; minikube: "$(minikube ip) {{ $host }}" (minikube addons enable ingress).
{{- else if eq .Values.routing.kind "istio" }}
   Istio Gateway {{ "todo-gateway" }} on {{ $scheme }}://{{ $host }}/ :
     kubectl -n istio-system port-forward svc/istio-ingressgateway 8080:80   then http://localhost:8080/
{{- else }}
   HTTPRoute attached to Gateway {{ .Values.gatewayApi.parentRef.namespace | default .Release.Namespace }}/{{ .Values.gatewayApi.parentRef.name }}{{ with .Values.gatewayApi.parentRef.sectionName }} (listener {{ . }}){{ end }} on https://{{ $host }}/
{{- end }}
   Without routing: kubectl -n {{ .Release.Namespace }} port-forward svc/todo-frontend 3000:{{ .Values.frontend.service.port }}   then http://localhost:3000/
{{- if .Values.persistence.enabled }}

The SQLite claim {{ .Values.persistence.claimName }} is kept by helm uninstall (helm.sh/resource-policy: keep); a later install adopts it.
{{- end }}
`;
