// Intelligence entry point: the Sigma rule pack and streaming detectors over TELEMETRY, alerts to
// ALERTS, and the alert and rule RPCs; the other RPCs answer UNIMPLEMENTED until they are built.
import { main } from '@omega/service';
import {
  buildIntelligence,
  INTELLIGENCE_RESOURCES,
  intelligenceServiceConfigSchema,
} from './intelligence-service';

main({
  name: 'intelligence',
  configSchema: intelligenceServiceConfigSchema,
  resources: INTELLIGENCE_RESOURCES,
  build: buildIntelligence,
});
