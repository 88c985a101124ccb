// The playground's network and training loop: the twin of gen/lib/playground/nn.py.
// Dense layers in float64; each activation sits next to its derivative; sums run in
// the same order as the Python loops, so both sides produce the same bits.
import { cos, expm1, exp, log, log1p, sigmoid, sin, tanh } from "./xmath.js";
import { classCount, points, stream } from "./data.js";

export const FEATURES = ["x1", "x2", "x1sq", "x2sq", "x1x2", "sinx1", "sinx2"];
const LEAKY_SLOPE = 0.01;
const GELU_C = Math.sqrt(2 / Math.PI);        // GELU in its tanh form (Hendrycks & Gimpel)
const GELU_A = 0.044715;
const ADAM_B1 = 0.9, ADAM_B2 = 0.999, ADAM_EPS = 1e-8, MOMENTUM = 0.9;

// name: [f(z), f'(z) given z and a = f(z)]
export const ACTIVATIONS = {
  identity: [(z) => z, () => 1],
  relu: [(z) => (z > 0 ? z : 0), (z) => (z > 0 ? 1 : 0)],
  leaky_relu: [(z) => (z > 0 ? z : LEAKY_SLOPE * z), (z) => (z > 0 ? 1 : LEAKY_SLOPE)],
  elu: [(z) => (z > 0 ? z : expm1(z)), (z, a) => (z > 0 ? 1 : a + 1)],
  sigmoid: [sigmoid, (z, a) => a * (1 - a)],
  tanh: [tanh, (z, a) => 1 - a * a],
  gelu: [(z) => 0.5 * z * (1 + tanh(GELU_C * (z + GELU_A * z * z * z))), (z) => {
    const t = tanh(GELU_C * (z + GELU_A * z * z * z));
    return 0.5 * (1 + t) + 0.5 * z * (1 - t * t) * GELU_C * (1 + 3 * GELU_A * z * z);
  }],
  silu: [(z) => z * sigmoid(z), (z) => {
    const s = sigmoid(z);
    return s * (1 + z * (1 - s));
  }],
  softplus: [(z) => (z > 0 ? z : 0) + log1p(exp(-Math.abs(z))), (z) => sigmoid(z)],
};

// The learning rate of epoch `epoch` (0 = the first): a linear warm-up over `warmup`
// epochs, then constant, ×0.1 every `every` epochs, or a cosine from lr to 0 over
// `horizon` epochs (then 0).
export function lrAt(state, epoch) {
  const { lr, warmup } = state;
  if (epoch < warmup) return lr * (epoch + 1) / warmup;
  const t = epoch - warmup;
  if (state.sched === "step") {
    let f = 1;
    for (let i = Math.floor(t / state.every); i > 0; i--) f *= 0.1;
    return lr * f;
  }
  if (state.sched === "cosine") {
    const H = state.horizon;
    return lr * 0.5 * (1 + cos(Math.PI * Math.min(t, H) / H));
  }
  return lr;
}

// The input columns the network sees, in FEATURES order: a function made once per
// choice of inputs, since the heat map calls it for every cell of every frame.
const COLUMN = {
  x1: (x1) => x1, x2: (x1, x2) => x2, x1sq: (x1) => x1 * x1, x2sq: (x1, x2) => x2 * x2,
  x1x2: (x1, x2) => x1 * x2, sinx1: (x1) => sin(x1), sinx2: (x1, x2) => sin(x2),
};
export function featureMap(names) {
  const columns = FEATURES.filter((f) => names.includes(f)).map((f) => COLUMN[f]);
  return (x1, x2, out) => {
    for (let i = 0; i < columns.length; i++) out[i] = columns[i](x1, x2);
    return out;
  };
}

// Inputs, hidden widths, outputs: one sigmoid unit for two classes, else one per class.
export function sizes(state) {
  const K = classCount(state);
  return [FEATURES.filter((f) => state.features.includes(f)).length, ...state.layers, K === 2 ? 1 : K];
}

