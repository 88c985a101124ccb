// The playground's state and its URL: every field parsed, validated and clamped.
// A shared URL is a stranger's input: unknown or malformed fields fall back to the
// defaults, out-of-range numbers are clamped, and each such change is reported as a
// short plain-text notice (the view shows it with textContent, never as HTML).
import { DATASETS, classes } from "./core/data.js";
import { ACTIVATIONS, FEATURES } from "./core/nn.js";

export const LIMITS = { layers: 6, width: 16, n: [20, 1000], epoch: 10000, query: 2000 };
export const LR_STEPS = [0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10];
export const RATE_STEPS = [0, 0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1];

const enumOf = (values, dflt) => ({ kind: "enum", values, dflt });
const num = (min, max, dflt, int = false) => ({ kind: int ? "int" : "num", min, max, dflt });

export const SCHEMA = {
  data: enumOf(DATASETS, "circles"),
  noise: num(0, 1, 0.25),
  n: num(LIMITS.n[0], LIMITS.n[1], 400, true),
  train: num(0.1, 0.9, 0.7),
  seed: num(0, 4294967295, 0, true),
  features: { kind: "set", values: FEATURES, dflt: ["x1", "x2"] },
  layers: { kind: "layers", dflt: [16, 16] },
  act: enumOf(Object.keys(ACTIVATIONS), "relu"),
  init: enumOf(["glorot", "he", "normal"], "glorot"),
  loss: enumOf(["bce", "mse"], "bce"),
  opt: enumOf(["adam", "momentum", "sgd"], "adam"),
  lr: num(LR_STEPS[0], LR_STEPS[LR_STEPS.length - 1], 0.01),
  batch: num(1, LIMITS.n[1], 10, true),
  reg: enumOf(["none", "l1", "l2"], "none"),
  rate: num(0, 1, 0),
  sched: enumOf(["constant", "step", "cosine"], "constant"),
  warmup: num(0, 1000, 0, true),
  every: num(1, LIMITS.epoch, 50, true),
  horizon: num(1, LIMITS.epoch, 200, true),
  patience: num(0, 1000, 0, true),
  epoch: num(0, LIMITS.epoch, 0, true),
  cmp: { kind: "compare", dflt: null },
};
// The settings side B of a comparison may override (view/compare.js); the data are shared.
export const COMPARED = ["features", "layers", "act", "init", "loss", "opt", "lr", "batch", "reg", "rate",
  "sched", "warmup", "every", "horizon", "patience"];

export function defaults() {
  const s = {};
  for (const [key, f] of Object.entries(SCHEMA)) s[key] = Array.isArray(f.dflt) ? [...f.dflt] : f.dflt;
  return s;
}

const show = (text) => (text.length > 40 ? `${text.slice(0, 40)}…` : text);

