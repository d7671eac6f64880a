{{/*
Names and labels, as app/names.ts and the constructs make them (test/cluster/helm-differential.test.ts holds
them equal): Bitnami's fullname, and the Kubernetes recommended labels the constructs write.
*/}}

{{/* The chart name, or nameOverride. */}}
{{- define "todo.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* "<release>-<chart>", just "<release>" when it contains the chart name, or fullnameOverride; at most 63 characters. */}}
{{- define "todo.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := include "todo.name" . -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* The fullname and a suffix, cut so the whole fits in a label value: (dict "context" $ "suffix" "backend"). */}}
{{- define "todo.suffixed" -}}
{{- printf "%s-%s" (include "todo.fullname" .context | trunc (int (sub 62 (len .suffix))) | trimSuffix "-") .suffix -}}
{{- end -}}

{{- define "todo.backendName" -}}{{ include "todo.suffixed" (dict "context" . "suffix" "backend") }}{{- end -}}
{{- define "todo.frontendName" -}}{{ include "todo.suffixed" (dict "context" . "suffix" "frontend") }}{{- end -}}
{{/* The SQLite claim: persistence.existingClaim, else the one the chart creates. */}}
{{- define "todo.claimName" -}}{{ .Values.persistence.existingClaim | default (include "todo.suffixed" (dict "context" . "suffix" "data")) }}{{- end -}}

{{/* `helm.sh/chart`. */}}
{{- define "todo.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* The labels of a pod: (dict "context" $ "name" <app.kubernetes.io/name> "component" <component> "version" <version>). */}}
{{- define "todo.podLabels" -}}
app.kubernetes.io/component: {{ .component | quote }}
app.kubernetes.io/instance: {{ .context.Release.Name | quote }}
app.kubernetes.io/managed-by: cdk8s
app.kubernetes.io/name: {{ .name | quote }}
app.kubernetes.io/part-of: todo
app.kubernetes.io/version: {{ .version | quote }}
{{- end -}}

{{/* The labels of an object: a pod's, helm.sh/chart and commonLabels (which never replace the others). */}}
{{- define "todo.labels" -}}
{{- $labels := include "todo.podLabels" . | fromYaml -}}
{{- $_ := set $labels "helm.sh/chart" (include "todo.chart" .context) -}}
{{- toYaml (merge $labels .context.Values.commonLabels) -}}
{{- end -}}

{{/* The labels that select a workload's pods: (dict "context" $ "name" <name>). */}}
{{- define "todo.selectorLabels" -}}
app.kubernetes.io/instance: {{ .context.Release.Name | quote }}
app.kubernetes.io/name: {{ .name | quote }}
{{- end -}}

{{/* An object's metadata: (dict "context" $ "name" <object name> "labelName" <app.kubernetes.io/name> "component" ... "version" ...). */}}
{{- define "todo.metadata" -}}
name: {{ .name | quote }}
namespace: {{ .context.Release.Namespace | quote }}
labels:
  {{- include "todo.labels" (dict "context" .context "name" (default .name .labelName) "component" .component "version" .version) | nindent 2 }}
{{- end -}}

{{/* The version label of the objects that are not a workload's: the backend's tag, as TodoChart writes it. */}}
{{- define "todo.appVersion" -}}{{ .Values.backend.image.tag }}{{- end -}}

{{/* A workload's image: global.imageRegistry over its own registry, repository:tag, @digest when set. */}}
{{- define "todo.image" -}}
{{- $registry := default .image.registry .context.Values.global.imageRegistry -}}
{{- if $registry }}{{ $registry }}/{{ end }}{{ .image.repository }}:{{ .image.tag }}{{ with .image.digest }}@{{ . }}{{ end }}
{{- end -}}

{{/* A Kubernetes quantity as a number, to compare two: "500m" is 0.5, "1Gi" 1073741824. */}}
{{- define "todo.quantity" -}}
{{- $text := toString . -}}
{{- $number := regexFind "^([0-9]+(\\.[0-9]+)?|\\.[0-9]+)([eE][+-]?[0-9]+)?" $text -}}
{{- $factors := dict "" 1 "m" 0.001 "k" 1000 "M" 1000000 "G" 1000000000 "T" 1000000000000 "P" 1000000000000000 "E" 1000000000000000000 "Ki" 1024 "Mi" 1048576 "Gi" 1073741824 "Ti" 1099511627776 "Pi" 1125899906842624 "Ei" 1152921504606846976 -}}
{{- mulf (float64 $number) (get $factors (trimPrefix $number $text)) -}}
{{- end -}}

{{/* Fails unless a value matches its grammar: (dict "path" "backend.image.tag" "value" ... "pattern" ... "grammar" ... "example" ... "maxLength" n). */}}
{{- define "todo.grammar" -}}
{{- $text := toString .value -}}
{{- if or (not (regexMatch .pattern $text)) (and (gt (int .maxLength) 0) (gt (len $text) (int .maxLength))) -}}
{{- fail (printf "%s must be %s%s; got %s. Set it to a value such as %s." .path .grammar (ternary (printf " of at most %d characters" (int .maxLength)) "" (gt (int .maxLength) 0)) (toJson .value) (toJson .example)) -}}
{{- end -}}
{{- end -}}
