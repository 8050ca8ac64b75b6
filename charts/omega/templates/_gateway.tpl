{{/* The gateway as the chart's front door: exposure, sentinel routing, its first admin token. */}}

{{/* The host names clients reach the gateway by from outside: the Ingress host and TLSRoute hostnames
     (in the gateway's certificate, omega.serverNames). One per line. */}}
{{- define "omega.gatewayExternalNames" -}}
{{- $names := list -}}
{{- with .Values.gateway.ingress -}}
{{- if and .enabled .host -}}{{- $names = append $names .host -}}{{- end -}}
{{- end -}}
{{- with .Values.gateway.tlsRoute -}}
{{- if .enabled -}}{{- $names = concat $names .hostnames -}}{{- end -}}
{{- end -}}
{{- $names | uniq | toJson -}}
{{- end -}}

{{/* The Secret the gateway writes its first admin token to (key `token`); the chart creates it
     empty so the gateway needs only get/patch on this one name. */}}
{{- define "omega.gatewayAdminTokenSecret" -}}
{{- printf "%s-gateway-admin-token" (include "omega.fullname" .) -}}
{{- end -}}

{{/* The gateway's first admin token, written to the Secret above (apps/gateway/src/first-admin-token.ts). */}}
{{- define "omega.gatewayFirstTokenEnv" -}}
{{- if .Values.tls.enabled }}
- name: OMEGA_GATEWAY_FIRST_ADMIN_TOKEN_KUBERNETES_SECRET
  value: {{ include "omega.gatewayAdminTokenSecret" . | quote }}
- name: OMEGA_GATEWAY_FIRST_ADMIN_TOKEN_NAMESPACE
  value: {{ .Release.Namespace | quote }}
{{- end }}
{{- end -}}

{{/* Whether the gateway discovers sentinels from their pods (needs `pods` get/list/watch). */}}
{{- define "omega.gatewayDiscoversSentinels" -}}
{{- if and .Values.gateway.enabled .Values.sentinel.enabled (eq .Values.gateway.sentinelDiscovery "kubernetes") -}}
true
{{- end -}}
{{- end -}}

{{/* The gateway's SentinelService routing (apps/gateway/src/sentinel-discovery.ts). A call without
     `omega-node` goes to the sentinel on the gateway's own node. */}}
{{- define "omega.gatewaySentinelEnv" -}}
{{- $ctx := dict "root" . "component" "sentinel" -}}
{{- $port := include "omega.port" (merge (dict "kind" "grpc") $ctx) -}}
- name: OMEGA_GATEWAY_SENTINEL_NODE
  valueFrom:
    fieldRef:
      fieldPath: spec.nodeName
{{- if include "omega.gatewayDiscoversSentinels" . }}
- name: OMEGA_GATEWAY_SENTINEL_DISCOVERY
  value: kubernetes
- name: OMEGA_GATEWAY_SENTINEL_NAMESPACE
  value: {{ .Release.Namespace | quote }}
- name: OMEGA_GATEWAY_SENTINEL_SELECTOR
  value: {{ include "omega.selectorLabels" $ctx | fromYaml | include "omega.labelSelector" | quote }}
- name: OMEGA_GATEWAY_SENTINEL_PORT
  value: {{ $port | quote }}
{{- else }}
- name: OMEGA_GATEWAY_SENTINEL_DISCOVERY
  value: static
{{- /* Sentinels listen on their node's address (host network). */}}
- name: NODE_IP
  valueFrom:
    fieldRef:
      fieldPath: status.hostIP
- name: OMEGA_GATEWAY_SENTINEL_ADDRESS
  value: {{ printf "$(NODE_IP):%s" $port | quote }}
{{- end }}
{{- with .Values.gateway.sentinelNodes }}
- name: OMEGA_GATEWAY_SENTINEL_NODES
  value: {{ toJson . | quote }}
{{- end }}
{{- end -}}

{{/* A label map as a selector string (`a=b,c=d`, keys sorted). */}}
{{- define "omega.labelSelector" -}}
{{- $pairs := list -}}
{{- range $key := keys . | sortAlpha -}}
{{- $pairs = append $pairs (printf "%s=%s" $key (index $ $key)) -}}
{{- end -}}
{{- join "," $pairs -}}
{{- end -}}

{{/* Extra NetworkPolicy peers of the gateway's gRPC port when networkPolicy.gatewayFrom narrows it:
     this release's own pods (the `helm test` pod) and the ingress controller / Gateway API data
     plane pods, when those are enabled. */}}
{{- define "omega.gatewayExtraFrom" -}}
{{- $peers := list -}}
{{- with .Values.gateway.ingress -}}
{{- if .enabled -}}{{- $peers = concat $peers .networkPolicyFrom -}}{{- end -}}
{{- end -}}
{{- with .Values.gateway.tlsRoute -}}
{{- if .enabled -}}{{- $peers = concat $peers .networkPolicyFrom -}}{{- end -}}
{{- end -}}
{{- toYaml $peers -}}
{{- end -}}
