// Loss and accuracy over epochs: two small line charts on one canvas.
// Training solid, test dashed; the build's run (when known; in compare, the other side's
// run) as a thin dotted line.
// A cleared canvas at the device's pixel ratio: {ctx, w, h, scale}.
function fresh(canvas, height) {
  const scale = window.devicePixelRatio || 1;
  const w = Math.round((canvas.clientWidth || 300) * scale);
  const h = Math.round((canvas.clientHeight || height) * scale);
  if (canvas.width !== w || canvas.height !== h) { canvas.width = w; canvas.height = h; }
  const ctx = canvas.getContext("2d");
  ctx.clearRect(0, 0, w, h);
  return { ctx, w, h, scale };
}

export function drawChart(canvas, history, ref, theme) {
  const { ctx, w, h, scale } = fresh(canvas, 200);
  const epochs = Math.max(history.train_loss.length - 1, ref ? ref.train_loss.length - 1 : 0, 10);
  const pad = { l: 34 * scale, r: 8 * scale, t: 14 * scale, b: 16 * scale };
  const panelH = (h - 2 * pad.t - 2 * pad.b) / 2;
  const finite = (v) => (Number.isFinite(v) ? v : 0);
  // The other run's curves count too: its dotted line fits, and two charts drawn each
  // with the other's history as `ref` (compare.js) get the same scale.
  const lossMax = Math.max(0.1, ...[history, ref].filter(Boolean)
    .flatMap((run) => [...run.train_loss.map(finite), ...run.test_loss.map(finite)]));
  const panels = [
    { title: "loss", top: pad.t, keys: ["train_loss", "test_loss"], max: Math.min(lossMax, 5) },
    { title: "accuracy", top: 2 * pad.t + panelH + pad.b, keys: ["train_acc", "test_acc"], max: 1 },
  ];
  canvas.dataset.lossMax = String(panels[0].max);     // the loss panel's scale, for tests
  ctx.font = `${11 * scale}px system-ui, sans-serif`;
  for (const panel of panels) {
    const x = (e) => pad.l + (e / epochs) * (w - pad.l - pad.r);
    const y = (v) => panel.top + panelH - (Math.min(finite(v), panel.max) / panel.max) * panelH;
    ctx.strokeStyle = theme.muted; ctx.lineWidth = scale; ctx.setLineDash([]);
    ctx.beginPath(); ctx.moveTo(pad.l, panel.top); ctx.lineTo(pad.l, panel.top + panelH);
    ctx.lineTo(w - pad.r, panel.top + panelH); ctx.stroke();
    ctx.fillStyle = theme.fg;
    ctx.fillText(panel.title, pad.l + 4 * scale, panel.top - 3 * scale);
    ctx.fillText(panel.max.toPrecision(2).replace(/\.0+$/, ""), 2 * scale, panel.top + 8 * scale);
    ctx.fillText("0", 2 * scale, panel.top + panelH);
    const line = (values, colour, dash, width) => {
      if (!values || !values.length) return;
      ctx.strokeStyle = colour; ctx.lineWidth = width * scale; ctx.setLineDash(dash.map((d) => d * scale));
      ctx.beginPath();
      const step = Math.max(1, Math.floor(values.length / w));      // at most one point a pixel
      for (let e = 0; e < values.length; e += step) {
        if (e === 0) ctx.moveTo(x(e), y(values[e])); else ctx.lineTo(x(e), y(values[e]));
      }
      ctx.lineTo(x(values.length - 1), y(values[values.length - 1]));
      ctx.stroke();
    };
    const [trainKey, testKey] = panel.keys;
    if (ref) line(ref[testKey], theme.fg, [1, 3], 1);
    line(history[trainKey], `rgb(${theme.c0.join(",")})`, [], 2);
    line(history[testKey], `rgb(${theme.c1.join(",")})`, [6, 3], 2);
  }
  ctx.setLineDash([]);
  ctx.fillStyle = theme.fg;
  ctx.fillText(`epoch ${epochs}`, w - pad.r - ctx.measureText(`epoch ${epochs}`).width, h - 2 * scale);
}

