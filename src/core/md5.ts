/**
 * MD5 (RFC 1321), used only to build cache keys byte-exact with Django's
 * `make_template_fragment_key`. Not for security: MD5 is broken for that.
 *
 * Written synchronously because Web Crypto's `subtle.digest` is async and has no
 * MD5 at all.
 */

// Per-round left-rotation amounts, four per round, cycled over the 16 steps.
const SHIFTS = [7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21];

// K[i] = floor(abs(sin(i + 1)) * 2^32), computed lazily so importing this module does no work.
let sineTable: Int32Array | undefined;

const encoder = new TextEncoder();

/**
 * MD5 digest of the UTF-8 encoding of `input`, as 32 lowercase hex characters.
 *
 * @example
 * md5Hex('abc'); // '900150983cd24fb0d6963f7d28e17f72'
 */
export function md5Hex(input: string): string {
  const bytes = encoder.encode(input);
  const length = bytes.length;
  // Message + 0x80 + zero padding + 64-bit length, rounded up to whole 64-byte blocks.
  const padded = new Uint8Array((((length + 8) >>> 6) + 1) << 6);
  padded.set(bytes);
  padded[length] = 0x80;
  const view = new DataView(padded.buffer);
  const end = padded.length;
  // Bit length as a little-endian 64-bit integer; split because JS bit ops are 32-bit.
  view.setUint32(end - 8, (length << 3) >>> 0, true);
  view.setUint32(end - 4, Math.floor(length / 0x20000000), true);

  const k = (sineTable ??= buildSineTable());
  const words = new Int32Array(16);
  let a0 = 0x67452301;
  let b0 = 0xefcdab89 | 0;
  let c0 = 0x98badcfe | 0;
  let d0 = 0x10325476;

  for (let offset = 0; offset < end; offset += 64) {
    for (let i = 0; i < 16; i++) words[i] = view.getInt32(offset + i * 4, true);
    let a = a0;
    let b = b0;
    let c = c0;
    let d = d0;
    for (let i = 0; i < 64; i++) {
      let f: number;
      let g: number;
      if (i < 16) {
        f = (b & c) | (~b & d);
        g = i;
      } else if (i < 32) {
        f = (d & b) | (~d & c);
        g = (5 * i + 1) & 15;
      } else if (i < 48) {
        f = b ^ c ^ d;
        g = (3 * i + 5) & 15;
      } else {
        f = c ^ (b | ~d);
        g = (7 * i) & 15;
      }
      const sum = (a + f + k[i]! + words[g]!) | 0;
      const shift = SHIFTS[((i >>> 4) << 2) | (i & 3)]!;
      a = d;
      d = c;
      c = b;
      b = (b + ((sum << shift) | (sum >>> (32 - shift)))) | 0;
    }
    a0 = (a0 + a) | 0;
    b0 = (b0 + b) | 0;
    c0 = (c0 + c) | 0;
    d0 = (d0 + d) | 0;
  }

  return wordHex(a0) + wordHex(b0) + wordHex(c0) + wordHex(d0);
}

function buildSineTable(): Int32Array {
  const table = new Int32Array(64);
  for (let i = 0; i < 64; i++) table[i] = Math.floor(Math.abs(Math.sin(i + 1)) * 0x100000000);
  return table;
}

/** Hex of a 32-bit word in little-endian byte order, as MD5's digest is laid out. */
function wordHex(word: number): string {
  let hex = '';
  for (let i = 0; i < 32; i += 8) hex += ((word >>> i) & 0xff).toString(16).padStart(2, '0');
  return hex;
}