export function init(layerSizes, seed, scheme) {
  const rng = stream(seed, "init");
  const net = [];
  for (let l = 0; l + 1 < layerSizes.length; l++) {
    const nin = layerSizes[l], nout = layerSizes[l + 1];
    const std = scheme === "he" ? Math.sqrt(2 / nin)
      : scheme === "glorot" ? Math.sqrt(2 / (nin + nout)) : 0.1;
    const W = rng.normals(nin * nout).map((z) => std * z);
    net.push({ nin, nout, W: Float64Array.from(W), b: new Float64Array(nout) });
  }
  return net;
}

export function copyNet(net) {
  return net.map((L) => ({ ...L, W: L.W.slice(), b: L.b.slice() }));
}

// Forward one example: zs[l] and as[l] (as[0] is the input); the last zs are logits.
function forward(net, input, act, zs, as) {
  const f = ACTIVATIONS[act][0];
  as[0] = input;
  for (let l = 0; l < net.length; l++) {
    const { nin, nout, W, b } = net[l];
    const a = as[l], z = zs[l];
    for (let k = 0; k < nout; k++) z[k] = b[k];
    for (let j = 0; j < nin; j++) {
      const aj = a[j];
      for (let k = 0; k < nout; k++) z[k] += aj * W[j * nout + k];
    }
    if (l < net.length - 1) {
      const out = as[l + 1];
      for (let k = 0; k < nout; k++) out[k] = f(z[k]);
    }
  }
  return zs[net.length - 1];
}

// Loss of one example from its logits; writes dL/dz into grad (if given).
function lossOf(z, y, loss, grad) {
  if (z.length === 1) {
    const z1 = z[0], t = y;
    const p = sigmoid(z1);
    if (loss === "mse") {
      const d = p - t;
      if (grad) grad[0] = 2 * d * p * (1 - p);
      return d * d;
    }
    if (grad) grad[0] = p - t;
    return (z1 > 0 ? z1 : 0) - z1 * t + log1p(exp(-Math.abs(z1)));
  }
  let m = z[0];
  for (let k = 1; k < z.length; k++) m = Math.max(m, z[k]);
  let s = 0;
  const e = new Float64Array(z.length);
  for (let k = 0; k < z.length; k++) { e[k] = exp(z[k] - m); s += e[k]; }
  if (grad) {
    for (let k = 0; k < z.length; k++) grad[k] = e[k] / s;
    grad[y] -= 1;
  }
  return (m + log(s)) - z[y];
}

function predicted(z) {
  if (z.length === 1) return z[0] > 0 ? 1 : 0;
  let best = 0;
  for (let k = 1; k < z.length; k++) if (z[k] > z[best]) best = k;
  return best;
}

function buffers(net) {
  return {
    zs: net.map((L) => new Float64Array(L.nout)),
    as: [null, ...net.slice(0, -1).map((L) => new Float64Array(L.nout))],
    gs: net.map((L) => new Float64Array(L.nout)),
    back: net.map((L) => new Float64Array(L.nin)),
  };
}

export class Trainer {
  // state: the fields of state.js (data, noise, n, train, seed, features, layers, act,
  // init, loss, opt, lr, batch, reg, rate).
  constructor(state) {
    this.state = state;
    this.points = points(state);                  // the generated data set and your points
    const { X, y, k } = this.points;
    const d = sizes(state)[0];
    this.features = featureMap(state.features);
    const rows = (from, to) => Array.from({ length: to - from }, (_, i) =>
      this.features(X[2 * (from + i)], X[2 * (from + i) + 1], new Float64Array(d)));
    this.classes = classCount(state);
    this.train = { A: rows(0, k), y: y.subarray(0, k) };
    this.test = { A: rows(k, y.length), y: y.subarray(k) };
    this.net = init(sizes(state), state.seed, state.init);
    this.initial = copyNet(this.net);
    this.grads = this.net.map((L) => ({ W: new Float64Array(L.W.length), b: new Float64Array(L.nout) }));
    this.m = this.net.map((L) => ({ W: new Float64Array(L.W.length), b: new Float64Array(L.nout) }));
    this.v = this.net.map((L) => ({ W: new Float64Array(L.W.length), b: new Float64Array(L.nout) }));
    this.b1t = 1; this.b2t = 1;
    this.shuffle = stream(state.seed, "shuffle");
    this.buf = buffers(this.net);
    this.epoch = 0;
    this.lr = lrAt(state, 0);
    this.stopped = null;                 // early stopping: {epoch, best} once it stopped
    this.history = { train_loss: [], test_loss: [], train_acc: [], test_acc: [], grad_norm: [] };
    this.record();
    this.best = { loss: this.history.test_loss[0], epoch: 0, net: copyNet(this.net) };
  }