// Layer l of `layers`: from class 0's colour, dashed short, to the output in class 1's, solid.
function lineStyle(ctx, l, layers, theme, scale) {
  const f = layers > 1 ? l / (layers - 1) : 1;
  const c = theme.c0.map((v, i) => Math.round((1 - f) * v + f * theme.c1[i]));
  ctx.strokeStyle = `rgb(${c.join(",")})`; ctx.lineWidth = 1.6 * scale;
  ctx.setLineDash(l === layers - 1 ? [] : [2 + 2 * l, 2].map((d) => d * scale));
}

// The gradient chart's legend as a list: each layer's name beside a sample of its line
// (its dash pattern tells the layers apart without colour).
export function gradientLegend(list, names, theme) {
  const scale = window.devicePixelRatio || 1;
  list.replaceChildren(...names.map((name, l) => {
    const sample = document.createElement("canvas");
    sample.width = 28 * scale; sample.height = 8 * scale;
    sample.setAttribute("aria-hidden", "true");
    const ctx = sample.getContext("2d");
    lineStyle(ctx, l, names.length, theme, scale);
    ctx.beginPath(); ctx.moveTo(0, 4 * scale); ctx.lineTo(28 * scale, 4 * scale); ctx.stroke();
    const item = document.createElement("li");
    item.append(sample, ` ${name}`);
    return item;
  }));
}

// The gradient reaching each layer: ‖∂L/∂W‖ per epoch (mean over the epoch's steps) on a
// log scale, one line per layer, from the first layer (class 0's colour, dashed) to the
// output (class 1's colour, solid).
export function drawGradients(canvas, norms, theme) {
  const { ctx, w, h, scale } = fresh(canvas, 150);
  ctx.font = `${11 * scale}px system-ui, sans-serif`;
  ctx.fillStyle = theme.fg;
  const pad = { l: 40 * scale, r: 8 * scale, t: 14 * scale, b: 16 * scale };
  ctx.fillText("gradient norm per layer (log scale)", pad.l + 4 * scale, pad.t - 3 * scale);
  const logs = norms.flat().filter((v) => v > 0).map(Math.log10);
  if (!logs.length) return;
  const lo = Math.floor(Math.min(...logs)), hi = Math.max(lo + 1, Math.ceil(Math.max(...logs)));
  const epochs = Math.max(norms.length, 10);
  const x = (e) => pad.l + (e / epochs) * (w - pad.l - pad.r);
  const y = (v) => pad.t + (1 - (Math.log10(Math.max(v, 10 ** lo)) - lo) / (hi - lo)) * (h - pad.t - pad.b);
  ctx.strokeStyle = theme.muted; ctx.lineWidth = scale; ctx.setLineDash([]);
  ctx.beginPath(); ctx.moveTo(pad.l, pad.t); ctx.lineTo(pad.l, h - pad.b); ctx.lineTo(w - pad.r, h - pad.b); ctx.stroke();
  ctx.fillText(`1e${hi}`, 2 * scale, pad.t + 8 * scale);
  ctx.fillText(`1e${lo}`, 2 * scale, h - pad.b);
  const layers = norms[0].length;
  for (let l = 0; l < layers; l++) {
    lineStyle(ctx, l, layers, theme, scale);
    ctx.beginPath();
    const step = Math.max(1, Math.floor(norms.length / w));
    for (let e = 0; e < norms.length; e += step) {
      if (e === 0) ctx.moveTo(x(e + 1), y(norms[e][l])); else ctx.lineTo(x(e + 1), y(norms[e][l]));
    }
    ctx.lineTo(x(norms.length), y(norms[norms.length - 1][l]));
    ctx.stroke();
  }
  ctx.setLineDash([]);
}
