// Token claims are signed by trust's hybrid key (TrustService.Sign, logged by trust) and checked
// with VerifySignature, which also refuses a revoked or expired trust key.
import { Code, OmegaError } from '@omega/runtime';
import type { TrustClient } from '@omega/trust-client';
import { TOKEN_SIGN_PURPOSE } from './api-token';
import type { TokenSigner } from './token-registry';

/** Signs token claims with trust's key (TrustService.Sign) and checks them (VerifySignature). */
export function trustTokenSigner(trust: TrustClient, trustIdentity: string): TokenSigner {
  return {
    async sign(document, requestId) {
      const response = await trust.sign({
        payload: document,
        purpose: TOKEN_SIGN_PURPOSE,
        requestId,
      });
      if (response.signature === undefined || response.signer === undefined) {
        throw new OmegaError(Code.DataLoss, 'TrustService/Sign answered without a signature');
      }
      return { signature: response.signature, signerId: response.signer.id };
    },
    async verify(document, signature, signerId) {
      if (signerId !== trustIdentity) return `signed by ${signerId}, not ${trustIdentity}`;
      const response = await trust.verifySignature({
        message: Buffer.from(document),
        signature,
        expectedIdentityId: trustIdentity,
        purpose: `delegated.${TOKEN_SIGN_PURPOSE}`,
      });
      return response.valid ? undefined : response.detail || 'invalid';
    },
  };
}
