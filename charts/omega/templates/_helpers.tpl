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

{{/* The bus's names clients check the NATS server certificate against (bus-setup --dns). */}}
{{- define "omega.natsServerNames" -}}
{{- if .Values.nats.enabled -}}
{{- $name := include "omega.componentName" (dict "root" . "component" "nats") -}}
{{- $ns := .Release.Namespace -}}
{{- list (printf "%s.%s.svc" $name $ns) (printf "%s.%s.svc.cluster.local" $name $ns) (printf "%s.%s" $name $ns) $name | join "," -}}
{{- else if .Values.nats.external.serverNames -}}
{{- join "," .Values.nats.external.serverNames -}}
{{- else -}}
{{- $hosts := list -}}
{{- range .Values.nats.external.servers }}{{ $hosts = append $hosts (regexReplaceAll ":[0-9]+$" (urlParse .).host "") }}{{ end -}}
{{- $hosts | uniq | join "," -}}
{{- end -}}
{{- end -}}

{{/* Names of what trust publishes for the bus (bus-setup-main --kubernetes-*): the NATS server's
     TLS and callout config (a Secret, mounted by NATS only) and the trust CA (a ConfigMap). */}}
{{- define "omega.natsTlsSecret" -}}
{{- printf "%s-nats-tls" (include "omega.fullname" .) -}}
{{- end -}}
{{- define "omega.trustCaConfigMap" -}}
{{- printf "%s-trust-ca" (include "omega.fullname" .) -}}
{{- end -}}

{{/* Where each pod sees the trust CA, and the NATS server its auth config. */}}
{{- define "omega.trustCaFile" -}}/etc/omega/trust-ca/ca.pem{{- end -}}
{{- define "omega.natsAuthDir" -}}/etc/nats/auth{{- end -}}

{{/* Whether the bus is authenticated (nats.auth: identity). */}}
{{- define "omega.busAuth" -}}
{{- if eq .Values.nats.auth "identity" }}true{{ end -}}
{{- end -}}

{{/*
Secure by default: plaintext gRPC and an unauthenticated bus only with insecureDevelopmentMode, and
identities (which both TLS and bus authentication need) only with enrollment on.
*/}}
{{- define "omega.validate" -}}
{{- if not .Values.insecureDevelopmentMode -}}
{{- if not .Values.tls.enabled -}}
{{- fail "tls.enabled=false serves gRPC in plaintext and lets any caller call every method: set insecureDevelopmentMode=true to allow it (development only)" -}}
{{- end -}}
{{- if ne .Values.nats.auth "identity" -}}
{{- fail (printf "nats.auth=%s lets any pod read and write every stream on the bus: set insecureDevelopmentMode=true to allow it (development only)" .Values.nats.auth) -}}
{{- end -}}
{{- end -}}
{{- if and (or .Values.tls.enabled (include "omega.busAuth" .)) (eq .Values.enrollment.mode "off") -}}
{{- fail "enrollment.mode=off: tls.enabled and nats.auth=identity need trust-issued identities; set enrollment.mode=kubernetes (or, for development, insecureDevelopmentMode=true with tls.enabled=false and nats.auth=none)" -}}
{{- end -}}
{{- end -}}

{{- define "omega.trustAddress" -}}
{{- printf "%s-trust.%s.svc:%s" (include "omega.fullname" .) .Release.Namespace (include "omega.port" (dict "root" . "component" "trust" "kind" "grpc")) -}}
{{- end -}}

{{/* The names in the gateway's TLS certificate (trust's identity.serverNames): its Service's DNS
     names, gateway.serverNames and the Ingress / TLSRoute host names, as JSON for
     OMEGA_IDENTITY_SERVER_NAMES. */}}
{{- define "omega.serverNames" -}}
{{- $name := include "omega.componentName" (dict "root" . "component" "gateway") -}}
{{- $ns := .Release.Namespace -}}
{{- $names := concat (list $name (printf "%s.%s" $name $ns) (printf "%s.%s.svc" $name $ns) (printf "%s.%s.svc.cluster.local" $name $ns)) .Values.gateway.serverNames (include "omega.gatewayExternalNames" . | fromJsonArray) -}}
{{- dict "service/gateway" ($names | uniq) | toJson -}}
{{- end -}}

{{/* host:port of an Omega service's gRPC endpoint, by its Service (the gateway's backends). */}}
{{- define "omega.serviceAddress" -}}
{{- printf "%s-%s.%s.svc:%s" (include "omega.fullname" .root) .component .root.Release.Namespace (include "omega.port" (dict "root" .root "component" .component "kind" "grpc")) -}}
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
- name: OMEGA_NATS_AUTH
  value: {{ .root.Values.nats.auth | quote }}
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
{{- if include "omega.busAuth" .root }}
- name: OMEGA_ENROLLMENT_TRUST_CA_FILE
  value: {{ include "omega.trustCaFile" .root | quote }}
{{- end }}
{{- end }}
{{- end -}}

{{/* The trust CA trust publishes (a ConfigMap), for services that enroll before the bus. */}}
{{- define "omega.trustCaVolume" -}}
- name: trust-ca
  configMap:
    name: {{ include "omega.trustCaConfigMap" . }}
    # The pod waits until trust has published the CA (the key is missing until then).
    items:
      - key: ca.pem
        path: ca.pem
{{- end -}}

{{- define "omega.trustCaMount" -}}
- name: trust-ca
  mountPath: {{ include "omega.trustCaFile" . | dir }}
  readOnly: true
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
{{- define "omega.prometheusRule" -}}
{{- $setting := toString .Values.metrics.prometheusRule.enabled -}}
{{- if or (eq $setting "true") (and (eq $setting "auto") (.Capabilities.APIVersions.Has "monitoring.coreos.com/v1/PrometheusRule")) -}}
true
{{- end -}}
{{- end -}}

{{- define "omega.serviceMonitors" -}}
{{- $setting := toString .Values.metrics.serviceMonitor.enabled -}}
{{- if or (eq $setting "true") (and (eq $setting "auto") (.Capabilities.APIVersions.Has "monitoring.coreos.com/v1/ServiceMonitor")) -}}
true
{{- end -}}
{{- end -}}

