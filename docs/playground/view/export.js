// Export: the current run as JSON in the build's format (nonlinear-playground-run/1, as
// gen/lib/playground/nn.py:export() writes it), the decision regions as a PNG, and a link
// to rebuild.py, which rebuilds the network in numpy and prints its test accuracy.
// mountExport(line, playground, canvas, say) appends the controls to the element `line`.

const SCRIPT = new URL("../rebuild.py", import.meta.url).href;

function save(blob, name) {
  const a = Object.assign(document.createElement("a"), { href: URL.createObjectURL(blob), download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

// The run as nn.py's export(): settings with the epoch count, data split into training
// and test points, initial and current weights ({shape: [fan_in, fan_out], W row-major, b}),
// the history, and where early stopping stopped ({epoch, best}: the weights are best's).
export function runJSON(trainer) {
  const { state, points, epoch, history } = trainer;
  const pairs = (from, to) => Array.from({ length: to - from }, (_, i) =>
    [points.X[2 * (from + i)], points.X[2 * (from + i) + 1]]);
  const layers = (net) => net.map((L) => ({ shape: [L.nin, L.nout], W: Array.from(L.W), b: Array.from(L.b) }));
  const n = points.y.length;
  return {
    format: "nonlinear-playground-run/1",
    title: `playground, ${state.data}, ${state.act}, epoch ${epoch}`,
    state: { ...state, epochs: epoch },
    data: { X_train: pairs(0, points.k), y_train: Array.from(points.y.subarray(0, points.k)),
      X_test: pairs(points.k, n), y_test: Array.from(points.y.subarray(points.k)) },
    initial: layers(trainer.initial),
    final: layers(trainer.net),
    history,
    stopped: trainer.stopped || null,
  };
}

export function mountExport(line, playground, canvas, say) {
  const button = (text, onClick) => {
    const b = Object.assign(document.createElement("button"), { type: "button", className: "nlp-button", textContent: text });
    b.addEventListener("click", onClick);
    return b;
  };
  const name = () => `playground-${playground.state.data}-${playground.state.act}-epoch${playground.trainer.epoch}`;
  const json = button("Download weights (JSON)", () => {
    save(new Blob([JSON.stringify(runJSON(playground.trainer))], { type: "application/json" }), `${name()}.json`);
    const { epoch, stopped } = playground.trainer;
    say(stopped ? `Weights of epoch ${stopped.best} (early stopping put them back) and history to epoch ${epoch} downloaded as JSON.`
      : `Weights and history at epoch ${epoch} downloaded as JSON.`);
  });
  const png = button("Download boundary (PNG)", () => {
    canvas.toBlob((blob) => {
      if (blob) { save(blob, `${name()}.png`); say("Decision regions downloaded as PNG."); } else say("The picture could not be made.");
    }, "image/png");
  });
  const script = Object.assign(document.createElement("a"), { href: SCRIPT, download: "rebuild.py", textContent: "Python script (rebuild.py)" });
  line.append(json, png, script);
}
