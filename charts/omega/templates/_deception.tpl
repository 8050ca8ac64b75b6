{{/* Deception's own listeners: the canary URL port, the ports of the decoys it runs itself, and
     the features that are off unless set (docs/deception.md, "In the chart"). */}}

{{/* The listener ports of deception's pod, as YAML list items {name, port}: canary first. These
     are what intruders are meant to find: on the Service and open to any source. */}}
{{- define "omega.deceptionPorts" -}}
{{- $d := .Values.deception -}}
- name: canary
  port: {{ $d.canary.port }}
{{- range $d.decoyPorts }}
- name: decoy-{{ .name }}
  port: {{ .port }}
{{- end }}
{{- end -}}

{{/* deception's pod ports of the features turned on, as YAML list items {name, port, protocol}:
     the decoys' relay listener, the Kubernetes webhook, the DNS responder (UDP and TCP). */}}
{{- define "omega.deceptionFeaturePorts" -}}
{{- $d := .Values.deception -}}
{{- if $d.kubernetesDecoys.enabled }}
- name: relay
  port: {{ $d.kubernetesDecoys.relayPort }}
  protocol: TCP
{{- end }}
{{- if $d.kubernetes.webhook.enabled }}
- name: webhook
  port: {{ $d.kubernetes.webhook.port }}
  protocol: TCP
{{- end }}
{{- if $d.dns.enabled }}
- name: dns-udp
  port: {{ $d.dns.port }}
  protocol: UDP
- name: dns-tcp
  port: {{ $d.dns.port }}
  protocol: TCP
{{- end }}
{{- end -}}

{{/* The lowest port deception binds below 1024, or nothing: the pod's
     net.ipv4.ip_unprivileged_port_start, so uid 10001 binds it with every capability dropped. */}}
{{- define "omega.deceptionLowestPort" -}}
{{- $lowest := 1024 -}}
{{- range concat (fromYamlArray (include "omega.deceptionPorts" .)) (fromYamlArray (include "omega.deceptionFeaturePorts" .)) -}}
{{- if lt (int .port) $lowest -}}{{- $lowest = int .port -}}{{- end -}}
{{- end -}}
{{- if lt $lowest 1024 -}}{{ $lowest }}{{- end -}}
{{- end -}}

{{/* The decoys' relay listener as relay pods reach it: relayUpstream, or the deception Service. */}}
{{- define "omega.deceptionRelayUpstream" -}}
{{- $k := .Values.deception.kubernetesDecoys -}}
{{- $k.relayUpstream | default (printf "%s.%s.svc:%d" (include "omega.componentName" (dict "root" . "component" "deception")) .Release.Namespace (int $k.relayPort)) -}}
{{- end -}}

{{/* The decoy NetworkPolicies' only egress peer: relayPeer, or deception's pods by namespace and labels. */}}
{{- define "omega.deceptionRelayPeer" -}}
{{- $k := .Values.deception.kubernetesDecoys -}}
{{- if $k.relayPeer -}}
{{- toJson $k.relayPeer -}}
{{- else -}}
{{- toJson (dict "namespace" .Release.Namespace "podLabels" (fromYaml (include "omega.selectorLabels" (dict "root" . "component" "deception")))) -}}
{{- end -}}
{{- end -}}

{{/* Where the webhook's certificate, key and client CA are mounted (read-only). */}}
{{- define "omega.deceptionWebhookDir" -}}/etc/omega/deception/webhook{{- end -}}

{{/* Deception's environment: canary and decoys listen on every interface of the pod, and minted
     canary URLs name the Service (or deception.canary.baseUrl); then each feature that is on. */}}
{{- define "omega.deceptionEnv" -}}
{{- $d := .Values.deception -}}
- name: OMEGA_DECEPTION_CANARY_LISTEN
  value: {{ printf "0.0.0.0:%d" (int $d.canary.port) | quote }}
- name: OMEGA_DECEPTION_CANARY_BASE_URL
  value: {{ $d.canary.baseUrl | default (printf "http://%s.%s.svc:%d" (include "omega.componentName" (dict "root" . "component" "deception")) .Release.Namespace (int $d.canary.port)) | quote }}
- name: OMEGA_DECEPTION_DECOYS_LISTEN_HOST
  value: "0.0.0.0"
- name: OMEGA_DECEPTION_AUDIT_INTERACTIONS_ENABLED
  value: {{ $d.auditInteractions.enabled | quote }}
- name: OMEGA_DECEPTION_AUDIT_INTERACTIONS_MAX_ENTRIES_PER_MINUTE
  value: {{ $d.auditInteractions.maxEntriesPerMinute | int | quote }}
{{- range $key := list "sources" "ports" "clients" }}
{{- with index $d.ignore $key }}
- name: OMEGA_DECEPTION_IGNORE_{{ upper $key }}
  value: {{ toJson . | quote }}
{{- end }}
{{- end }}
{{- if $d.plantSecrets }}
- name: OMEGA_DECEPTION_KUBERNETES_PLANT
  value: "true"
{{- end }}
{{- with $d.kubernetesDecoys }}
{{- if .enabled }}
{{- range .namespaces }}
{{- if not (has . $d.namespaces) }}
{{- fail (printf "deception.kubernetesDecoys.namespaces: %q is not in deception.namespaces, where the chart grants deception its Role: add it there" .) }}
{{- end }}
{{- end }}
- name: OMEGA_DECEPTION_DECOYS_PLACEMENT
  value: kubernetes
