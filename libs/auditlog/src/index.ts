// Public entry of @omega/auditlog.
export {};
