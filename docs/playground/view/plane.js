// The input plane: the network's prediction as a heat map, and the points on it.
// Classes differ by colour and by shape (circles 0, triangles 1, squares 2, diamonds 3),
// and with more than two classes each region also by a hatching of its own; training
// points are filled, test points hollow; your own points carry a ring.
import { EXTENT } from "../core/data.js";   // the plane shows [-EXTENT, EXTENT]^2

export { EXTENT };
const CELLS = 40;                           // heat-map resolution (cells per side)

export const gridAxis = Float64Array.from({ length: CELLS }, (_, i) =>
  -EXTENT + (2 * EXTENT * (i + 0.5)) / CELLS);

function rgb(css) {
  const m = /rgba?\((\d+), (\d+), (\d+)/.exec(css);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : [128, 128, 128];
}

export function colours(el) {
  const style = getComputedStyle(el);
  const get = (name) => style.getPropertyValue(name).trim();
  const probe = document.createElement("span");
  el.appendChild(probe);
  const resolve = (c) => { probe.style.color = c; return rgb(getComputedStyle(probe).color); };
  const out = { c0: resolve(get("--nlp-c0")), c1: resolve(get("--nlp-c1")),
    c2: resolve(get("--nlp-c2")), c3: resolve(get("--nlp-c3")),
    bg: resolve(get("--nlp-bg")), fg: get("--nlp-fg"), muted: get("--nlp-muted") };
  out.classes = [out.c0, out.c1, out.c2, out.c3];
  probe.remove();
  return out;
}

const HATCH = [null, [1, 1], [1, -1], [0, 1]];    // per class: none, /, \\, vertical lines

function marker(ctx, cls, px, py, r) {
  ctx.beginPath();
  if (cls === 1) {
    ctx.moveTo(px, py - r * 1.2); ctx.lineTo(px + r * 1.1, py + r * 0.8); ctx.lineTo(px - r * 1.1, py + r * 0.8);
    ctx.closePath();
  } else if (cls === 2) {
    ctx.rect(px - r * 0.9, py - r * 0.9, r * 1.8, r * 1.8);
  } else if (cls === 3) {
    ctx.moveTo(px, py - r * 1.3); ctx.lineTo(px + r * 1.1, py); ctx.lineTo(px, py + r * 1.3); ctx.lineTo(px - r * 1.1, py);
    ctx.closePath();
  } else {
    ctx.arc(px, py, r, 0, 2 * Math.PI);
  }
}

export class Plane {
  constructor(canvas) {
    this.canvas = canvas;
    this.cells = document.createElement("canvas");
    this.cells.width = this.cells.height = CELLS;
    this.image = this.cells.getContext("2d").createImageData(CELLS, CELLS);
    this.p = new Float64Array(CELLS * CELLS * 4);
    this.label = new Uint8Array(CELLS * CELLS);    // the predicted class of each cell
    this.K = 2;
  }

  draw(trainer, theme, cursor = this.cursor) {
    const { canvas } = this;
    const size = canvas.clientWidth || 300;
    const scale = window.devicePixelRatio || 1;
    if (canvas.width !== Math.round(size * scale)) {
      canvas.width = canvas.height = Math.round(size * scale);
    }
    const K = this.K = trainer.classes;
    trainer.probabilities(gridAxis, gridAxis, this.p);
    const { data } = this.image;
    const alpha = 0.45;
    for (let row = 0; row < CELLS; row++) {
      for (let col = 0; col < CELLS; col++) {
        const cell = row * CELLS + col;
        let cls, t;                                   // class, and confidence -> colour strength
        if (K === 2) {
          const p = this.p[cell];
          cls = p >= 0.5 ? 1 : 0;
          t = Math.abs(2 * p - 1) * alpha;
        } else {
          cls = 0;
          for (let k = 1; k < K; k++) if (this.p[cell * K + k] > this.p[cell * K + cls]) cls = k;
          t = ((this.p[cell * K + cls] - 1 / K) / (1 - 1 / K)) * alpha;
        }
        this.label[cell] = cls;
        const c = theme.classes[cls];
        const o = ((CELLS - 1 - row) * CELLS + col) * 4;   // canvas rows run top-down
        for (let i = 0; i < 3; i++) data[o + i] = Math.round(t * c[i] + (1 - t) * theme.bg[i]);
        data[o + 3] = 255;
      }
    }
    this.cells.getContext("2d").putImageData(this.image, 0, 0);
    const ctx = canvas.getContext("2d");
    const w = canvas.width;
    ctx.imageSmoothingEnabled = true;
    ctx.drawImage(this.cells, 0, 0, w, w);
    if (K > 2) this.hatch(ctx, w, theme, scale);
    const toPx = (v) => ((v + EXTENT) / (2 * EXTENT)) * w;
    const r = 3.2 * scale;
    const { X, y, k, own } = trainer.points;
    ctx.lineWidth = 1.4 * scale;
    for (let i = 0; i < y.length; i++) {
      const col = `rgb(${theme.classes[y[i]].join(",")})`;
      const px = toPx(X[2 * i]), py = w - toPx(X[2 * i + 1]);
      marker(ctx, y[i], px, py, r);
      if (i < k) { ctx.fillStyle = col; ctx.fill(); } else { ctx.strokeStyle = col; ctx.stroke(); }
      if (own[i]) { ctx.strokeStyle = theme.fg; ctx.beginPath(); ctx.arc(px, py, 2.2 * r, 0, 2 * Math.PI); ctx.stroke(); }
    }
    if (cursor) {                                        // the keyboard cursor of view/points.js
      ctx.strokeStyle = theme.fg;
      const [cx, cy] = [toPx(cursor[0]), w - toPx(cursor[1])], a = 8 * scale;
      ctx.strokeRect(cx - a, cy - a, 2 * a, 2 * a);
      ctx.beginPath(); ctx.moveTo(cx - 2 * a, cy); ctx.lineTo(cx + 2 * a, cy); ctx.moveTo(cx, cy - 2 * a); ctx.lineTo(cx, cy + 2 * a); ctx.stroke();
    }
  }

  // With several classes, each region also gets its class's hatching (not colour alone).
  hatch(ctx, w, theme, scale) {
    const cell = w / CELLS, gapPx = 7 * scale;
    ctx.save();
    ctx.lineWidth = scale;
    for (let cls = 1; cls < this.K; cls++) {
      const [dx, dy] = HATCH[cls];
      ctx.beginPath();
      for (let i = 0; i < this.label.length; i++) {
        if (this.label[i] !== cls) continue;
        const row = Math.floor(i / CELLS), col = i % CELLS;
        ctx.rect(col * cell, (CELLS - 1 - row) * cell, cell, cell);
      }
      ctx.save();
      ctx.clip();
      ctx.strokeStyle = `rgba(${theme.classes[cls].join(",")}, 0.55)`;
      ctx.beginPath();
      for (let s = -w; s < 2 * w; s += gapPx) {
        if (dx === 0) { ctx.moveTo(s, 0); ctx.lineTo(s, w); } else { ctx.moveTo(s, w); ctx.lineTo(s + dy * w, 0); }
      }
      ctx.stroke();
      ctx.restore();
    }
    ctx.restore();
  }

  // Share of the plane predicted as each class, for the text summary.
  shares() {
    const counts = new Array(this.K).fill(0);
    for (const c of this.label) counts[c]++;
    return counts.map((c) => c / this.label.length);
  }
}
