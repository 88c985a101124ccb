// The playground's page part: controls, the training loop, views and the URL.
// mount(el) turns a .nl-playground container (which holds the build's figure as its
// stand-in) into a live playground. Nothing from the URL is ever inserted as HTML:
// every text goes through textContent.
import { Trainer } from "../core/nn.js";
import { DATASETS } from "../core/data.js";
import { LIMITS, LR_STEPS, RATE_STEPS, SCHEMA, fix, parse, serialise, trainerState } from "../state.js";
import { Plane, colours } from "./plane.js";
import { drawChart, drawGradients } from "./chart.js";
import { mountUnits } from "./units.js";
import { mountExport } from "./export.js";
import { mountCompare } from "./compare.js";
import { h, pct, summary as describe } from "./dom.js";

const BUDGET_MS = 8;                        // training time per animation frame
const MILESTONES = new Set([1, 10, 50, 100, 200, 500, 1000, 2000, 5000, LIMITS.epoch]);
const LABELS = {
  data: { circles: "Circles", xor: "XOR", blobs: "Two blobs", spiral: "Spiral", moons: "Moons",
    clusters3: "3 clusters", clusters4: "4 clusters", spiral3: "3-arm spiral" },
  features: { x1: "x₁", x2: "x₂", x1sq: "x₁²", x2sq: "x₂²", x1x2: "x₁x₂", sinx1: "sin x₁", sinx2: "sin x₂" },
  act: { identity: "identity (none)", relu: "ReLU", leaky_relu: "Leaky ReLU (0.01)", elu: "ELU",
    sigmoid: "sigmoid", tanh: "tanh", gelu: "GELU (tanh form)", silu: "SiLU / swish", softplus: "softplus" },
  init: { glorot: "Glorot normal", he: "He normal", normal: "normal, std 0.1" },
  loss: { bce: "cross-entropy", mse: "squared error" },
  opt: { adam: "Adam", momentum: "SGD + momentum 0.9", sgd: "SGD" },
  reg: { none: "none", l1: "L1", l2: "L2" },
  sched: { constant: "constant", step: "step (×0.1 every N epochs)", cosine: "cosine to 0" },
};
const COUNTS = ["warmup", "every", "horizon", "patience"];   // integer settings of the schedule and stop
const SHAPES = ["circles", "triangles", "squares", "diamonds"];
const REF = /^[a-z0-9_]+\/[a-z0-9-]+\/[a-z0-9-]+$/;   // figures/<module>/<figure>/<run>

let count = 0;

