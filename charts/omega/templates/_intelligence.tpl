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
{{- end -}}

{{- define "omega.intelligenceVolumes" -}}
- name: custom-rules
  configMap:
    name: {{ include "omega.customRulesConfigMap" . }}
{{- with .Values.intelligence.rulesVolume }}
- name: rules-volume
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}
