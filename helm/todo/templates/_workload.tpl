{{/*
What the backend and frontend Deployments share, as WebWorkload writes it: hardened security contexts, probes on
the `http` port, resources, and the scheduling values passed through.
*/}}

{{/* A container's security context: (dict "user" <uid>). */}}
{{- define "todo.containerSecurityContext" -}}
allowPrivilegeEscalation: false
capabilities:
  drop:
    - ALL
privileged: false
readOnlyRootFilesystem: true
runAsGroup: {{ .user }}
runAsNonRoot: true
runAsUser: {{ .user }}
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/* The pod's security context: (dict "user" <uid>). */}}
{{- define "todo.podSecurityContext" -}}
fsGroup: {{ .user }}
fsGroupChangePolicy: OnRootMismatch
runAsGroup: {{ .user }}
runAsNonRoot: true
runAsUser: {{ .user }}
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/* Startup (2 minutes), liveness and readiness probes: (dict "liveness" <path> "readiness" <path>). */}}
{{- define "todo.probes" -}}
livenessProbe:
  failureThreshold: 3
  httpGet:
    path: {{ .liveness }}
    port: http
  periodSeconds: 10
  timeoutSeconds: 3
readinessProbe:
  failureThreshold: 3
  httpGet:
    path: {{ .readiness }}
    port: http
  periodSeconds: 5
  timeoutSeconds: 3
startupProbe:
  failureThreshold: 60
  httpGet:
    path: {{ .liveness }}
    port: http
  periodSeconds: 2
  timeoutSeconds: 2
{{- end -}}

{{/* A preStop hook that waits before SIGTERM (the workload's preStop values; the image needs `sleep`). */}}
{{- define "todo.lifecycle" -}}
lifecycle:
  preStop:
    exec:
      command:
        - sleep
        - {{ int .delaySeconds | toString | quote }}
{{- end -}}

{{/* Requests and limits (a number given with --set is written as the text Kubernetes would return). */}}
{{- define "todo.resources" -}}
limits:
  cpu: {{ .limits.cpu | toString | quote }}
  memory: {{ .limits.memory | toString | quote }}
requests:
  cpu: {{ .requests.cpu | toString | quote }}
  memory: {{ .requests.memory | toString | quote }}
{{- end -}}

{{/* The ServiceAccount a workload's pods run as, and whether they get its token: (dict "values" <workload values> "name" <workload name>). */}}
{{- define "todo.podServiceAccount" -}}
automountServiceAccountToken: {{ .values.serviceAccount.automountServiceAccountToken }}
{{- if .values.serviceAccount.create }}
serviceAccountName: {{ default .name .values.serviceAccount.name | quote }}
{{- else if .values.serviceAccount.name }}
serviceAccountName: {{ .values.serviceAccount.name | quote }}
{{- end }}
{{- end -}}

{{/*
The scheduling part of a pod spec: (dict "context" $ "values" <workload values> "name" <workload name> "mostPods" <n>).
Topology spread is written only when more than one pod can run, as the construct does.
*/}}
{{- define "todo.podScheduling" -}}
{{- with .values.affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .context.Values.global.imagePullSecrets }}
imagePullSecrets:
  {{- range . }}
  - name: {{ . | quote }}
  {{- end }}
{{- end }}
{{- with .values.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .values.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- if and .values.topologySpread.enabled (ge (int .mostPods) 2) }}
topologySpreadConstraints:
  - labelSelector:
      matchLabels:
        {{- include "todo.selectorLabels" (dict "context" .context "name" .name) | nindent 8 }}
    maxSkew: 1
    topologyKey: kubernetes.io/hostname
    whenUnsatisfiable: ScheduleAnyway
{{- end }}
{{- end -}}

{{/* The most pods a workload can run: (dict "values" <workload values> "single" <pinned to one pod>). */}}
{{- define "todo.mostPods" -}}
{{- if .single }}1{{ else if .values.autoscaling.enabled }}{{ .values.autoscaling.maxReplicas }}{{ else }}{{ .values.replicaCount }}{{ end }}
{{- end -}}

{{/*
replicas, unless an autoscaler owns the count: (dict "context" $ "values" <workload values> "name" <Deployment name>).
The Helm pitfall: turning autoscaling on drops `replicas` from the manifest, and Helm's three-way merge then
removes the field, so the Deployment falls to 1 pod until the autoscaler acts. On an upgrade the live count is
kept instead (lookup; `helm template` has no cluster and writes what the constructs write).
*/}}
{{- define "todo.replicas" -}}
{{- if not .values.autoscaling.enabled }}
replicas: {{ .values.replicaCount }}
{{- else }}
{{- $live := lookup "apps/v1" "Deployment" .context.Release.Namespace .name }}
{{- with dig "spec" "replicas" nil $live }}
replicas: {{ . }}
{{- end }}
{{- end }}
{{- end -}}

{{/*
A workload's extraEnvVarsCM and extraEnvVarsSecret as envFrom sources (the workload's values), before the chart's own
ConfigMap and Secret: Kubernetes takes a name from the last source that has it, so the chart's settings win.
*/}}
{{- define "todo.extraEnvFrom" -}}
{{- with .extraEnvVarsCM }}
- configMapRef:
    name: {{ . | quote }}
{{- end }}
{{- with .extraEnvVarsSecret }}
- secretRef:
    name: {{ . | quote }}
{{- end }}
{{- end -}}
