// Your own points: add one of a chosen class by click or tap on the plane, or with a
// keyboard cursor (arrow keys move it, Enter or Space adds, Delete or Backspace removes
// the nearest of your points); clear the data set to keep only yours. The points live in
// state.pts (core/data.js encodes them), so the link to the run carries them; every
// change starts the network again at epoch 0, as any other setting does.
import { EXTENT, MAX_POINTS, decodePoints, encodePoint, trainCount } from "../core/data.js";
import { h } from "./dom.js";

const SHAPES = ["circle", "triangle", "square", "diamond"];
const STEP = 0.1, BIG_STEP = 0.5;                // what an arrow key moves the cursor (with Shift)
let count = 0;

const at = (x1, x2) => `(${x1.toFixed(2)}, ${x2.toFixed(2)})`;

// mountPoints(playground, after, say): the tools go after the element `after` (the plane).
export function mountPoints(playground, after, say) {
  const id = `nlp-pts${++count}`;
  const cls = h("select", { id: `${id}-class` });
  const mode = h("select", { id: `${id}-mode` });
  for (const [v, t] of [["add", "adds a point"], ["remove", "removes the nearest of your points"]]) mode.append(h("option", { value: v, text: t }));
  const hint = h("span", { id: `${id}-hint`, class: "nlp-hint",
    text: "Arrow keys move the cursor (with Shift, further); Enter or Space adds a point of the chosen class; Delete or Backspace removes the nearest of your points." });
  const cursorBtn = h("button", { type: "button", class: "nlp-button nlp-cursor", "aria-describedby": `${id}-hint` });
  const clear = h("button", { type: "button", class: "nlp-button", text: "Clear the data set" });
  const tally = h("p", { class: "nlp-pts-count" });
  const box = h("div", { class: "nlp-points", role: "group", "aria-label": "Your points" },
    h("span", { class: "nlp-field" }, h("label", { for: cls.id, text: "Class of new points " }), cls),
    h("span", { class: "nlp-field" }, h("label", { for: mode.id, text: "A click or tap on the plane " }), mode),
    cursorBtn, clear, tally, hint);
  after.after(box);

  const cursor = [0, 0];
  const state = () => playground.state;
  const classesAllowed = () => (state().data === "custom" ? 4 : playground.trainer.classes);
  const snap = (v) => decodePoints(encodePoint(v, v, 0)).X[0];     // where a point there lands

  function add(x1, x2) {
    const s = state(), m = s.pts.length >> 2, c = Number(cls.value);
    if (m >= MAX_POINTS) { say(`You have ${MAX_POINTS} points, the most a link can hold; remove some first.`); return; }
    const role = trainCount(m + 1, s.train) > trainCount(m, s.train) ? "training" : "test";
    playground.apply({ ...s, pts: s.pts + encodePoint(x1, x2, c), epoch: 0 },
      `Added a class ${c} (${SHAPES[c]}) ${role} point at ${at(snap(x1), snap(x2))}; you have ${m + 1}. The network starts again at epoch 0.`);
  }
  function remove(x1, x2) {
    const s = state(), { X, y } = decodePoints(s.pts);
    if (!y.length) { say("You have no points to remove."); return; }
    let best = 0;
    const d = (j) => (X[2 * j] - x1) ** 2 + (X[2 * j + 1] - x2) ** 2;
    for (let j = 1; j < y.length; j++) if (d(j) < d(best)) best = j;
    playground.apply({ ...s, pts: s.pts.slice(0, 4 * best) + s.pts.slice(4 * best + 4), epoch: 0 },
      `Removed your class ${y[best]} (${SHAPES[y[best]]}) point at ${at(X[2 * best], X[2 * best + 1])}; you have ${y.length - 1}. The network starts again at epoch 0.`);
  }

  playground.plane.canvas.addEventListener("click", (e) => {       // mouse, pen and touch taps
    const c = e.currentTarget, r = c.getBoundingClientRect();          // inside the canvas's border
    const x1 = -EXTENT + (2 * EXTENT * (e.clientX - r.left - c.clientLeft)) / c.clientWidth;
    const x2 = EXTENT - (2 * EXTENT * (e.clientY - r.top - c.clientTop)) / c.clientHeight;
    if (mode.value === "remove") remove(x1, x2); else add(x1, x2);
  });
  cursorBtn.addEventListener("keydown", (e) => {
    const move = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, 1], ArrowDown: [0, -1] }[e.key];
    if (move) {
      const step = e.shiftKey ? BIG_STEP : STEP;
      for (const i of [0, 1]) cursor[i] = Math.min(EXTENT, Math.max(-EXTENT, Number((cursor[i] + move[i] * step).toFixed(2))));
      showCursor();
      say(`Cursor at ${at(...cursor)}: the network predicts class ${predicts(...cursor)} there.`);
    } else if (e.key === "Enter" || e.key === " ") add(...cursor);
    else if (e.key === "Delete" || e.key === "Backspace") remove(...cursor);
    else return;
    e.preventDefault();
  });
  cursorBtn.addEventListener("focus", showCursor);
  cursorBtn.addEventListener("blur", () => { playground.plane.cursor = null; playground.render(); });
  clear.addEventListener("click", () => {
    playground.apply({ ...state(), data: "custom", pts: "", epoch: 0 },
      "Data set cleared: only your points now, and none yet. Add points on the plane, by click, tap or the cursor.");
  });

  function predicts(x1, x2) {                      // the class the plane shows at (x1, x2)
    const t = playground.trainer, p = t.probabilities([x1], [x2], new Float64Array(t.classes));
    const k = t.classes === 2 ? Number(p[0] >= 0.5) : p.indexOf(Math.max(...p));
    return `${k} (${SHAPES[k]})`;
  }
  function showCursor() {
    cursorBtn.setAttribute("aria-label", `Cursor on the plane at ${at(...cursor)}`);
    cursorBtn.textContent = `Cursor ${at(...cursor)}`;
    if (document.activeElement === cursorBtn) { playground.plane.cursor = [...cursor]; playground.render(); }
  }
  playground.onRender.push((trainer) => {
    const K = classesAllowed();
    if (cls.options.length !== K) {
      const keep = Math.min(K - 1, Number(cls.value) || 0);
      cls.replaceChildren(...Array.from({ length: K }, (_, k) => h("option", { value: k, text: `${k} (${SHAPES[k]})` })));
      cls.value = String(keep);
    }
    const s = state(), m = s.pts.length >> 2, k = trainCount(m, s.train);
    tally.textContent = `Your points: ${m} (${k} training, ${m - k} test), drawn with a ring` +
      (s.data === "custom" ? "; the data set is yours alone." : `, added to the ${trainer.points.y.length - m} generated points.`);
  });
  showCursor();
}
