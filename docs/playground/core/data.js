// The playground's data: mulberry32 and eight 2-D data sets; twin of gen/lib/playground/data.py.
// Each set draws, from one stream, 3 uniforms per point and then 2 normal deviates per
// point, so the order of draws matches the Python side. Point i has class i % K; the
// first round(n * train) points train, the rest test. The reader's own points (state.pts)
// join them, or alone make the data set "custom"; see points().
import { cos, log, sin } from "./xmath.js";

export const DATASETS = ["circles", "xor", "blobs", "spiral", "moons", "clusters3", "clusters4", "spiral3"];
const CLASSES = { clusters3: 3, clusters4: 4, spiral3: 3 };
export const classes = (name) => CLASSES[name] || 2;
export const EXTENT = 3.6;                  // the plane and your points: [-EXTENT, EXTENT]^2
export const STEPS = 2047;                  // your points' coordinates: 11-bit steps over it
export const MAX_POINTS = 400;
const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const STREAMS = { data: 1, init: 2, shuffle: 3 };

export function mulberry32(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  next.uniforms = (n) => Float64Array.from({ length: n }, next);
  next.normals = (n) => {                     // Box-Muller pairs (r cos, r sin), in order
    const pairs = (n + 1) >> 1;
    const u = next.uniforms(2 * pairs);
    const out = new Float64Array(2 * pairs);
    for (let i = 0; i < pairs; i++) {
      const r = Math.sqrt(-2 * log(1 - u[2 * i]));
      const theta = 2 * Math.PI * u[2 * i + 1];
      out[2 * i] = r * cos(theta);
      out[2 * i + 1] = r * sin(theta);
    }
    return out.subarray(0, n);
  };
  return next;
}

export function stream(seed, name) {
  return mulberry32((seed + Math.imul(0x9e3779b9, STREAMS[name])) >>> 0);
}

export function trainCount(n, train) {
  return Math.floor(n * train + 0.5);
}

// {X: Float64Array(2n) as x1, x2 pairs, y: Int32Array(n)}.
export function generate(name, n, noise, seed) {
  const rng = stream(seed, "data");
  const u = rng.uniforms(3 * n);
  const g = rng.normals(2 * n);
  const X = new Float64Array(2 * n);
  const y = new Int32Array(n);
  const twoPi = 2 * Math.PI;
  const K = classes(name);
  for (let i = 0; i < n; i++) {
    const c = i % K;
    const u0 = u[3 * i], u1 = u[3 * i + 1], u2 = u[3 * i + 2];
    const g0 = g[2 * i], g1 = g[2 * i + 1];
    let x1, x2;
    if (name === "circles") {
      const r = c === 1 ? u0 : 1.6 + 0.9 * u0;
      const a = twoPi * u1;
      x1 = r * cos(a); x2 = r * sin(a);
    } else if (name === "xor") {
      const m1 = 0.3 + 2.7 * u0, m2 = 0.3 + 2.7 * u1;
      const s = u2 < 0.5 ? 1 : -1;
      x1 = s * m1;
      x2 = c === 1 ? s * m2 : -s * m2;
    } else if (name === "blobs") {
      const centre = c === 1 ? 1.5 : -1.5;
      const spread = 0.5 + 2 * noise;
      X[2 * i] = centre + spread * g0; X[2 * i + 1] = centre + spread * g1; y[i] = c;
      continue;
    } else if (name === "clusters3" || name === "clusters4") {
      const a = twoPi * c / K + Math.PI / 2;
      const spread = 0.4 + 1.5 * noise;
      X[2 * i] = 2.2 * cos(a) + spread * g0; X[2 * i + 1] = 2.2 * sin(a) + spread * g1; y[i] = c;
      continue;
    } else if (name === "spiral3") {
      const a = 1.25 * twoPi * u0 + twoPi * c / 3;
      x1 = 2.8 * u0 * cos(a); x2 = 2.8 * u0 * sin(a);
    } else if (name === "spiral") {
      const a = 1.75 * twoPi * u0 + Math.PI * c;
      x1 = 2.8 * u0 * cos(a); x2 = 2.8 * u0 * sin(a);
    } else if (name === "moons") {
      const a = Math.PI * u0;
      const ca = cos(a), sa = sin(a);
      x1 = c === 1 ? 1 - ca : ca;
      x2 = c === 1 ? 0.5 - sa : sa;
      x1 = 2 * (x1 - 0.5); x2 = 2 * (x2 - 0.25);
    } else {
      throw new Error(`unknown data set ${name}`);
    }
    X[2 * i] = x1 + noise * g0;
    X[2 * i + 1] = x2 + noise * g1;
    y[i] = c;
  }
  return { X, y };
}

