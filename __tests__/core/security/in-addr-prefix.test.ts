// in_addr_prefix_from_string_auto() (src/basic/in-addr-prefix-util.c): IPv4 and IPv6 prefixes, masked.
import { parseAddressPrefix } from '../../../src/core/security/in-addr-prefix';

describe('parseAddressPrefix', () => {
  it.each([
    ['10.1.2.3', { family: 4, bytes: [10, 1, 2, 3], prefixLength: 32 }],
    ['10.1.2.3/8', { family: 4, bytes: [10, 0, 0, 0], prefixLength: 8 }],
    ['10.1.255.3/20', { family: 4, bytes: [10, 1, 240, 0], prefixLength: 20 }],
    ['0.0.0.0/0', { family: 4, bytes: [0, 0, 0, 0], prefixLength: 0 }],
    ['::1', { family: 6, bytes: [...new Array(15).fill(0), 1], prefixLength: 128 }],
    ['fe80::1/64', { family: 6, bytes: [0xfe, 0x80, ...new Array(14).fill(0)], prefixLength: 64 }],
    [
      '::ffff:1.2.3.4',
      { family: 6, bytes: [...new Array(10).fill(0), 0xff, 0xff, 1, 2, 3, 4], prefixLength: 128 },
    ],
    [
      '1:2:3:4:5:6:7:8',
      { family: 6, bytes: [0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 7, 0, 8], prefixLength: 128 },
    ],
  ])('%s', (word, expected) => {
    expect(parseAddressPrefix(word)).toEqual(expected);
  });

  it.each([
    '',
    'localhost',
    '1.2.3',
    '1.2.3.4.5',
    '256.0.0.1',
    '1.2.3.4/33',
    '::/129',
    '1.2.3.4/',
    '1.2.3.4/x',
    ':::',
    '1::2::3',
    '1:2:3:4:5:6:7:8:9',
    '12345::',
  ])('%j is invalid', (word) => {
    expect(parseAddressPrefix(word)).toBeUndefined();
  });
});
