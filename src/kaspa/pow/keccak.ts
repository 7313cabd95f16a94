// Keccak-f[1600] (FIPS 202 §3.3) on 32-bit halves, each round written out straight-line: the 25 lanes live in local
// variables for the whole permutation, which is about twice as fast in JavaScriptCore as a loop over the array.

/** Round constants as [low, high] uint32 pairs. */
const RC = new Uint32Array([
  0x00000001, 0x00000000,
  0x00008082, 0x00000000,
  0x0000808a, 0x80000000,
  0x80008000, 0x80000000,
  0x0000808b, 0x00000000,
  0x80000001, 0x00000000,
  0x80008081, 0x80000000,
  0x00008009, 0x80000000,
  0x0000008a, 0x00000000,
  0x00000088, 0x00000000,
  0x80008009, 0x00000000,
  0x8000000a, 0x00000000,
  0x8000808b, 0x00000000,
  0x0000008b, 0x80000000,
  0x00008089, 0x80000000,
  0x00008003, 0x80000000,
  0x00008002, 0x80000000,
  0x00000080, 0x80000000,
  0x0000800a, 0x00000000,
  0x8000000a, 0x80000000,
  0x80008081, 0x80000000,
  0x00008080, 0x80000000,
  0x80000001, 0x00000000,
  0x80008008, 0x80000000,
]);

