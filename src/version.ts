// The one unitgate version string (package.json's), for `--version`, reports and SARIF's tool.driver.
import { version } from '../package.json';

export const UNITGATE_VERSION: string = version;
