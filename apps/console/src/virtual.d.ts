// The contract's descriptors, made by vite.config.mts from @omega/proto's build.
declare module 'virtual:omega-descriptors' {
  export const DESCRIPTOR_SET_BASE64: string;
}
