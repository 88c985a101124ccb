// Inside the network: a small map of every unit's output over the input plane, laid out
// as the network (one column per layer), and an editor for one unit's incoming weights
// and bias. mountUnits(playground, after, featureLabels) puts it after the element
// `after` and redraws from the playground's onRender hook.
import { FEATURES } from "../core/nn.js";
import { EXTENT } from "./plane.js";
import { h } from "./dom.js";

export const CELLS = 20;                      // cells per side of each small map
export const AXIS = Float64Array.from({ length: CELLS }, (_, i) =>
  -EXTENT + (2 * EXTENT * (i + 0.5)) / CELLS);
const THROTTLE_MS = 120;                      // while playing: redraw at most this often
const STEP = 0.1;                             // what an arrow key adds to a weight

let count = 0;
const round = (v) => String(Number(v.toFixed(3)));

// A diverging scale centred at 0: class 1's colour for positive, class 0's for negative,
// the background at 0; each map scaled by its own largest magnitude. Returns that maximum.
function paint(canvas, values, theme) {
  const ctx = canvas.getContext("2d");
  const image = ctx.createImageData(CELLS, CELLS);
  let max = 0;
  for (const v of values) max = Math.max(max, Math.abs(v));
  for (let row = 0; row < CELLS; row++) {
    for (let col = 0; col < CELLS; col++) {
      const v = values[row * CELLS + col];
      const t = max > 0 ? Math.abs(v) / max : 0;
      const c = v > 0 ? theme.c1 : theme.c0;
      const o = ((CELLS - 1 - row) * CELLS + col) * 4;     // canvas rows run top-down
      for (let i = 0; i < 3; i++) image.data[o + i] = Math.round(t * c[i] + (1 - t) * theme.bg[i]);
      image.data[o + 3] = 255;
    }
  }
  ctx.putImageData(image, 0, 0);
  return max;
}

