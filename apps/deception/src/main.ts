// Deception entry point: honeypots and honeytokens. They are not built yet; its RPCs answer UNIMPLEMENTED.
import { main } from '@omega/service';
import {
  buildDeception,
  DECEPTION_RESOURCES,
  deceptionServiceConfigSchema,
} from './deception-service';

main({
  name: 'deception',
  configSchema: deceptionServiceConfigSchema,
  resources: DECEPTION_RESOURCES,
  build: buildDeception,
});
