// Compare: a second network, side B, trained in step with the playground's own (side A)
// on the same data, each side with its plane, loss and accuracy. Side B is side A's
// settings with some overridden (state.cmp; "cmp=act:sigmoid;lr:0.1" in the link); the
// data and the seed are always A's, so the initial weights follow one rule: with the
// same layer sizes, both draw the same standard normals and scale them by their own
// initialisation (the same initialisation: exactly A's initial weights); with other
// layer sizes, each side draws its own from the same seed.
// mountCompare(playground, {views, controls, labels}) adds the settings to the form
// `controls` (whose change handler in app.js restarts both sides) and the two sides
// after `views`; side B follows side A through the onEpoch and onRender hooks.
import { Trainer, sizes } from "../core/nn.js";
import { LR_STEPS, SCHEMA, parseField, sideB, trainerState } from "../state.js";
import { Plane } from "./plane.js";
import { drawChart } from "./chart.js";
import { h, summary } from "./dom.js";

const FIELDS = { act: "activation", init: "initialisation", opt: "optimiser", lr: "learning rate", layers: "hidden layers" };
const NAMES = { ...FIELDS, features: "inputs", loss: "loss", batch: "batch size", reg: "regularisation",
  rate: "regularisation rate", sched: "schedule", warmup: "warm-up epochs", every: "step every", horizon: "cosine horizon", patience: "patience" };

let count = 0;

// How side B's initial weights relate to side A's (the rule above), in words.
function initRule(a, b, labels) {
  if (sizes(a).join() !== sizes(b).join()) {
    return `The layer sizes differ, so each side draws its own initial weights from the same seed, ${a.seed}.`;
  }
  if (a.init === b.init) return "Same layer sizes and initialisation: side B starts from exactly side A's initial weights.";
  return `Same layer sizes: side B starts from side A's random draws (seed ${a.seed}), scaled for ` +
    `${labels.init[b.init]} instead of ${labels.init[a.init]}.`;
}

export function mountCompare(pg, { views, controls, labels }) {
  const id = `nlp-cmp${++count}`;
  const show = (key, v) => labels[key]?.[v] || (Array.isArray(v) ? v.join(",") || "none" : String(v));

  // The settings: a switch, and side B's own values of a few fields (any field by link).
  const toggle = h("input", { type: "checkbox", id: `${id}-on`, name: "compare" });
  const fields = h("div", { class: "nlp-group" });
  const group = h("fieldset", { class: "nlp-compare-set" }, h("legend", { text: "Compare" }),
    h("span", { class: "nlp-choice" }, toggle, h("label", { for: toggle.id, text: "Side by side with a second network, B" })), fields);
  controls.append(h("div", { class: "nlp-group" }, group));
  function showFields(b) {
    if (!fields.children.length) {
      for (const [key, name] of Object.entries(FIELDS)) {
        const input = key === "layers"
          ? h("input", { type: "text", name: `b-${key}`, spellcheck: "false", autocomplete: "off" })
          : h("select", { name: `b-${key}` }, ...(key === "lr" ? LR_STEPS : SCHEMA[key].values)
            .map((v) => h("option", { value: v, text: show(key, v) })));
        input.id = `${id}-${key}`;
        input.dataset.key = key;
        fields.append(h("div", { class: "nlp-field" }, h("label", { for: input.id, text: `Side B: ${name}` }), input));
      }
    }
    for (const input of fields.querySelectorAll("[data-key]")) {
      const v = b[input.dataset.key], text = Array.isArray(v) ? v.join(",") : String(v);
      input.value = text;
      if (input.value !== text) { input.append(h("option", { value: text, text })); input.value = text; }
    }
  }
  // Runs before app.js's change handler (which then restarts both sides at epoch 0).
  group.addEventListener("change", (e) => {
    const state = pg.state, key = e.target.dataset.key;
    if (e.target === toggle) state.cmp = toggle.checked ? { act: state.act === "sigmoid" ? "relu" : "sigmoid" } : null;
    else if (key) {
      const [v, , unusable] = key === "lr" ? [Number(e.target.value)] : parseField(key, e.target.value.replace(/\s/g, ""));
      if (!unusable) state.cmp = { ...state.cmp, [key]: v };
    }
  });

  // The two sides, each a plane, a chart and a text.
  const rule = h("p", { class: "nlp-summary", id: `${id}-rule` });
  const sides = ["A", "B"].map((name) => {
    const text = h("p", { class: "nlp-summary", id: `${id}-${name}-text` });
    const canvas = (cls, what) => h("canvas", { class: cls, role: "img", "aria-label": `Side ${name}: ${what}`, "aria-describedby": text.id });
    const side = { name, title: h("p", { class: "nlp-side-title" }), text,
      planeCanvas: canvas("nlp-plane", "decision regions and data points"), chart: canvas("nlp-chart", "loss and accuracy per epoch") };
    side.plane = new Plane(side.planeCanvas);
    side.figure = h("figure", { class: "nlp-view" }, side.title, side.planeCanvas, side.chart, h("figcaption", {}, text));
    return side;
  });
  const section = h("div", { class: "nlp-compare", role: "group", "aria-label": "Compare side A and side B", "aria-describedby": rule.id },
    h("p", { class: "nlp-units-title", text: "Compare: the same data, stepping together" }), rule,
    h("div", { class: "nlp-sides" }, ...sides.map((s) => s.figure)));

  let a = null, b = null;
  const follow = (trainer) => {          // B trains while A is ahead (B may stop early on its own)
    while (b && b.epoch < trainer.epoch && !b.stopped) b.trainEpoch();
  };
  pg.onEpoch.push(follow);
  pg.onSay.push((text) => (b && /Epoch \d+:/.test(text) ? `Side B. ${summary(b)}` : ""));  // the status line
  pg.onRender.push((trainer, theme) => {
    toggle.checked = Boolean(pg.state.cmp);
    if (!pg.state.cmp) {
      section.remove(); fields.replaceChildren(); a = b = null;
      return;
    }
    if (trainer !== a) {                  // a new run of A (any setting, reset, link): B starts with it
      a = trainer;
      b = new Trainer(trainerState(sideB(pg.state)));
      showFields(b.state);
      const over = Object.keys(pg.state.cmp).map((key) => `${NAMES[key]} ${show(key, b.state[key])}`);
      rule.textContent = `Side B is side A${over.length ? ` with ${over.join(", ")}` : " unchanged"}, on the same data. ` +
        initRule(a.state, b.state, labels);
    }
    if (!section.isConnected) views.after(section);
    follow(trainer);
    for (const [side, t, other] of [[sides[0], a, b], [sides[1], b, a]]) {
      const s = t.state;
      side.title.textContent = `Side ${side.name}: ${show("act", s.act)}, hidden layers ${show("layers", s.layers)}, ` +
        `${show("init", s.init)}, ${show("opt", s.opt)}, learning rate ${s.lr}`;
      side.plane.draw(t, theme);
      drawChart(side.chart, t.history, other.history, theme);
      side.text.textContent = `Side ${side.name}: training solid, test dashed, the other side's test dotted. ${summary(t)}` +
        (t.stopped ? ` Stopped early at epoch ${t.stopped.epoch}, with the weights of epoch ${t.stopped.best}.` : "");
    }
  });
  pg.compare = { get a() { return a; }, get b() { return b; } };
}
