// Elementary functions from + - * /, sqrt and floor: the twin of gen/lib/playground/xmath.py.
// The browser's Math.exp, Math.tanh, ... differ from numpy's in the last bits, and
// mini-batch SGD amplifies that; one IEEE operation at a time, both sides agree exactly.

const LOG2E = 1.4426950408889634;
const LN2_HI = 6.93147180369123816490e-01;   // ln 2 split: k * LN2_HI is exact for |k| < 2^20
const LN2_LO = 1.90821492927058770002e-10;
const PIO2_HI = 1.57079632673412561417e+00;  // pi/2 split the same way
const PIO2_LO = 6.07710050650619224932e-11;
const SQRT2 = 1.4142135623730951;

function series(terms, step) {               // c[k] = c[k-1] / step(k)
  const c = [1];
  for (let k = 1; k < terms; k++) c.push(c[k - 1] / step(k));
  return c;
}
const EXP_C = series(14, (k) => k);
const EXPM1_C = EXP_C.slice(1);
const SIN_C = series(9, (k) => (2 * k) * (2 * k + 1)).map((c, i) => (i % 2 ? -c : c));
const COS_C = series(10, (k) => (2 * k - 1) * (2 * k)).map((c, i) => (i % 2 ? -c : c));
const LOG_C = Array.from({ length: 11 }, (_, k) => 1 / (2 * (k + 1) + 1));

function horner(c, r) {
  let p = c[c.length - 1];
  for (let i = c.length - 2; i >= 0; i--) p = p * r + c[i];
  return p;
}

// Exact powers of two 2^-1022 ... 2^1023, by doubling and halving.
const POW2 = new Float64Array(2046);
POW2[1022] = 1;
for (let k = 1; k <= 1023; k++) POW2[1022 + k] = POW2[1021 + k] * 2;
for (let k = 1; k <= 1022; k++) POW2[1022 - k] = POW2[1023 - k] / 2;
const pow2 = (k) => POW2[k + 1022];

export function exp(x) {
  if (x > 709.8) return Infinity;
  if (x < -745.2) return 0;
  if (x !== x) return NaN;
  const k = Math.floor(x * LOG2E + 0.5);
  const r = (x - k * LN2_HI) - k * LN2_LO;
  const p = horner(EXP_C, r);
  if (k < -1000) return (p * pow2(k + 60)) * pow2(-60);   // one rounding, as ldexp
  if (k > 1023) return (p * pow2(1023)) * 2;
  return p * pow2(k);
}

export function expm1(x) {
  if (Math.abs(x) < 0.25) return x * horner(EXPM1_C, x);
  return exp(x) - 1;
}

const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);       // little-endian: U32[1] holds sign and exponent

export function log(x) {
  if (x !== x || x < 0) return NaN;
  if (x === 0) return -Infinity;
  if (x === Infinity) return Infinity;
  let e = 0;
  if (x < 2.2250738585072014e-308) { x *= pow2(54); e = -54; }   // subnormal: scale up first
  F64[0] = x;
  e += ((U32[1] >>> 20) & 0x7ff) - 1023;
  U32[1] = (U32[1] & 0x800fffff) | 0x3ff00000;  // m in [1, 2)
  let m = F64[0];
  if (m > SQRT2) { m *= 0.5; e += 1; }
  const f = (m - 1) / (m + 1);
  const s = f * f;
  const logm = 2 * f + 2 * f * s * horner(LOG_C, s);
  return e * LN2_HI + (logm + e * LN2_LO);
}

export function log1p(x) {
  const u = 1 + x;
  if (u === 1) return x;
  return log(u) - ((u - 1) - x) / u;
}

function sincos(x, wantSin) {
  const k = Math.floor(x * (2 / Math.PI) + 0.5);
  const r = (x - k * PIO2_HI) - k * PIO2_LO;
  const r2 = r * r;
  const s = r * horner(SIN_C, r2);
  const c = horner(COS_C, r2);
  const q = ((k % 4) + 4) % 4;
  if (wantSin) return q === 0 ? s : q === 1 ? c : q === 2 ? -s : -c;
  return q === 0 ? c : q === 1 ? -s : q === 2 ? -c : s;
}
export const sin = (x) => sincos(x, true);
export const cos = (x) => sincos(x, false);

export function tanh(x) {
  const e = expm1(-2 * Math.abs(x));
  const t = -e / (2 + e);
  return x < 0 ? -t : t;
}

export function sigmoid(x) {
  const e = exp(-Math.abs(x));
  return x >= 0 ? 1 / (1 + e) : e / (1 + e);
}
