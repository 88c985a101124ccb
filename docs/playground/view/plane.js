// The input plane: the network's P(class 1) as a heat map, and the points on it
// (class by colour and by shape: circles class 0, triangles class 1; training
// points filled, test points hollow).
export const EXTENT = 3.6;                  // the plane shows [-EXTENT, EXTENT]^2
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
    bg: resolve(get("--nlp-bg")), fg: get("--nlp-fg"), muted: get("--nlp-muted") };
  probe.remove();
  return out;
}

export class Plane {
  constructor(canvas) {
    this.canvas = canvas;
    this.cells = document.createElement("canvas");
    this.cells.width = this.cells.height = CELLS;
    this.image = this.cells.getContext("2d").createImageData(CELLS, CELLS);
    this.p = new Float64Array(CELLS * CELLS);
  }

  // probabilities: fills this.p for the grid (row by row from the bottom, x1 fastest).
  draw(trainer, theme, cursor) {
    const { canvas } = this;
    const size = canvas.clientWidth || 300;
    const scale = window.devicePixelRatio || 1;
    if (canvas.width !== Math.round(size * scale)) {
      canvas.width = canvas.height = Math.round(size * scale);
    }
    trainer.probabilities(gridAxis, gridAxis, this.p);
    const { data } = this.image;
    const alpha = 0.45;
    for (let row = 0; row < CELLS; row++) {
      for (let col = 0; col < CELLS; col++) {
        const p = this.p[row * CELLS + col];
        const t = Math.abs(2 * p - 1) * alpha;          // confidence -> colour strength
        const c = p >= 0.5 ? theme.c1 : theme.c0;
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
    const toPx = (v) => ((v + EXTENT) / (2 * EXTENT)) * w;
    const r = 3.2 * scale;
    const { X, y, k } = trainer.points;
    ctx.lineWidth = 1.4 * scale;
    for (let i = 0; i < y.length; i++) {
      const px = toPx(X[2 * i]), py = w - toPx(X[2 * i + 1]);
      const col = `rgb(${(y[i] ? theme.c1 : theme.c0).join(",")})`;
      ctx.beginPath();
      if (y[i] === 1) {
        ctx.moveTo(px, py - r * 1.2); ctx.lineTo(px + r * 1.1, py + r * 0.8); ctx.lineTo(px - r * 1.1, py + r * 0.8);
        ctx.closePath();
      } else {
        ctx.arc(px, py, r, 0, 2 * Math.PI);
      }
      if (i < k) { ctx.fillStyle = col; ctx.fill(); } else { ctx.strokeStyle = col; ctx.stroke(); }
    }
    if (cursor) {                                        // the keyboard cursor (issue: own points)
      ctx.strokeStyle = theme.fg;
      ctx.strokeRect(toPx(cursor[0]) - 6 * scale, w - toPx(cursor[1]) - 6 * scale, 12 * scale, 12 * scale);
    }
  }

  // Share of the plane predicted as class 1, for the text summary.
  share() {
    let ones = 0;
    for (const p of this.p) if (p >= 0.5) ones++;
    return ones / this.p.length;
  }
}
