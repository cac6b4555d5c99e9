// parse_boolean() (src/basic/parse-util.c): the words systemd reads as yes or no, in any case.
import { parseBoolean } from '../../../src/core/unit/parse-boolean';

describe('parseBoolean', () => {
  it.each(['1', 'yes', 'y', 'true', 't', 'on', 'YES', 'Yes', 'TRUE', 'On', 'Y', 'T'])('%j is true', (v) => {
    expect(parseBoolean(v)).toBe(true);
  });
  it.each(['0', 'no', 'n', 'false', 'f', 'off', 'NO', 'False', 'OFF', 'N', 'F'])('%j is false', (v) => {
    expect(parseBoolean(v)).toBe(false);
  });
  it.each(['', '2', 'yess', 'enable', 'o', '-1', ' yes', 'ja'])('%j is not a boolean', (v) => {
    expect(parseBoolean(v)).toBeUndefined();
  });
});