export function mount(root, options = {}) {
  const id = `nlp${++count}`;
  const pageMode = root.dataset.mode === "page";
  const query = pageMode && location.search.length > 1 ? location.search.slice(1) : root.dataset.query || "";
  let { state, notices } = parse(query);
  const refPath = new URLSearchParams(query.length <= LIMITS.query ? query : "").get("ref");
  let ref = null;

  // --- the DOM -------------------------------------------------------------------
  const app = h("div", { class: "nlp", role: "group", "aria-label": "Neural network playground" });
  const notice = h("p", { class: "nlp-notice", hidden: true });
  const status = h("p", { class: "nlp-status", role: "status", "aria-live": "polite" });
  // A toggle button: its name stays "Play", aria-pressed (and its look) says whether it plays.
  const play = h("button", { type: "button", class: "nlp-button nlp-play", "aria-pressed": "false", text: "Play" });
  const stepBtn = h("button", { type: "button", class: "nlp-button", text: "Step" });
  const reset = h("button", { type: "button", class: "nlp-button", text: "Reset" });
  const epochOut = h("output", { class: "nlp-epoch", "aria-label": "epoch", text: "0" });
  const speed = h("select", { id: `${id}-speed` });
  for (const [v, t] of [["1", "1 epoch per frame"], ["0", "as fast as it can"]]) speed.append(h("option", { value: v, text: t }));
  const bar = h("div", { class: "nlp-bar" }, play, stepBtn, reset,
    h("span", { class: "nlp-epoch-label" }, "Epoch ", epochOut),
    h("label", { for: `${id}-speed`, text: "Speed " }), speed);
  const planeCanvas = h("canvas", { class: "nlp-plane", role: "img", "aria-label": "Decision regions and data points", "aria-describedby": `${id}-plane-text` });
  const planeText = h("p", { id: `${id}-plane-text`, class: "nlp-summary" });
  const chartCanvas = h("canvas", { class: "nlp-chart", role: "img", "aria-label": "Loss and accuracy per epoch", "aria-describedby": `${id}-chart-text` });
  const chartText = h("p", { id: `${id}-chart-text`, class: "nlp-summary" });
  const confusion = h("table", { class: "nlp-confusion" });
  const gradCanvas = h("canvas", { class: "nlp-grads", role: "img", "aria-label": "Gradient norm per layer, per epoch, log scale", "aria-describedby": `${id}-grad-text` });
  const gradText = h("p", { id: `${id}-grad-text`, class: "nlp-summary nlp-grad-text" });
  const views = h("div", { class: "nlp-views" },
    h("figure", { class: "nlp-view" }, planeCanvas, h("figcaption", {}, planeText)),
    h("figure", { class: "nlp-view" }, chartCanvas, confusion, h("figcaption", {}, chartText)),
    h("figure", { class: "nlp-view" }, gradCanvas, h("figcaption", {}, gradText)));
  const controls = h("form", { class: "nlp-controls", "aria-label": "Playground settings" });
  const share = h("a", { class: "nlp-share", text: "Link to this run" });
  const copy = h("button", { type: "button", class: "nlp-button", text: "Copy link" });
  app.append(notice, bar, views, controls, h("p", { class: "nlp-share-line" }, share, " ", copy), status);

  // --- controls, from a table: [key, label, kind, extra] --------------------------
  const inputs = {};
  const field = (label, input, hint) => {
    input.id = `${id}-${input.name}`;
    return h("div", { class: "nlp-field" }, h("label", { for: input.id, text: label }), input, hint || "");
  };
  const select = (key) => {
    const s = h("select", { name: key });
    for (const v of SCHEMA[key].values) s.append(h("option", { value: v, text: LABELS[key][v] || v }));
    return s;
  };
  const stepped = (key, steps) => {      // log-scale slider over fixed steps, with aria-valuetext
    const r = h("input", { type: "range", name: key, min: 0, max: steps.length - 1, step: 1 });
    r.steps = steps;
    return r;
  };
  const range = (key, min, max, step) => h("input", { type: "range", name: key, min, max, step });
  const number = (key, min, max) => h("input", { type: "number", name: key, min, max, step: 1, inputmode: "numeric" });

  const dataSet = h("fieldset", { class: "nlp-data" }, h("legend", { text: "Data set" }));
  for (const d of DATASETS) {
    const r = h("input", { type: "radio", name: `${id}-data`, value: d, id: `${id}-data-${d}` });
    dataSet.append(h("span", { class: "nlp-choice" }, r, h("label", { for: r.id, text: LABELS.data[d] })));
  }
  inputs.noise = range("noise", 0, 1, 0.05);
  inputs.train = range("train", 0.1, 0.9, 0.05);
  inputs.n = number("n", LIMITS.n[0], LIMITS.n[1]);
  inputs.seed = number("seed", 0, SCHEMA.seed.max);
  const regenerate = h("button", { type: "button", class: "nlp-button", text: "New data and weights" });
  const featureSet = h("fieldset", { class: "nlp-features" }, h("legend", { text: "Inputs" }));
  for (const f of SCHEMA.features.values) {
    const c = h("input", { type: "checkbox", name: "features", value: f, id: `${id}-f-${f}` });
    featureSet.append(h("span", { class: "nlp-choice" }, c, h("label", { for: c.id, text: LABELS.features[f] })));
  }
  inputs.depth = number("depth", 0, LIMITS.layers);
  const widths = h("div", { class: "nlp-widths" });
  inputs.act = select("act");
  inputs.init = select("init");
  inputs.loss = select("loss");
  inputs.opt = select("opt");
  inputs.lr = stepped("lr", LR_STEPS);
  inputs.batch = number("batch", 1, LIMITS.n[1]);
  inputs.reg = select("reg");
  inputs.rate = stepped("rate", RATE_STEPS);
  inputs.sched = select("sched");
  inputs.warmup = number("warmup", 0, SCHEMA.warmup.max);
  inputs.every = number("every", 1, SCHEMA.every.max);
  inputs.horizon = number("horizon", 1, SCHEMA.horizon.max);
  inputs.patience = number("patience", 0, SCHEMA.patience.max);
  const out = (key) => h("output", { for: `${id}-${key}`, class: "nlp-value" });
  const outs = { noise: out("noise"), train: out("train"), lr: out("lr"), rate: out("rate") };

  controls.append(
    h("div", { class: "nlp-group" }, dataSet,
      field("Noise", inputs.noise, outs.noise), field("Training share", inputs.train, outs.train),
      field("Points", inputs.n), field("Seed", inputs.seed), regenerate),
    h("div", { class: "nlp-group" }, featureSet,
      field("Hidden layers", inputs.depth), widths,
      field("Activation", inputs.act), field("Initialisation", inputs.init)),
    h("div", { class: "nlp-group" },
      field("Loss", inputs.loss), field("Optimiser", inputs.opt),
      field("Learning rate", inputs.lr, outs.lr), field("Batch size", inputs.batch),
      field("Regularisation", inputs.reg), field("Regularisation rate", inputs.rate, outs.rate)),
    h("div", { class: "nlp-group" },
      field("Learning-rate schedule", inputs.sched), field("Warm-up epochs", inputs.warmup),
      field("Step: epochs per ×0.1", inputs.every), field("Cosine: epochs to 0", inputs.horizon),
      field("Early stopping patience (0 = off)", inputs.patience)));

  // --- state <-> controls ------------------------------------------------------------
  function nearest(steps, v) {
    let best = 0;
    for (let i = 1; i < steps.length; i++) if (Math.abs(steps[i] - v) < Math.abs(steps[best] - v)) best = i;
    return best;
  }
  function showWidths() {
    while (widths.children.length > state.layers.length) widths.lastChild.remove();
    for (let i = widths.children.length; i < state.layers.length; i++) {
      const w = number(`width${i}`, 1, LIMITS.width);
      w.dataset.layer = i;
      widths.append(field(`Units in layer ${i + 1}`, w));
    }
    widths.querySelectorAll("input").forEach((w, i) => { w.value = state.layers[i]; });
  }
  function toControls() {
    dataSet.querySelector(`input[value="${state.data}"]`).checked = true;
    for (const key of ["noise", "train", "n", "seed", "batch", ...COUNTS]) inputs[key].value = state[key];
    for (const key of ["act", "init", "loss", "opt", "reg", "sched"]) inputs[key].value = state[key];
    for (const key of ["lr", "rate"]) {
      const r = inputs[key];
      r.value = nearest(r.steps, state[key]);
      r.setAttribute("aria-valuetext", String(state[key]));
      outs[key].textContent = String(state[key]);
    }
    outs.noise.textContent = state.noise.toFixed(2);
    outs.train.textContent = `${Math.round(100 * state.train)}%`;
    featureSet.querySelectorAll("input").forEach((c) => { c.checked = state.features.includes(c.value); });
    inputs.depth.value = state.layers.length;
    showWidths();
  }
  function fromControls(target) {
    const next = { ...state, layers: [...state.layers] };
    const clampNum = (input, key) => {
      const f = SCHEMA[key] || { min: Number(input.min), max: Number(input.max) };
      const v = Math.round(Number(input.value));
      return Number.isFinite(v) ? Math.min(f.max, Math.max(f.min, v)) : state[key];
    };
    next.data = dataSet.querySelector("input:checked").value;
    next.noise = Number(inputs.noise.value);
    next.train = Number(inputs.train.value);
    next.n = clampNum(inputs.n, "n");
    next.seed = clampNum(inputs.seed, "seed");
    next.batch = clampNum(inputs.batch, "batch");
    for (const key of COUNTS) next[key] = clampNum(inputs[key], key);
    for (const key of ["act", "init", "loss", "opt", "reg", "sched"]) next[key] = inputs[key].value;
    for (const key of ["lr", "rate"]) next[key] = inputs[key].steps[Number(inputs[key].value)];
    const features = [...featureSet.querySelectorAll("input:checked")].map((c) => c.value);
    next.features = features.length ? features : state.features;
    const depth = Math.min(LIMITS.layers, Math.max(0, Math.round(Number(inputs.depth.value)) || 0));
    if (target === inputs.depth) {
      next.layers = Array.from({ length: depth }, (_, i) => state.layers[i] || 4);
    } else {
      widths.querySelectorAll("input").forEach((w, i) => {
        const v = Math.round(Number(w.value));
        next.layers[i] = Number.isFinite(v) ? Math.min(LIMITS.width, Math.max(1, v)) : state.layers[i];
      });
    }
    next.epoch = 0;
    return fix(next).state;
  }

  // --- the run -------------------------------------------------------------------------
  let trainer = null, playing = false, target = 0, visible = true, frame = 0, theme = null;
  const motionless = matchMedia("(prefers-reduced-motion: reduce)").matches;

  function rebuild(startEpoch) {
    trainer = new Trainer(trainerState(state));
    target = startEpoch || 0;
    render();
    updateLink();
  }
  function updateLink() {
    const q = serialise({ ...state, epoch: trainer ? Math.max(trainer.epoch, target) : 0 }) + (refPath && REF.test(refPath) ? `&ref=${refPath}` : "");
    const href = `${options.page || root.dataset.page || ""}?${q}`;
    share.href = href;
    if (pageMode) history.replaceState(history.state, "", `?${q}`);
  }
  function say(text) {                // other views may add to it (compare.js: side B)
    status.textContent = [text, ...(root.playground?.onSay || []).map((f) => f(text))].join(" ").trim();
  }
  const summary = () => describe(trainer);
  function advance() {              // one epoch, and the same for the other views (compare.js)
    trainer.trainEpoch();
    for (const f of root.playground?.onEpoch || []) f(trainer);
  }
  function render() {
    theme = theme || colours(app);
    epochOut.textContent = String(trainer.epoch);
    planeView.draw(trainer, theme);
    const shares = planeView.shares().map((v, k) => `class ${k} (${SHAPES[k]}) on ${Math.round(100 * v)}%`);
    planeText.textContent = `Decision regions of the ${state.layers.length}-hidden-layer ${LABELS.act[state.act]} network ` +
      `on ${LABELS.data[state.data]}: it predicts ${shares.join(", ")} of the plane. ` +
      `Filled points train, hollow points test. ${summary()}`;
    showConfusion(trainer.confusion());
    showGradients(trainer.history.grad_norm);
    drawChart(chartCanvas, trainer.history, ref && sameRun() ? ref.history : null, theme);
    chartText.textContent = `Loss and accuracy per epoch, training solid, test dashed` +
      (ref && sameRun() ? `, the build's run dotted (test accuracy ${pct(ref.history.test_acc[ref.history.test_acc.length - 1])} at epoch ${ref.history.test_acc.length - 1})` : "") + `. ${summary()}`;
    for (const f of root.playground?.onRender || []) f(trainer, theme);    // other views (units.js)
  }
  const planeView = new Plane(planeCanvas);
  function showGradients(norms) {
    if (!norms.length) {
      gradCanvas.getContext("2d").clearRect(0, 0, gradCanvas.width, gradCanvas.height);
      gradText.textContent = "The gradient norm of each layer's weights appears after the first epoch.";
      return;
    }
    drawGradients(gradCanvas, norms, theme);
    const last = norms[norms.length - 1];
    const names = last.map((_, l) => (l === last.length - 1 ? "output" : `layer ${l + 1}`));
    gradText.textContent = `Norm of the loss gradient with respect to each layer's weights, mean over the ` +
      `epoch's mini-batches, log scale; first layer dashed, output solid. Epoch ${norms.length}: ` +
      `${last.map((v, l) => `${names[l]} ${v.toExponential(2)}`).join(", ")}; first layer ÷ output ` +
      `${(last[0] / last[last.length - 1]).toExponential(1)}.`;
  }
  function showConfusion(counts) {            // the test set's confusion matrix, as a table
    const K = counts.length;
    const head = h("tr", {}, h("th", { scope: "col", text: "true ↓ predicted →" }),
      ...counts.map((_, k) => h("th", { scope: "col", text: `${k} (${SHAPES[k]})` })));
    const rows = counts.map((row, k) => h("tr", {}, h("th", { scope: "row", text: `${k} (${SHAPES[k]})` }),
      ...row.map((c) => h("td", { text: String(c) }))));
    confusion.replaceChildren(h("caption", { text: `Test points by true class (rows) and predicted class (columns), ${K} classes` }),
      h("thead", {}, head), h("tbody", {}, ...rows));
  }
  function sameRun() {
    return ref && serialise({ ...ref.state, epoch: 0 }) === serialise({ ...state, epoch: 0, cmp: null });
  }

  function tick() {
    frame = 0;
    if (!root.isConnected) return;                     // the page was navigated away
    const catchingUp = trainer.epoch < target && !trainer.stopped;
    if (!(playing || catchingUp) || !visible || document.hidden) return;
    const start = performance.now();
    const perFrame = Number(speed.value);
    let done = 0;
    do {
      if (trainer.epoch >= LIMITS.epoch) { setPlaying(false); say(`Stopped at the last epoch, ${LIMITS.epoch}. ${summary()}`); break; }
      advance();
      done++;
      if (trainer.stopped) {
        const { epoch, best } = trainer.stopped;
        setPlaying(false);
        say(`Early stopping at epoch ${epoch}: no lower test loss for ${state.patience} epochs; ` +
          `the weights are those of epoch ${best}. ${summary()}`);
        break;
      }
      if (!catchingUp && MILESTONES.has(trainer.epoch)) say(summary());
    } while ((catchingUp ? trainer.epoch < target : perFrame === 0 || done < perFrame) &&
             performance.now() - start < BUDGET_MS);
    render();
    if (catchingUp && trainer.epoch >= target) { updateLink(); say(`Replayed to epoch ${trainer.epoch}. ${summary()}`); }
    schedule();
  }
  function schedule() { if (!frame) frame = requestAnimationFrame(tick); }
  function setPlaying(on) {
    playing = on;
    play.setAttribute("aria-pressed", String(on));
    if (on) schedule(); else { updateLink(); say(`Paused. ${summary()}`); }
  }

  play.addEventListener("click", () => setPlaying(!playing));
  stepBtn.addEventListener("click", () => {
    if (playing) setPlaying(false);
    target = 0;
    advance(); render(); updateLink(); say(summary());
  });
  reset.addEventListener("click", () => {
    if (playing) setPlaying(false);
    state.epoch = 0; rebuild(0); say(`Reset to epoch 0 with the same initial weights. ${summary()}`);
  });
  regenerate.addEventListener("click", () => {
    state = { ...state, seed: (state.seed + 1) >>> 0, epoch: 0 };
    toControls(); rebuild(0); say(`New data and initial weights, seed ${state.seed}. ${summary()}`);
  });
  copy.addEventListener("click", async () => {
    try { await navigator.clipboard.writeText(share.href); say("Link copied."); } catch (e) { say("Copying failed; use the link instead."); }
  });
  controls.addEventListener("submit", (e) => e.preventDefault());
  controls.addEventListener("change", (e) => {
    const wasPlaying = playing;
    if (playing) setPlaying(false);
    state = fromControls(e.target);
    toControls(); rebuild(0);
    say(`Settings changed; the network starts again at epoch 0. ${summary()}`);
    if (wasPlaying) setPlaying(true);
  });
  controls.addEventListener("input", (e) => {          // live values beside the sliders
    const r = e.target;
    if (r.steps) { const v = String(r.steps[Number(r.value)]); outs[r.name].textContent = v; r.setAttribute("aria-valuetext", v); }
    if (r.name === "noise") outs.noise.textContent = Number(r.value).toFixed(2);
    if (r.name === "train") outs.train.textContent = `${Math.round(100 * Number(r.value))}%`;
  });

  // Pause off screen and in a hidden tab; re-read colours when the palette changes.
  new IntersectionObserver((entries) => {
    visible = entries[entries.length - 1].isIntersecting;
    if (visible) schedule();
  }).observe(app);
  document.addEventListener("visibilitychange", () => { if (!document.hidden) schedule(); });
  new MutationObserver(() => { theme = null; render(); }).observe(document.body, { attributes: true, attributeFilter: ["data-md-color-scheme"] });
  let resizeTimer = 0;
  window.addEventListener("resize", () => { clearTimeout(resizeTimer); resizeTimer = setTimeout(() => root.isConnected && render(), 100); });

  if (notices.length) {
    notice.hidden = false;
    notice.textContent = `Some settings in the link were not used: ${notices.slice(0, 4).join("; ")}${notices.length > 4 ? "; …" : ""}.`;
  }
  root.classList.add("nl-playground--live");
  root.append(app);
  toControls();
  rebuild(state.epoch);
  if (target > 0) { say(`Replaying the run to epoch ${target}…`); schedule(); }
  const runUrl = refPath && REF.test(refPath) ? new URL(`figures/${refPath}.json`, options.base || location.href).href : root.dataset.run;
  if (runUrl) {
    fetch(runUrl).then((r) => (r.ok ? r.json() : null)).then((run) => {
      if (run && run.history && run.state && Array.isArray(run.history.test_acc)) {
        const parsed = parse(serialise({ ...run.state, epoch: 0 })).state;
        ref = { state: parsed, history: run.history };
        render();
      }
    }).catch(() => {});
  }
  // Expose the live objects for the browser tests (and for curious readers).
  root.playground = { get trainer() { return trainer; }, get state() { return state; },
    get replaying() { return trainer.epoch < target && !trainer.stopped; }, setPlaying, rebuild, notices };
  Object.assign(root.playground, { onRender: [], onEpoch: [], onSay: [], render });
  mountUnits(root.playground, views, LABELS.features);
  mountCompare(root.playground, { views, controls, labels: LABELS });
  mountExport(copy.parentNode, root.playground, planeCanvas, say);
  if (!motionless && root.dataset.autoplay === "true") setPlaying(true);
  return root.playground;
}
