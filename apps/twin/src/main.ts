// Twin entry point: the digital twin. The cluster graph and attack paths are not built yet; its RPCs answer UNIMPLEMENTED.
import { main } from '@omega/service';
import { buildTwin, TWIN_RESOURCES, twinServiceConfigSchema } from './twin-service';

main({
  name: 'twin',
  configSchema: twinServiceConfigSchema,
  resources: TWIN_RESOURCES,
  build: buildTwin,
});
