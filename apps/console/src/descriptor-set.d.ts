// The contract's descriptors (a FileDescriptorSet, base64), made at build time by
// vite.config.mts from @omega/proto's build without comments: there is no source file.
export declare const DESCRIPTOR_SET_BASE64: string;
