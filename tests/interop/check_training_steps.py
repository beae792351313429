"""Training steps judged by Keras: each case folder holds model.keras (written by Cornu before training, compiled),
the batch (input_*.npy, target_*.npy), steps.json {"steps": N} and Cornu's weights after N train_on_batch calls on
that batch (trained_*.npy, in model.get_weights() order). Keras loads the model, trains the same N steps and must
end with the same weights: trainable ones moved by the optimizer, and BatchNormalization's moving statistics.

Usage: check_training_steps.py ROOT  (one JSON line per case, see oracle_common)"""
import json
import os
import sys
import warnings

from oracle_common import compare_arrays, emit, failure_text, hello, keras, numbered


def check(folder):
    report = {"case": os.path.basename(folder)}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model = keras.saving.load_model(os.path.join(folder, "model.keras"))
        inputs, targets = numbered(folder, "input"), numbered(folder, "target")
        steps = json.load(open(os.path.join(folder, "steps.json")))["steps"]
        x = inputs[0] if len(inputs) == 1 else inputs
        y = targets[0] if len(targets) == 1 else targets
        for _ in range(steps):
            model.train_on_batch(x, y)
        expected = numbered(folder, "trained")
        got = model.get_weights()
        if len(got) != len(expected):
            report["error"] = f"Keras has {len(got)} weights, Cornu wrote {len(expected)}"
            report["ok"] = False
            return report
        worst, bad = 0.0, []
        for variable, g, e in zip(model.weights, got, expected):
            ok, stats = compare_arrays(e, g)  # Cornu's value judged against Keras's
            worst = max(worst, stats.get("max_rel_err", 0.0))
            if not ok:
                bad.append(f"{variable.path}: {stats}")
        report["max_rel"] = worst
        report["ok"] = not bad
        if bad:
            report["error"] = "; ".join(bad)
    except Exception as exc:  # noqa: BLE001
        report["ok"] = False
        report["error"] = failure_text(exc)
    return report


def main():
    hello("check_training_steps")
    root = sys.argv[1]
    for case in sorted(os.listdir(root)):
        folder = os.path.join(root, case)
        if os.path.isdir(folder):
            keras.backend.clear_session()
            emit(check(folder))


if __name__ == "__main__":
    main()
