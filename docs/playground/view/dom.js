// h(tag, attrs, ...children): an element; "text" sets textContent (never HTML), true
// sets an empty attribute, false/null/undefined leave it out.
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "text") el.textContent = v;
    else if (v !== false && v !== null && v !== undefined) el.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children) el.append(c);
  return el;
}

// Numbers as the texts show them, and a trainer's state in one sentence.
export const fmt = (v) => (Number.isFinite(v) ? (Math.abs(v) >= 0.01 || v === 0 ? v.toFixed(3) : v.toExponential(1)) : String(v));
export const pct = (v) => (Number.isNaN(v) ? "none (no points)" : `${(100 * v).toFixed(1)}%`);
export function summary(trainer) {
  // The network the trainer holds: after early stopping, that of the best epoch.
  const hh = trainer.history, e = trainer.stopped ? trainer.stopped.best : trainer.epoch;
  // Accuracy is NaN only for a set without points (a diverged run keeps a number), and
  // then its loss is no loss at all rather than "NaN".
  const loss = (acc, v) => (Number.isNaN(acc) ? "none" : fmt(v));
  return `Epoch ${e}: test accuracy ${pct(hh.test_acc[e])}, test loss ${loss(hh.test_acc[e], hh.test_loss[e])}; ` +
    `training accuracy ${pct(hh.train_acc[e])}, training loss ${loss(hh.train_acc[e], hh.train_loss[e])}.`;
}