// Your points, 4 base64url characters (24 bits) each: x₁ and x₂ in 11-bit steps over
// [-EXTENT, EXTENT], then the class in 2 bits. The text must be valid (state.js checks).
export const quantise = (v) => Math.min(STEPS, Math.max(0, Math.round(((v + EXTENT) / (2 * EXTENT)) * STEPS)));
export function encodePoint(x1, x2, cls) {
  const v = (quantise(x1) << 13) | (quantise(x2) << 2) | cls;
  return [18, 12, 6, 0].map((s) => B64[(v >> s) & 63]).join("");
}
export function decodePoints(text) {
  const m = text.length >> 2;
  const X = new Float64Array(2 * m), y = new Int32Array(m);
  for (let j = 0; j < m; j++) {
    let v = 0;
    for (let c = 0; c < 4; c++) v = v * 64 + B64.indexOf(text[4 * j + c]);
    X[2 * j] = -EXTENT + (2 * EXTENT * (v >> 13)) / STEPS;
    X[2 * j + 1] = -EXTENT + (2 * EXTENT * ((v >> 2) & 2047)) / STEPS;
    y[j] = v & 3;
  }
  return { X, y };
}

// How many classes the network tells apart: the data set's, or for "custom" enough for
// your points' highest class (at least 2).
export function classCount(state) {
  if (state.data !== "custom") return classes(state.data);
  return Math.max(2, ...decodePoints(state.pts || "").y.map((c) => c + 1));
}

// Training points of the generated set and of your m points: round(m * train) of yours
// train, spread out so that adding a point never moves an earlier one to the other side.
export const trainTotal = (state) =>
  (state.data === "custom" ? 0 : trainCount(state.n, state.train)) + trainCount((state.pts || "").length >> 2, state.train);
const trains = (j, train) => trainCount(j + 1, train) > trainCount(j, train);

// Everything the network sees, training points first: {X, y, k (training points), own
// (1 for your points)}; in order the generated training points, yours that train, the
// generated test points, yours that test.
export function points(state) {
  const gen = state.data === "custom" ? { X: new Float64Array(0), y: new Int32Array(0) }
    : generate(state.data, state.n, state.noise, state.seed);
  const mine = decodePoints(state.pts || "");
  const g = gen.y.length, g0 = trainCount(g, state.train);
  const order = [];                              // [source, index] in the final order
  for (let i = 0; i < g0; i++) order.push([gen, i]);
  for (let j = 0; j < mine.y.length; j++) if (trains(j, state.train)) order.push([mine, j]);
  const k = order.length;
  for (let i = g0; i < g; i++) order.push([gen, i]);
  for (let j = 0; j < mine.y.length; j++) if (!trains(j, state.train)) order.push([mine, j]);
  const X = new Float64Array(2 * order.length), y = new Int32Array(order.length), own = new Uint8Array(order.length);
  order.forEach(([src, i], o) => {
    X[2 * o] = src.X[2 * i]; X[2 * o + 1] = src.X[2 * i + 1]; y[o] = src.y[i]; own[o] = src === mine ? 1 : 0;
  });
  return { X, y, k, own };
}
