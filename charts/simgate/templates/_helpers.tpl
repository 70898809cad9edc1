{{/* Chart name, overridable. */}}
{{- define "simgate.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Full name: "<release>-simgate", or the release name when it already contains the chart name. */}}
{{- define "simgate.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "simgate.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels on every object. */}}
{{- define "simgate.labels" -}}
helm.sh/chart: {{ include "simgate.chart" . }}
app.kubernetes.io/name: {{ include "simgate.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: simgate
{{- end }}

{{/* Selector of the operator pods (immutable once installed: keep it small). */}}
{{- define "simgate.operatorSelectorLabels" -}}
app.kubernetes.io/name: {{ include "simgate.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: operator
{{- end }}

{{- define "simgate.operatorName" -}}
{{- printf "%s-operator" (include "simgate.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "simgate.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "simgate.operatorName" .) .Values.serviceAccount.name }}
{{- else }}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* image: repository:tag, the tag defaulting to the chart's appVersion. Argument: the image values. */}}
{{- define "simgate.image" -}}
{{- printf "%s:%s" .image.repository (default .appVersion .image.tag) }}
{{- end }}
