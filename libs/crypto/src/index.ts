// Public entry of @omega/crypto.
export {};
