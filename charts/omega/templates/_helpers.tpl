{{/*
Names. Everything is "<fullname>-<component>" (fullname "omega" unless fullnameOverride is set):
trust's Kubernetes attestation accepts a service only from the service account "omega-<service>"
(or "<service>"), so one Omega release per namespace, with fixed names.
*/}}
{{- define "omega.fullname" -}}
{{- .Values.fullnameOverride | default "omega" | trunc 40 | trimSuffix "-" -}}
{{- end -}}

{{- define "omega.componentName" -}}
{{- printf "%s-%s" (include "omega.fullname" .root) .component -}}
{{- end -}}

{{/* Cluster-scoped objects (ClusterRoles and their bindings) carry the namespace: unique per release. */}}
{{- define "omega.clusterName" -}}
{{- printf "%s-%s-%s" (include "omega.fullname" .root) .root.Release.Namespace .component | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Service accounts are always omega-<component>: the name trust checks at enrollment. */}}
{{- define "omega.serviceAccountName" -}}
{{- printf "omega-%s" .component -}}
{{- end -}}

{{- define "omega.selectorLabels" -}}
app.kubernetes.io/name: omega
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "omega.labels" -}}
{{ include "omega.selectorLabels" . }}
app.kubernetes.io/part-of: omega
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version }}
{{- end -}}

{{/* Labels on objects that belong to no one component (dashboards, shared policies). */}}
{{- define "omega.commonLabels" -}}
app.kubernetes.io/name: omega
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/part-of: omega
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{/* The services that run as Deployments, in ARCHITECTURE.md's port order. */}}
{{- define "omega.services" -}}
[gateway, trust, intelligence, orchestrator, deception, twin]
{{- end -}}

{{/* Each component's gRPC and metrics/health HTTP port: the services' own defaults (libs/service). */}}
{{- define "omega.ports" -}}
gateway: {grpc: 50051, http: 9464}
trust: {grpc: 50052, http: 9465}
intelligence: {grpc: 50053, http: 9466}
orchestrator: {grpc: 50054, http: 9467}
deception: {grpc: 50055, http: 9468}
twin: {grpc: 50056, http: 9469}
sentinel: {grpc: 50057, http: 9470}
{{- end -}}

{{- define "omega.port" -}}
{{- index (fromYaml (include "omega.ports" .root)) .component .kind -}}
{{- end -}}

{{/* A service's settings: serviceDefaults overridden by the service's own block. */}}
{{- define "omega.settings" -}}
{{- toYaml (mergeOverwrite (deepCopy .root.Values.serviceDefaults) (deepCopy (index .root.Values .component))) -}}
{{- end -}}

{{/* <component>.image when set (e.g. by skaffold), else <registry>/<repositoryPrefix><component>:<tag>. */}}
{{- define "omega.image" -}}
{{- $image := .root.Values.image -}}
{{- $own := (index .root.Values .component).image -}}
{{- $own | default (printf "%s/%s%s:%s" $image.registry $image.repositoryPrefix .component ($image.tag | default .root.Chart.AppVersion)) -}}
{{- end -}}

{{- define "omega.natsServers" -}}
{{- if .Values.nats.enabled -}}
{{- printf "nats://%s-nats.%s.svc:4222" (include "omega.fullname" .) .Release.Namespace -}}
{{- else -}}
{{- required "nats.external.servers: name at least one NATS server when nats.enabled is false" (join "," .Values.nats.external.servers) -}}
{{- end -}}
{{- end -}}

{{- define "omega.trustAddress" -}}
{{- printf "%s-trust.%s.svc:%s" (include "omega.fullname" .) .Release.Namespace (include "omega.port" (dict "root" . "component" "trust" "kind" "grpc")) -}}
{{- end -}}

{{/* OMEGA_* settings every service reads (docs/configuration.md); unknown OMEGA_* names are fatal there. */}}
{{- define "omega.baseEnv" -}}
- name: OMEGA_GRPC_PORT
  value: {{ include "omega.port" (dict "root" .root "component" .component "kind" "grpc") | quote }}
- name: OMEGA_HTTP_PORT
  value: {{ include "omega.port" (dict "root" .root "component" .component "kind" "http") | quote }}
- name: OMEGA_NATS_SERVERS
  value: {{ include "omega.natsServers" .root | quote }}
- name: OMEGA_LOG_LEVEL
  value: {{ .root.Values.logLevel | quote }}
- name: OMEGA_TLS_ENABLED
  value: {{ .root.Values.tls.enabled | quote }}
{{- with .root.Values.grpc }}
- name: OMEGA_GRPC_MAX_CONCURRENT_STREAMS
  value: {{ .maxConcurrentStreams | int | quote }}
- name: OMEGA_GRPC_MAX_CONNECTION_IDLE_MS
  value: {{ .maxConnectionIdleMs | int | quote }}
- name: OMEGA_GRPC_MAX_CONNECTION_AGE_MS
  value: {{ .maxConnectionAgeMs | int | quote }}
- name: OMEGA_GRPC_MAX_CONNECTION_AGE_GRACE_MS
  value: {{ .maxConnectionAgeGraceMs | int | quote }}
- name: OMEGA_GRPC_MAX_CONNECTIONS_PER_ADDRESS
  value: {{ .maxConnectionsPerAddress | int | quote }}
- name: OMEGA_GRPC_MAX_CONNECTIONS
  value: {{ .maxConnections | int | quote }}
{{- end }}
{{- if ne .component "trust" }}
- name: OMEGA_ENROLLMENT_MODE
  value: {{ .root.Values.enrollment.mode | quote }}
- name: OMEGA_ENROLLMENT_TRUST_ADDRESS
  value: {{ include "omega.trustAddress" .root | quote }}
{{- end }}
{{- end -}}

{{/* The projected service-account token trust attests (libs/trust-client DEFAULT_SERVICE_ACCOUNT_TOKEN_PATH). */}}
{{- define "omega.tokenVolume" -}}
- name: omega-token
  projected:
    # 0440 in decimal: YAML 1.1 and 1.2 parsers disagree on a leading 0.
    defaultMode: 288
    sources:
      - serviceAccountToken:
          audience: {{ .Values.enrollment.audience }}
          expirationSeconds: {{ .Values.enrollment.tokenExpirationSeconds }}
          path: token
{{- end -}}

{{- define "omega.tokenMount" -}}
- name: omega-token
  mountPath: /var/run/secrets/omega
  readOnly: true
{{- end -}}

{{- define "omega.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: 10001
runAsGroup: 10001
fsGroup: 10001
# Only when the volume's root is not ours yet: a recursive group chmod on every mount would make
# trust's key files group-readable, and trust refuses such keys (they may have leaked).
fsGroupChangePolicy: OnRootMismatch
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{- define "omega.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
privileged: false
capabilities:
  drop: [ALL]
{{- end -}}

{{/* Whether to render ServiceMonitors: forced by true/false, else when the CRD's API is served. */}}
{{- define "omega.serviceMonitors" -}}
{{- $setting := toString .Values.metrics.serviceMonitor.enabled -}}
{{- if or (eq $setting "true") (and (eq $setting "auto") (.Capabilities.APIVersions.Has "monitoring.coreos.com/v1/ServiceMonitor")) -}}
true
{{- end -}}
{{- end -}}