// One field from its URL text: [value, notice or null, true if the text was unusable].
export function parseField(key, text) {
  const f = SCHEMA[key];
  const bad = (why) => [f.dflt, `ignored ${key}=${show(text)} (${why})`, true];
  if (f.kind === "enum") {
    return f.values.includes(text) ? [text, null] : bad(`not one of ${f.values.join(", ")}`);
  }
  if (f.kind === "int" || f.kind === "num") {
    if (!/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(text)) return bad("not a number");
    let v = Number(text);
    if (f.kind === "int") v = Math.round(v);
    const clamped = Math.min(f.max, Math.max(f.min, v));
    return [clamped, clamped === v ? null : `${key}=${show(text)} is out of range, used ${clamped}`];
  }
  if (f.kind === "set") {
    const parts = text === "" ? [] : text.split(",");
    const kept = FEATURES.filter((name) => parts.includes(name));
    if (!kept.length) return bad("no known input feature");
    const dropped = parts.filter((p) => !FEATURES.includes(p));
    return [kept, dropped.length ? `ignored unknown features ${show(dropped.join(","))}` : null];
  }
  if (f.kind === "compare") {      // "act:sigmoid;lr:0.1": side B's overrides, each field checked as above
    const over = {}, notes = [];
    for (const part of text.split(";").slice(0, COMPARED.length * 2)) {
      const at = part.indexOf(":"), k = part.slice(0, at);
      if (at < 0 || !COMPARED.includes(k) || Object.hasOwn(over, k)) {
        if (part) notes.push(`ignored ${show(part)} in cmp (write field:value, e.g. act:sigmoid)`);
        continue;
      }
      const [v, note, unusable] = parseField(k, part.slice(at + 1));
      if (!unusable) over[k] = v;
      if (note) notes.push(`side B: ${note}`);
    }
    return [over, notes.length ? notes.join("; ") : null];
  }
  // layers: up to 6 comma-separated widths 1-16 ("" = no hidden layer)
  if (text === "") return [[], null];
  const parts = text.split(",");
  if (parts.length > LIMITS.layers * 4 || !parts.every((p) => /^\d{1,6}$/.test(p))) {
    return bad("write widths such as 16,16");
  }
  const widths = parts.slice(0, LIMITS.layers).map((p) => Math.min(LIMITS.width, Math.max(1, Number(p))));
  const changed = parts.length > LIMITS.layers || widths.some((w, i) => w !== Number(parts[i]));
  return [widths, changed ? `layers=${show(text)} exceeds ${LIMITS.layers} layers of 1-${LIMITS.width} units, used ${widths.join(",")}` : null];
}

// The state a query string describes, and what was ignored or changed: {state, notices}.
export function parse(query) {
  const state = defaults();
  const notices = [];
  if (typeof query !== "string" || query.length > LIMITS.query) {
    return { state, notices: ["the link was too long to read; opened the defaults"] };
  }
  let params;
  try {
    params = new URLSearchParams(query);
  } catch (e) {
    return { state, notices: ["the link could not be read; opened the defaults"] };
  }
  const seen = new Set();
  for (const [key, value] of params) {
    if (!Object.hasOwn(SCHEMA, key)) {
      if (key !== "ref") notices.push(`ignored unknown setting ${show(key)}`);
      continue;
    }
    if (seen.has(key)) continue;
    seen.add(key);
    const [v, notice] = parseField(key, value);
    state[key] = v;
    if (notice) notices.push(notice);
  }
  return fix(state, notices);
}

// Rules between fields: a batch is at most the training set; squared error is only
// for one sigmoid output (two classes), several classes use softmax cross-entropy.
export function fix(state, notices = []) {
  if (state.loss === "mse" && classes(state.data) > 2) {
    notices.push(`squared error needs two classes; ${state.data} has ${classes(state.data)}, used cross-entropy`);
    state.loss = "bce";
  }
  const nTrain = Math.floor(state.n * state.train + 0.5);
  if (state.batch > nTrain) {
    notices.push(`batch=${state.batch} is larger than the ${nTrain} training points, used ${nTrain}`);
    state.batch = nTrain;
  }
  if (state.cmp) {                       // the same rules for side B, on the fields it overrides
    const b = fix(sideB(state));
    state.cmp = Object.fromEntries(Object.keys(state.cmp).map((key) => [key, b.state[key]]));
    notices.push(...b.notices.map((text) => `side B: ${text}`));
  }
  return { state, notices };
}

// Side B of a comparison: these settings with side B's overrides (view/compare.js).
export const sideB = (state) => ({ ...state, ...state.cmp, cmp: null });

export function serialise(state) {
  const params = new URLSearchParams();
  for (const key of Object.keys(SCHEMA)) {
    const v = state[key];
    if (key === "cmp") {
      if (v) params.set(key, COMPARED.filter((k) => Object.hasOwn(v, k)).map((k) => `${k}:${String(v[k])}`).join(";"));
    } else params.set(key, Array.isArray(v) ? v.join(",") : String(v));
  }
  return params.toString().replace(/%2C/g, ",").replace(/%3A/g, ":").replace(/%3B/g, ";");
}

// What the network core needs (everything but the epoch to start at and side B).
export function trainerState(state) {
  const { epoch, cmp, ...rest } = state;
  return rest;
}
