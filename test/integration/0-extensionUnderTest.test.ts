import { describeExtensionUnderTest } from './extensionUnderTest';

// In this leg: this folder, loaded in extension development mode.
describeExtensionUnderTest();
