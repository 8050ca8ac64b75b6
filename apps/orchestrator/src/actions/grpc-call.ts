// A call through a promise client (createPromiseClient) as an activity: its failure, which names
// the service, method and address, becomes an ActivityError that the one rule (isRetryable)
// retries or not (UNIMPLEMENTED, INVALID_ARGUMENT and the like are not worth retrying).
import { ActivityError } from '@omega/workflow';

export async function activityCall<Res>(call: Promise<Res>): Promise<Res> {
  try {
    return await call;
  } catch (err) {
    throw ActivityError.from(err);
  }
}