- name: OMEGA_DECEPTION_DECOYS_KUBERNETES_NAMESPACES
  value: {{ toJson (.namespaces | default $d.namespaces) | quote }}
- name: OMEGA_DECEPTION_DECOYS_KUBERNETES_RELAY_IMAGE
  value: {{ .relayImage | quote }}
{{- with .relayCommand }}
- name: OMEGA_DECEPTION_DECOYS_KUBERNETES_RELAY_COMMAND
  value: {{ toJson . | quote }}
{{- end }}
- name: OMEGA_DECEPTION_DECOYS_KUBERNETES_RELAY_UPSTREAM
  value: {{ include "omega.deceptionRelayUpstream" $ | quote }}
- name: OMEGA_DECEPTION_DECOYS_KUBERNETES_RELAY_LISTEN
  value: {{ printf "0.0.0.0:%d" (int .relayPort) | quote }}
- name: OMEGA_DECEPTION_DECOYS_KUBERNETES_RELAY_SOURCES
  value: {{ toJson .relaySources | quote }}
- name: OMEGA_DECEPTION_DECOYS_KUBERNETES_RELAY_PEER
  value: {{ include "omega.deceptionRelayPeer" $ | quote }}
{{- end }}
{{- end }}
{{- with $d.kubernetes.webhook }}
{{- if .enabled }}
{{- $dir := include "omega.deceptionWebhookDir" $ }}
- name: OMEGA_DECEPTION_KUBERNETES_WEBHOOK_LISTEN
  value: {{ printf "0.0.0.0:%d" (int .port) | quote }}
- name: OMEGA_DECEPTION_KUBERNETES_WEBHOOK_TLS_CERT_PATH
  value: {{ printf "%s/tls/tls.crt" $dir | quote }}
- name: OMEGA_DECEPTION_KUBERNETES_WEBHOOK_TLS_KEY_PATH
  value: {{ printf "%s/tls/tls.key" $dir | quote }}
- name: OMEGA_DECEPTION_KUBERNETES_WEBHOOK_CLIENT_CA_PATH
  value: {{ printf "%s/client-ca/%s" $dir .clientCa.key | quote }}
{{- with .clientNames }}
- name: OMEGA_DECEPTION_KUBERNETES_WEBHOOK_CLIENT_NAMES
  value: {{ toJson . | quote }}
{{- end }}
{{- with .ignoreUsers }}
- name: OMEGA_DECEPTION_KUBERNETES_WEBHOOK_IGNORE_USERS
  value: {{ toJson . | quote }}
{{- end }}
- name: OMEGA_DECEPTION_KUBERNETES_WEBHOOK_LIST_READS
  value: {{ .listReads | quote }}
{{- end }}
{{- end }}
{{- with $d.dns }}
{{- if .enabled }}
- name: OMEGA_DECEPTION_DNS_ZONE
  value: {{ .zone | quote }}
- name: OMEGA_DECEPTION_DNS_LISTEN
  value: {{ printf "0.0.0.0:%d" (int .port) | quote }}
{{- with .nameServers }}
- name: OMEGA_DECEPTION_DNS_NAME_SERVERS
  value: {{ toJson . | quote }}
{{- end }}
{{- with .hostmaster }}
- name: OMEGA_DECEPTION_DNS_HOSTMASTER
  value: {{ . | quote }}
{{- end }}
- name: OMEGA_DECEPTION_DNS_QUERIES_PER_SECOND_PER_SOURCE
  value: {{ .queriesPerSecondPerSource | int | quote }}
- name: OMEGA_DECEPTION_DNS_MAX_TCP_CONNECTIONS
  value: {{ .maxTcpConnections | int | quote }}
{{- end }}
{{- end }}
{{- end -}}

{{/* The webhook's certificate and key (a kubernetes.io/tls Secret) and client CA, read-only. */}}
{{- define "omega.deceptionVolumeMounts" -}}
{{- if .Values.deception.kubernetes.webhook.enabled }}
- name: webhook-tls
  mountPath: {{ include "omega.deceptionWebhookDir" . }}/tls
  readOnly: true
- name: webhook-client-ca
  mountPath: {{ include "omega.deceptionWebhookDir" . }}/client-ca
  readOnly: true
{{- end }}
{{- end -}}

{{- define "omega.deceptionVolumes" -}}
{{- with .Values.deception.kubernetes.webhook }}
{{- if .enabled }}
- name: webhook-tls
  secret:
    secretName: {{ .tlsSecret }}
    defaultMode: 288 # 0440
    items:
      - { key: tls.crt, path: tls.crt }
      - { key: tls.key, path: tls.key }
- name: webhook-client-ca
  {{- if .clientCa.secret }}
  secret:
    secretName: {{ .clientCa.secret }}
    defaultMode: 288 # 0440
  {{- else }}
  configMap:
    name: {{ .clientCa.configMap }}
    defaultMode: 288 # 0440
  {{- end }}
    items:
      - { key: {{ .clientCa.key }}, path: {{ .clientCa.key }} }
{{- end }}
{{- end }}
{{- end -}}
