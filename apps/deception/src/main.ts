// Deception entry point: honeypot decoys and honeytokens whose every touch is an interaction on DECEPTION.
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