/** Permutes a state held as Uint32Array(50), lane i in words [2i] (low) and [2i+1] (high). */
export function keccakF1600(s: Uint32Array): void {
  let l0 = s[0]! | 0, h0 = s[1]! | 0, l1 = s[2]! | 0, h1 = s[3]! | 0, l2 = s[4]! | 0, h2 = s[5]! | 0, l3 = s[6]! | 0, h3 = s[7]! | 0, l4 = s[8]! | 0, h4 = s[9]! | 0;
  let l5 = s[10]! | 0, h5 = s[11]! | 0, l6 = s[12]! | 0, h6 = s[13]! | 0, l7 = s[14]! | 0, h7 = s[15]! | 0, l8 = s[16]! | 0, h8 = s[17]! | 0, l9 = s[18]! | 0, h9 = s[19]! | 0;
  let l10 = s[20]! | 0, h10 = s[21]! | 0, l11 = s[22]! | 0, h11 = s[23]! | 0, l12 = s[24]! | 0, h12 = s[25]! | 0, l13 = s[26]! | 0, h13 = s[27]! | 0, l14 = s[28]! | 0, h14 = s[29]! | 0;
  let l15 = s[30]! | 0, h15 = s[31]! | 0, l16 = s[32]! | 0, h16 = s[33]! | 0, l17 = s[34]! | 0, h17 = s[35]! | 0, l18 = s[36]! | 0, h18 = s[37]! | 0, l19 = s[38]! | 0, h19 = s[39]! | 0;
  let l20 = s[40]! | 0, h20 = s[41]! | 0, l21 = s[42]! | 0, h21 = s[43]! | 0, l22 = s[44]! | 0, h22 = s[45]! | 0, l23 = s[46]! | 0, h23 = s[47]! | 0, l24 = s[48]! | 0, h24 = s[49]! | 0;
  let c0l: number, c0h: number, c1l: number, c1h: number, c2l: number, c2h: number, c3l: number, c3h: number, c4l: number, c4h: number;
  let dl: number, dh: number;
  let b0l: number, b0h: number, b1l: number, b1h: number, b2l: number, b2h: number, b3l: number, b3h: number, b4l: number, b4h: number;
  let b5l: number, b5h: number, b6l: number, b6h: number, b7l: number, b7h: number, b8l: number, b8h: number, b9l: number, b9h: number;
  let b10l: number, b10h: number, b11l: number, b11h: number, b12l: number, b12h: number, b13l: number, b13h: number, b14l: number, b14h: number;
  let b15l: number, b15h: number, b16l: number, b16h: number, b17l: number, b17h: number, b18l: number, b18h: number, b19l: number, b19h: number;
  let b20l: number, b20h: number, b21l: number, b21h: number, b22l: number, b22h: number, b23l: number, b23h: number, b24l: number, b24h: number;
  for (let r = 0; r < 48; r += 2) {
    c0l = l0 ^ l5 ^ l10 ^ l15 ^ l20; c0h = h0 ^ h5 ^ h10 ^ h15 ^ h20;
    c1l = l1 ^ l6 ^ l11 ^ l16 ^ l21; c1h = h1 ^ h6 ^ h11 ^ h16 ^ h21;
    c2l = l2 ^ l7 ^ l12 ^ l17 ^ l22; c2h = h2 ^ h7 ^ h12 ^ h17 ^ h22;
    c3l = l3 ^ l8 ^ l13 ^ l18 ^ l23; c3h = h3 ^ h8 ^ h13 ^ h18 ^ h23;
    c4l = l4 ^ l9 ^ l14 ^ l19 ^ l24; c4h = h4 ^ h9 ^ h14 ^ h19 ^ h24;
    dl = c4l ^ ((c1l << 1) | (c1h >>> 31)); dh = c4h ^ ((c1h << 1) | (c1l >>> 31));
    l0 ^= dl; h0 ^= dh; l5 ^= dl; h5 ^= dh; l10 ^= dl; h10 ^= dh; l15 ^= dl; h15 ^= dh; l20 ^= dl; h20 ^= dh;
    dl = c0l ^ ((c2l << 1) | (c2h >>> 31)); dh = c0h ^ ((c2h << 1) | (c2l >>> 31));
    l1 ^= dl; h1 ^= dh; l6 ^= dl; h6 ^= dh; l11 ^= dl; h11 ^= dh; l16 ^= dl; h16 ^= dh; l21 ^= dl; h21 ^= dh;
    dl = c1l ^ ((c3l << 1) | (c3h >>> 31)); dh = c1h ^ ((c3h << 1) | (c3l >>> 31));
    l2 ^= dl; h2 ^= dh; l7 ^= dl; h7 ^= dh; l12 ^= dl; h12 ^= dh; l17 ^= dl; h17 ^= dh; l22 ^= dl; h22 ^= dh;
    dl = c2l ^ ((c4l << 1) | (c4h >>> 31)); dh = c2h ^ ((c4h << 1) | (c4l >>> 31));
    l3 ^= dl; h3 ^= dh; l8 ^= dl; h8 ^= dh; l13 ^= dl; h13 ^= dh; l18 ^= dl; h18 ^= dh; l23 ^= dl; h23 ^= dh;
    dl = c3l ^ ((c0l << 1) | (c0h >>> 31)); dh = c3h ^ ((c0h << 1) | (c0l >>> 31));
    l4 ^= dl; h4 ^= dh; l9 ^= dl; h9 ^= dh; l14 ^= dl; h14 ^= dh; l19 ^= dl; h19 ^= dh; l24 ^= dl; h24 ^= dh;
    b0l = l0; b0h = h0;
    b16l = (h5 << 4) | (l5 >>> 28); b16h = (l5 << 4) | (h5 >>> 28);
    b7l = (l10 << 3) | (h10 >>> 29); b7h = (h10 << 3) | (l10 >>> 29);
    b23l = (h15 << 9) | (l15 >>> 23); b23h = (l15 << 9) | (h15 >>> 23);
    b14l = (l20 << 18) | (h20 >>> 14); b14h = (h20 << 18) | (l20 >>> 14);
    b10l = (l1 << 1) | (h1 >>> 31); b10h = (h1 << 1) | (l1 >>> 31);
    b1l = (h6 << 12) | (l6 >>> 20); b1h = (l6 << 12) | (h6 >>> 20);
    b17l = (l11 << 10) | (h11 >>> 22); b17h = (h11 << 10) | (l11 >>> 22);
    b8l = (h16 << 13) | (l16 >>> 19); b8h = (l16 << 13) | (h16 >>> 19);
    b24l = (l21 << 2) | (h21 >>> 30); b24h = (h21 << 2) | (l21 >>> 30);
    b20l = (h2 << 30) | (l2 >>> 2); b20h = (l2 << 30) | (h2 >>> 2);
    b11l = (l7 << 6) | (h7 >>> 26); b11h = (h7 << 6) | (l7 >>> 26);
    b2l = (h12 << 11) | (l12 >>> 21); b2h = (l12 << 11) | (h12 >>> 21);
    b18l = (l17 << 15) | (h17 >>> 17); b18h = (h17 << 15) | (l17 >>> 17);
    b9l = (h22 << 29) | (l22 >>> 3); b9h = (l22 << 29) | (h22 >>> 3);
    b5l = (l3 << 28) | (h3 >>> 4); b5h = (h3 << 28) | (l3 >>> 4);
    b21l = (h8 << 23) | (l8 >>> 9); b21h = (l8 << 23) | (h8 >>> 9);
    b12l = (l13 << 25) | (h13 >>> 7); b12h = (h13 << 25) | (l13 >>> 7);
    b3l = (l18 << 21) | (h18 >>> 11); b3h = (h18 << 21) | (l18 >>> 11);
    b19l = (h23 << 24) | (l23 >>> 8); b19h = (l23 << 24) | (h23 >>> 8);
    b15l = (l4 << 27) | (h4 >>> 5); b15h = (h4 << 27) | (l4 >>> 5);
    b6l = (l9 << 20) | (h9 >>> 12); b6h = (h9 << 20) | (l9 >>> 12);
    b22l = (h14 << 7) | (l14 >>> 25); b22h = (l14 << 7) | (h14 >>> 25);
    b13l = (l19 << 8) | (h19 >>> 24); b13h = (h19 << 8) | (l19 >>> 24);
    b4l = (l24 << 14) | (h24 >>> 18); b4h = (h24 << 14) | (l24 >>> 18);
    l0 = b0l ^ (~b1l & b2l); h0 = b0h ^ (~b1h & b2h);
    l1 = b1l ^ (~b2l & b3l); h1 = b1h ^ (~b2h & b3h);
    l2 = b2l ^ (~b3l & b4l); h2 = b2h ^ (~b3h & b4h);
    l3 = b3l ^ (~b4l & b0l); h3 = b3h ^ (~b4h & b0h);
    l4 = b4l ^ (~b0l & b1l); h4 = b4h ^ (~b0h & b1h);
    l5 = b5l ^ (~b6l & b7l); h5 = b5h ^ (~b6h & b7h);
    l6 = b6l ^ (~b7l & b8l); h6 = b6h ^ (~b7h & b8h);
    l7 = b7l ^ (~b8l & b9l); h7 = b7h ^ (~b8h & b9h);
    l8 = b8l ^ (~b9l & b5l); h8 = b8h ^ (~b9h & b5h);
    l9 = b9l ^ (~b5l & b6l); h9 = b9h ^ (~b5h & b6h);
    l10 = b10l ^ (~b11l & b12l); h10 = b10h ^ (~b11h & b12h);
    l11 = b11l ^ (~b12l & b13l); h11 = b11h ^ (~b12h & b13h);
    l12 = b12l ^ (~b13l & b14l); h12 = b12h ^ (~b13h & b14h);
    l13 = b13l ^ (~b14l & b10l); h13 = b13h ^ (~b14h & b10h);
    l14 = b14l ^ (~b10l & b11l); h14 = b14h ^ (~b10h & b11h);
    l15 = b15l ^ (~b16l & b17l); h15 = b15h ^ (~b16h & b17h);
    l16 = b16l ^ (~b17l & b18l); h16 = b16h ^ (~b17h & b18h);
    l17 = b17l ^ (~b18l & b19l); h17 = b17h ^ (~b18h & b19h);
    l18 = b18l ^ (~b19l & b15l); h18 = b18h ^ (~b19h & b15h);
    l19 = b19l ^ (~b15l & b16l); h19 = b19h ^ (~b15h & b16h);
    l20 = b20l ^ (~b21l & b22l); h20 = b20h ^ (~b21h & b22h);
    l21 = b21l ^ (~b22l & b23l); h21 = b21h ^ (~b22h & b23h);
    l22 = b22l ^ (~b23l & b24l); h22 = b22h ^ (~b23h & b24h);
    l23 = b23l ^ (~b24l & b20l); h23 = b23h ^ (~b24h & b20h);
    l24 = b24l ^ (~b20l & b21l); h24 = b24h ^ (~b20h & b21h);
    l0 ^= RC[r]!; h0 ^= RC[r + 1]!;
  }
  s[0] = l0; s[1] = h0; s[2] = l1; s[3] = h1; s[4] = l2; s[5] = h2; s[6] = l3; s[7] = h3; s[8] = l4; s[9] = h4;
  s[10] = l5; s[11] = h5; s[12] = l6; s[13] = h6; s[14] = l7; s[15] = h7; s[16] = l8; s[17] = h8; s[18] = l9; s[19] = h9;
  s[20] = l10; s[21] = h10; s[22] = l11; s[23] = h11; s[24] = l12; s[25] = h12; s[26] = l13; s[27] = h13; s[28] = l14; s[29] = h14;
  s[30] = l15; s[31] = h15; s[32] = l16; s[33] = h16; s[34] = l17; s[35] = h17; s[36] = l18; s[37] = h18; s[38] = l19; s[39] = h19;
  s[40] = l20; s[41] = h20; s[42] = l21; s[43] = h21; s[44] = l22; s[45] = h22; s[46] = l23; s[47] = h23; s[48] = l24; s[49] = h24;
}
