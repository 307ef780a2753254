import { describeExtensionUnderTest } from '../extensionUnderTest';

// In this leg: the VSIX of `npm run package`, installed with code-server --install-extension.
describeExtensionUnderTest();
