{{/* intelligence's rule directories: customRules (a ConfigMap the chart renders) and rulesVolume
     (the user's own volume), both reloaded when their files change (docs/custom-rules.md). */}}
{{- define "omega.customRulesConfigMap" -}}
{{- printf "%s-intelligence-rules" (include "omega.fullname" .) -}}
{{- end -}}
{{- define "omega.customRulesDir" -}}/etc/omega/rules/custom{{- end -}}
{{- define "omega.rulesVolumeDir" -}}/etc/omega/rules/volume{{- end -}}

{{- define "omega.intelligenceEnv" -}}
{{- $dirs := list (include "omega.customRulesDir" .) -}}
{{- if .Values.intelligence.rulesVolume -}}
{{- $dirs = append $dirs (include "omega.rulesVolumeDir" .) -}}
{{- end }}
- name: OMEGA_INTELLIGENCE_CUSTOM_RULES_DIRS
  value: {{ join "," $dirs | quote }}
{{- include "omega.intelligenceOutputsEnv" . }}
{{- end -}}

{{- define "omega.intelligenceVolumeMounts" -}}
- name: custom-rules
  mountPath: {{ include "omega.customRulesDir" . }}
  readOnly: true
{{- if .Values.intelligence.rulesVolume }}
- name: rules-volume
  mountPath: {{ include "omega.rulesVolumeDir" . }}
  readOnly: true
{{- end }}
{{- include "omega.intelligenceOutputsVolumeMounts" . }}
{{- end -}}

{{- define "omega.intelligenceVolumes" -}}
- name: custom-rules
  configMap:
    name: {{ include "omega.customRulesConfigMap" . }}
{{- with .Values.intelligence.rulesVolume }}
- name: rules-volume
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- include "omega.intelligenceOutputsVolumes" . }}
{{- end -}}

{{- /* Intelligence's alert outputs (docs/alert-outputs.md): the outputs list as the service reads
it, with each output's tokenSecret / caSecret / saslSecret turned into a file under a projected Secret volume. */ -}}

{{- define "omega.intelligenceOutputDir" -}}
/var/run/secrets/omega-outputs/{{ .name }}
{{- end -}}

{{- define "omega.intelligenceOutputs" -}}
{{- $outputs := list -}}
{{- range .Values.intelligence.outputs -}}
{{- $o := omit . "tokenSecret" "caSecret" "saslSecret" -}}
{{- $dir := include "omega.intelligenceOutputDir" . -}}
{{- if .tokenSecret -}}
{{- if not (has .type (list "falcosidekick" "ocsf-webhook" "alertmanager")) -}}
{{- fail (printf "intelligence.outputs %s: tokenSecret applies to falcosidekick, ocsf-webhook and alertmanager outputs, not %s" .name .type) -}}
{{- end -}}
{{- $_ := set $o "tokenFile" (printf "%s/token" $dir) -}}
{{- end -}}
{{- if .caSecret -}}
{{- if eq .type "kafka" -}}
{{- $_ := set $o "tls" (dict "caFile" (printf "%s/ca.crt" $dir)) -}}
{{- else if eq .type "syslog" -}}
{{- $_ := set $o "caFile" (printf "%s/ca.crt" $dir) -}}
{{- else -}}
{{- fail (printf "intelligence.outputs %s: caSecret applies to kafka and syslog outputs, not %s" .name .type) -}}
{{- end -}}
{{- end -}}
{{- if .saslSecret -}}
{{- if or (ne .type "kafka") (not .sasl) -}}
{{- fail (printf "intelligence.outputs %s: saslSecret applies to a kafka output with sasl.mechanism and sasl.username" .name) -}}
{{- end -}}
{{- $_ := set $o "sasl" (merge (dict "passwordFile" (printf "%s/sasl-password" $dir)) (omit .sasl "passwordFile" "passwordEnv")) -}}
{{- end -}}
{{- $outputs = append $outputs $o -}}
{{- end -}}
{{- toJson $outputs -}}
{{- end -}}

{{- define "omega.intelligenceOutputsEnv" -}}
{{- with .Values.intelligence.outputs }}
- name: OMEGA_INTELLIGENCE_OUTPUTS
  value: {{ include "omega.intelligenceOutputs" $ | quote }}
{{- end }}
- name: OMEGA_INTELLIGENCE_OUTPUT_MAX_ALERT_AGE_MS
  value: {{ .Values.intelligence.outputMaxAlertAgeMs | int64 | quote }}
{{- end -}}

{{- define "omega.intelligenceOutputsVolumeMounts" -}}
{{- range .Values.intelligence.outputs }}
{{- if or .tokenSecret .caSecret .saslSecret }}
- name: output-{{ .name }}
  mountPath: {{ include "omega.intelligenceOutputDir" . }}
  readOnly: true
{{- end }}
{{- end }}
{{- end -}}

{{- define "omega.intelligenceOutputsVolumes" -}}
{{- range .Values.intelligence.outputs }}
{{- if or .tokenSecret .caSecret .saslSecret }}
- name: output-{{ .name }}
  projected:
    sources:
      {{- with .tokenSecret }}
      - secret:
          name: {{ .name | quote }}
          items: [{ key: {{ .key | default "token" | quote }}, path: token }]
      {{- end }}
      {{- with .caSecret }}
      - secret:
          name: {{ .name | quote }}
          items: [{ key: {{ .key | default "ca.crt" | quote }}, path: ca.crt }]
      {{- end }}
      {{- with .saslSecret }}
      - secret:
          name: {{ .name | quote }}
          items: [{ key: {{ .key | default "password" | quote }}, path: sasl-password }]
      {{- end }}
{{- end }}
{{- end }}
{{- end -}}