  evaluate(set) {
    let total = 0, right = 0;
    const { zs, as } = this.buf;
    for (let i = 0; i < set.A.length; i++) {
      const z = forward(this.net, set.A[i], this.state.act, zs, as);
      total += lossOf(z, set.y[i], this.state.loss, null);
      if (predicted(z) === set.y[i]) right++;
    }
    return [total / set.A.length, right / set.A.length];
  }

  // The current epoch's losses and accuracies (again, after a hand edit of the weights).
  record() {
    for (const split of ["train", "test"]) {
      const [loss, acc] = this.evaluate(this[split]);
      this.history[`${split}_loss`][this.epoch] = loss;
      this.history[`${split}_acc`][this.epoch] = acc;
    }
  }

  // Accumulate the batch's gradient, example by example, in order.
  backward(idx) {
    const { net, grads, state } = this;
    const { zs, as, gs, back } = this.buf;
    const df = ACTIVATIONS[state.act][1];
    const B = idx.length;
    for (const G of grads) { G.W.fill(0); G.b.fill(0); }
    for (const r of idx) {
      const z = forward(net, this.train.A[r], state.act, zs, as);
      const g = gs[net.length - 1];
      lossOf(z, this.train.y[r], state.loss, g);
      for (let k = 0; k < g.length; k++) g[k] = g[k] / B;
      for (let l = net.length - 1; l >= 0; l--) {
        const { nin, nout, W } = net[l];
        const gl = gs[l], a = as[l], G = grads[l];
        for (let j = 0; j < nin; j++) {
          const aj = a[j];
          for (let k = 0; k < nout; k++) G.W[j * nout + k] += aj * gl[k];
        }
        for (let k = 0; k < nout; k++) G.b[k] += gl[k];
        if (l > 0) {
          const below = gs[l - 1], zb = zs[l - 1], ab = as[l];
          for (let j = 0; j < nin; j++) {
            let s = 0;
            for (let k = 0; k < nout; k++) s += gl[k] * W[j * nout + k];
            below[j] = s * df(zb[j], ab[j]);
          }
        }
      }
    }
  }

  step() {
    const { state } = this;
    if (state.opt === "adam") { this.b1t *= ADAM_B1; this.b2t *= ADAM_B2; }
    for (let l = 0; l < this.net.length; l++) {
      for (const part of ["W", "b"]) {
        const p = this.net[l][part], gr = this.grads[l][part];
        const m = this.m[l][part], v = this.v[l][part];
        const reg = part === "W" ? state.reg : "none";
        for (let i = 0; i < p.length; i++) {
          let g = gr[i];
          if (reg === "l2") g = g + state.rate * p[i];
          else if (reg === "l1") g = g + state.rate * Math.sign(p[i]);
          if (state.opt === "sgd") {
            p[i] = p[i] - this.lr * g;
          } else if (state.opt === "momentum") {
            m[i] = MOMENTUM * m[i] - this.lr * g;
            p[i] = p[i] + m[i];
          } else {
            m[i] = ADAM_B1 * m[i] + (1 - ADAM_B1) * g;
            v[i] = ADAM_B2 * v[i] + (1 - ADAM_B2) * (g * g);
            const mhat = m[i] / (1 - this.b1t);
            const vhat = v[i] / (1 - this.b2t);
            p[i] = p[i] - this.lr * mhat / (Math.sqrt(vhat) + ADAM_EPS);
          }
        }
      }
    }
  }

