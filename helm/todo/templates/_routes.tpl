{{/*
The routes, most specific first (exact before prefix, longer before shorter), as IngressRoutes orders them: a
YAML list of {path, exact, service, port, name} that each routing kind writes in its own form.
*/}}
{{- define "todo.routes" -}}
{{- $backend := include "todo.backendName" . -}}
{{- $frontend := include "todo.frontendName" . -}}
{{- $backendPort := int .Values.backend.service.port -}}
{{- if .Values.ingress.exposeApiDocs }}
- {path: /openapi.json, exact: true, service: {{ $backend }}, port: {{ $backendPort }}, name: openapi-json}
{{- end }}
- {path: /health, exact: false, service: {{ $backend }}, port: {{ $backendPort }}, name: health}
{{- if .Values.ingress.exposeApiDocs }}
- {path: /docs, exact: false, service: {{ $backend }}, port: {{ $backendPort }}, name: docs}
{{- end }}
- {path: /api, exact: false, service: {{ $backend }}, port: {{ $backendPort }}, name: api}
- {path: /, exact: false, service: {{ $frontend }}, port: {{ int .Values.frontend.service.port }}, name: root}
{{- end -}}

{{/* The namespace the routing layer's traffic comes from, which NetworkPolicies admit. */}}
{{- define "todo.routingSourceNamespace" -}}
{{- if eq .Values.routing.kind "ingress" -}}{{ .Values.ingress.controllerNamespace }}
{{- else if eq .Values.routing.kind "istio" -}}{{ .Values.istio.gatewayNamespace }}
{{- else -}}{{ .Values.gatewayApi.dataPlaneNamespace | default .Values.gatewayApi.parentRef.namespace | default .Release.Namespace }}
{{- end -}}
{{- end -}}

{{/* Every host the routes answer on, as a YAML list: ingress.hostname, then ingress.extraHosts (empty: any host). */}}
{{- define "todo.hosts" -}}
{{- with .Values.ingress.hostname }}
- {{ . | quote }}
{{- range $.Values.ingress.extraHosts }}
- {{ . | quote }}
{{- end }}
{{- end }}
{{- end -}}
