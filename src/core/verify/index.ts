// Registry-checked findings: one import for the CLI (`scan --verify`, `fix --verify`),
// the editor's diagnostics and hovers, and the Tag Explorer (through one VerificationStore).
export * from './copyCommand';
export * from './verification';
export * from './verificationStore';
export * from './verificationTarget';
export * from './verifyReferences';