export function mountUnits(playground, after, featureLabels) {
  const id = `nlp-units${++count}`;
  const net = h("div", { class: "nlp-net", role: "group", "aria-label": "Units, one column per layer" });
  const text = h("p", { class: "nlp-summary", id: `${id}-text` });
  const editor = h("div", { class: "nlp-weights", id: `${id}-editor`, hidden: "" });
  const section = h("div", { class: "nlp-units", role: "group", "aria-label": "Inside the network",
    "aria-describedby": `${id}-text` },
  h("p", { class: "nlp-units-title", text: "Inside the network" }),
  h("div", { class: "nlp-units-body" }, net, editor), text);
  after.after(section);

  let trainer = null, theme = null, outs = null, columns = [], selected = null, last = 0, timer = 0;

  const nameOf = (l, k) => (l < trainer.net.length - 1 ? `Layer ${l + 1}, unit ${k + 1}`
    : trainer.net[l].nout === 1 ? "Output unit" : `Output, class ${k}`);
  const inputName = (l, j) => (l === 0
    ? `from ${featureLabels[FEATURES.filter((f) => trainer.state.features.includes(f))[j]]}`
    : `from layer ${l} unit ${j + 1}`);

  // One column of buttons per layer, each holding its unit's map; one tab stop (roving).
  function layout() {
    const cells = CELLS * CELLS;
    outs = trainer.net.map((L) => new Float64Array(L.nout * cells));
    net.replaceChildren();
    columns = trainer.net.map((L, l) => {
      const column = h("div", { class: "nlp-layer" },
        h("span", { class: "nlp-layer-name", text: l < trainer.net.length - 1 ? `Layer ${l + 1}` : "Output" }));
      net.append(column);
      return Array.from({ length: L.nout }, (_, k) => {
        const canvas = h("canvas", { width: CELLS, height: CELLS, "aria-hidden": "true" });
        canvas.values = outs[l].subarray(k * cells, (k + 1) * cells);
        const button = h("button", { type: "button", class: "nlp-unit", tabindex: "-1", "aria-pressed": "false",
          "aria-label": nameOf(l, k), title: nameOf(l, k) }, canvas);
        button.unit = [l, k];
        column.append(button);
        return button;
      });
    });
    if (selected && !(columns[selected[0]] && columns[selected[0]][selected[1]])) selected = null;
    focusable(selected || [0, 0]);
    if (selected) open(selected, false); else editor.hidden = true;
  }
  function focusable([l, k]) {
    net.querySelectorAll("[tabindex='0']").forEach((b) => b.setAttribute("tabindex", "-1"));
    columns[l][k].setAttribute("tabindex", "0");
    return columns[l][k];
  }

  function draw() {
    last = performance.now();
    clearTimeout(timer); timer = 0;
    trainer.unitOutputs(AXIS, AXIS, outs);
    const dead = [];
    columns.forEach((column, l) => {
      let zero = 0;
      for (const b of column) if (paint(b.firstChild, b.firstChild.values, theme) === 0) zero++;
      if (zero && l < columns.length - 1) dead.push(`${zero} of ${column.length} in layer ${l + 1}`);
    });
    const logits = columns[columns.length - 1].length === 1 ? "logit, before the sigmoid" : "logits, before the softmax";
    text.textContent = "Each small map is one unit's output over the plane above (x₁ across, x₂ up): " +
      "the colour of class 1 where it is positive, of class 0 where negative, the background at zero, " +
      "each map scaled to its own largest magnitude (normalised per unit). " +
      `The last column is the output's ${logits}. ` +
      "Choose a unit (arrow keys move between them) to see and edit its incoming weights. " +
      (dead.length ? `Zero over the whole plane: ${dead.join(", ")}.` : "No unit is zero over the whole plane.");
    if (selected) showValues();
  }

  // The editor: a number input per incoming weight, and one for the bias.
  function open([l, k], focus) {
    selected = [l, k];
    columns.flat().forEach((b) => b.setAttribute("aria-pressed", String(b.unit[0] === l && b.unit[1] === k)));
    const L = trainer.net[l];
    const field = (label, part, index) => {
      const input = h("input", { type: "number", step: STEP, id: `${id}-${part}${index}` });
      input.part = part; input.index = index;
      return h("div", { class: "nlp-field" }, h("label", { for: input.id, text: label }), input);
    };
    const fields = Array.from({ length: L.nin }, (_, j) => field(inputName(l, j), "W", j * L.nout + k));
    const close = h("button", { type: "button", class: "nlp-button", text: "Close" });
    editor.onkeydown = (e) => { if (e.key === "Escape") close.click(); };
    close.addEventListener("click", () => {
      editor.hidden = true; selected = null;
      columns.flat().forEach((b) => b.setAttribute("aria-pressed", "false"));
      focusable([l, k]).focus();
    });
    editor.replaceChildren(
      h("p", { class: "nlp-weights-title", text: `${nameOf(l, k)}: incoming weights and bias` }),
      h("p", { class: "nlp-range" }),
      h("div", { class: "nlp-weights-fields" }, ...fields, field("bias", "b", k)),
      h("p", { class: "nlp-hint", text: `Arrow keys change a value by ${STEP}; type any other; Escape closes. ` +
        "Edits change the running network only: the link to this run reproduces the settings, not hand edits." }),
      close);
    editor.hidden = false;
    showValues();
    if (focus) editor.querySelector("input").focus();
  }
  function showValues() {
    const [l, k] = selected, L = trainer.net[l];
    for (const input of editor.querySelectorAll("input")) {
      if (input !== document.activeElement) input.value = round(L[input.part][input.index]);
    }
    const v = columns[l][k].firstChild.values;
    let lo = Infinity, hi = -Infinity;
    for (const x of v) { lo = Math.min(lo, x); hi = Math.max(hi, x); }
    editor.querySelector(".nlp-range").textContent = `Over the plane its output runs from ${round(lo)} to ${round(hi)}.`;
  }

  editor.addEventListener("input", (e) => {
    const input = e.target, v = input.valueAsNumber;
    if (!selected || !input.part || !Number.isFinite(v)) return;   // half-typed: wait
    trainer.net[selected[0]][input.part][input.index] = v;
    trainer.record();                                                // this epoch's accuracy and loss, now
    last = 0;                                                        // redraw the maps now
    playground.render();
  });
  net.addEventListener("click", (e) => {
    const b = e.target.closest(".nlp-unit");
    if (!b) return;
    focusable(b.unit);
    open(b.unit, e.detail === 0);                 // by keyboard: into the editor; by pointer: stay
  });
  net.addEventListener("keydown", (e) => {
    const b = e.target.closest(".nlp-unit");
    const move = { ArrowUp: [0, -1], ArrowDown: [0, 1], ArrowLeft: [-1, 0], ArrowRight: [1, 0] }[e.key];
    if (!b || !move) return;
    e.preventDefault();
    const l = Math.min(columns.length - 1, Math.max(0, b.unit[0] + move[0]));
    const k = Math.min(columns[l].length - 1, Math.max(0, b.unit[1] + move[1]));
    focusable([l, k]).focus();
  });

  playground.onRender.push((t, colours) => {
    const fresh = t !== trainer || colours !== theme;
    if (t !== trainer) { trainer = t; layout(); }     // new settings: maybe a new shape
    theme = colours;
    if (fresh || performance.now() - last >= THROTTLE_MS) draw();
    else if (!timer) timer = setTimeout(() => section.isConnected && draw(), THROTTLE_MS);
  });
  playground.render();
  return section;
}
