// The registry side of the engine: one import for the CLI, the extension and the copy command.
export * from './copyImage';
export * from './copyRepository';
export * from './credentials';
export * from './defaultRegistryClient';
export * from './mediaTypes';
export * from './pushImage';
export * from './registryClient';
export * from './registryError';
export * from './sortTags';
export * from './verifyRepositories';
export * from './verifyReportFormat';
export * from './wwwAuthenticate';
export { nextLink } from './linkHeader';
export { isLoopbackHost, registryOrigin } from './hosts';
export * from './registryPaths';
export * from './migrationGate';
export * from './tagSelection';
