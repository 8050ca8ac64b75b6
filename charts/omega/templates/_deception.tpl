{{/* Deception's own listeners: the canary URL port and the ports of the decoys it runs itself. */}}

{{/* The listener ports of deception's pod, as YAML list items {name, port}: canary first. */}}
{{- define "omega.deceptionPorts" -}}
{{- $d := .Values.deception -}}
- name: canary
  port: {{ $d.canary.port }}
{{- range $d.decoyPorts }}
- name: decoy-{{ .name }}
  port: {{ .port }}
{{- end }}
{{- end -}}

{{/* The lowest port deception binds below 1024, or nothing: the pod's
     net.ipv4.ip_unprivileged_port_start, so uid 10001 binds it with every capability dropped. */}}
{{- define "omega.deceptionLowestPort" -}}
{{- $lowest := 1024 -}}
{{- range fromYamlArray (include "omega.deceptionPorts" .) -}}
{{- if lt (int .port) $lowest -}}{{- $lowest = int .port -}}{{- end -}}
{{- end -}}
{{- if lt $lowest 1024 -}}{{ $lowest }}{{- end -}}
{{- end -}}

{{/* Deception's environment: canary and decoys listen on every interface of the pod, and minted
     canary URLs name the Service (or deception.canary.baseUrl). */}}
{{- define "omega.deceptionEnv" -}}
{{- $d := .Values.deception -}}
- name: OMEGA_DECEPTION_CANARY_LISTEN
  value: {{ printf "0.0.0.0:%d" (int $d.canary.port) | quote }}
- name: OMEGA_DECEPTION_CANARY_BASE_URL
  value: {{ $d.canary.baseUrl | default (printf "http://%s.%s.svc:%d" (include "omega.componentName" (dict "root" . "component" "deception")) .Release.Namespace (int $d.canary.port)) | quote }}
- name: OMEGA_DECEPTION_DECOYS_LISTEN_HOST
  value: "0.0.0.0"
{{- end -}}