  trainEpoch() {
    if (this.stopped) return;
    this.lr = lrAt(this.state, this.epoch);
    const n = this.train.A.length;
    const order = Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(this.shuffle() * (i + 1));
      const t = order[i]; order[i] = order[j]; order[j] = t;
    }
    const total = new Float64Array(this.net.length);
    let steps = 0;
    for (let start = 0; start < n; start += this.state.batch) {
      this.backward(order.slice(start, start + this.state.batch));
      for (let l = 0; l < this.net.length; l++) {      // ‖∂L/∂W‖ of each layer, for the view
        const G = this.grads[l].W;
        let sq = 0;
        for (let i = 0; i < G.length; i++) sq += G[i] * G[i];
        total[l] += Math.sqrt(sq);
      }
      steps++;
      this.step();
    }
    this.history.grad_norm.push(Array.from(total, (t) => t / steps));   // mean over the epoch's steps
    this.epoch++;
    this.record();
    if (this.state.patience) {             // early stopping on the test points' loss
      const loss = this.history.test_loss[this.epoch];
      if (loss < this.best.loss) this.best = { loss, epoch: this.epoch, net: copyNet(this.net) };
      else if (this.epoch - this.best.epoch >= this.state.patience) {
        this.net = this.best.net;           // the best weights back
        this.stopped = { epoch: this.epoch, best: this.best.epoch };
      }
    }
  }

  // At each (x1, x2) of a grid, for the heat map: P(class 1) with two classes, else
  // the K class probabilities (softmax), out[cell * K + k].
  probabilities(xs, ys, out) {
    const { zs, as } = this.buf;
    const input = new Float64Array(this.net[0].nin);
    let i = 0;
    for (const x2 of ys) {
      for (const x1 of xs) {
        const z = forward(this.net, this.features(x1, x2, input), this.state.act, zs, as);
        if (z.length === 1) { out[i++] = sigmoid(z[0]); continue; }
        let m = z[0], s = 0;
        for (let k = 1; k < z.length; k++) m = Math.max(m, z[k]);
        for (let k = 0; k < z.length; k++) { out[i + k] = exp(z[k] - m); s += out[i + k]; }
        for (let k = 0; k < z.length; k++) out[i + k] /= s;
        i += z.length;
      }
    }
    return out;
  }

  // The test set's confusion matrix: counts[true class][predicted class].
  confusion() {
    const K = this.classes, { zs, as } = this.buf;
    const counts = Array.from({ length: K }, () => new Array(K).fill(0));
    for (let i = 0; i < this.test.A.length; i++) {
      counts[this.test.y[i]][predicted(forward(this.net, this.test.A[i], this.state.act, zs, as))]++;
    }
    return counts;
  }

  // Every unit's output at each (x1, x2) of a grid, all units in one forward pass per point,
  // for the view of the units: outs[l][k * cells + i] is unit k of layer l at cell i (cells
  // as in probabilities); hidden layers give their activations, the last layer its logits.
  unitOutputs(xs, ys, outs = this.net.map((L) => new Float64Array(L.nout * xs.length * ys.length))) {
    const { zs, as } = this.buf;
    const input = new Float64Array(this.net[0].nin);
    const cells = xs.length * ys.length, last = this.net.length - 1;
    let i = 0;
    for (const x2 of ys) {
      for (const x1 of xs) {
        forward(this.net, this.features(x1, x2, input), this.state.act, zs, as);
        for (let l = 0; l <= last; l++) {
          const a = l < last ? as[l + 1] : zs[l], o = outs[l];
          for (let k = 0; k < a.length; k++) o[k * cells + i] = a[k];
        }
        i++;
      }
    }
    return outs;
  }
}
