import { describe, expect, it } from 'vitest';
import { md5Hex } from '../../src/core/md5';

/** 'abc…xyzabc…' of length n: varied bytes catch word/byte-order mistakes that a run of one letter could hide. */
function alphabetRun(n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += String.fromCharCode(97 + (i % 26));
  return s;
}

describe('md5Hex', () => {
  it.each([
    ['', 'd41d8cd98f00b204e9800998ecf8427e'],
    ['a', '0cc175b9c0f1b6a831c399e269772661'],
    ['abc', '900150983cd24fb0d6963f7d28e17f72'],
    ['message digest', 'f96b697d7cb7938d525a2f31aaf161d0'],
    ['abcdefghijklmnopqrstuvwxyz', 'c3fcd3d76192e4007dfb496cca67e13b'],
    ['ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', 'd174ab98d277d9f5a5611c2c9f419d9f'],
    ['1234567890'.repeat(8), '57edf4a22be3c955ac49da2e2107b67a'],
  ])('matches RFC 1321 appendix A.5 for %j', (input, expected) => {
    expect(md5Hex(input)).toBe(expected);
  });

  // Expected values below come from python3 hashlib.md5(s.encode()).hexdigest().
  it('hashes the UTF-8 encoding of multibyte text', () => {
    expect(md5Hex('héllo 日本 🎉')).toBe('1145b3178d4d2085d6cd9d045d246053');
    // 28 two-byte chars = 56 bytes: the padding edge must be judged in bytes, not UTF-16 units.
    expect(md5Hex('é'.repeat(28))).toBe('20b0102488adc14d6375a20e9e1ed8b3');
    expect(md5Hex('日'.repeat(400))).toBe('b24fc28cf7480ac2b5f74da2eb597e1a');
  });

  it.each([
    [55, '0d7ae056b2f015cd7dc67494efd658f1'],
    [56, '31fcfb5165169eb55898e7e4cf34d19a'],
    [63, '1b30c0670c15e7da3c2ba7bce77ebe99'],
    [64, 'a2eaf6295c32adc403865fd96a2f182b'],
    [65, 'eba2cce0ca8df47e62414a736b3105a2'],
    [1000, '303fb697b589019cb3edba04b794e575'],
  ])('pads correctly at a %i-byte input', (length, expected) => {
    expect(md5Hex(alphabetRun(length))).toBe(expected);
  });

  it('always returns 32 lowercase hex characters', () => {
    expect(md5Hex('cachette')).toMatch(/^[0-9a-f]{32}$/);
  });
});
