"""Keras runs the Python scripts Cornu generates (direction 3) and compares the model each builds with the
.keras file Cornu wrote for the same model.

Usage: check_python_scripts.py CASES_DIR

Each subfolder holds script.py (io::python_script, with a tiny dataset and epochs=1) and model.keras. The script
runs as __main__ in its folder. Its model is the last one fit() was called on (fit is wrapped to note it), else a
global keras.Model. The comparison normalises both configs (see normalise): seeds are dropped (the script seeds
globally, an initializer's seed is not part of the architecture), the root model's name is dropped (a script may
let Keras name it) and DTypePolicy objects become their name. Then the configs must be equal, and count_params
and the compile settings too. Prints one JSON line per case: {"case", "ok", "error", "diff", "count_params"}."""
import contextlib
import io
import json
import os
import runpy
import sys
import warnings

from oracle_common import canonical_loss, canonical_metrics, emit, failure_text, hello, keras


def normalise(value, root=True):
    if isinstance(value, dict):
        if value.get("class_name") == "DTypePolicy" and "config" in value:
            return value["config"].get("name")
        out = {}
        for k, v in value.items():
            if k == "seed" or (root and k == "name"):
                continue
            out[k] = normalise(v, False)
        return out
    if isinstance(value, (list, tuple)):
        return [normalise(v, False) for v in value]
    return value


def first_difference(a, b, path="config"):
    if type(a) is not type(b) and not (isinstance(a, (int, float)) and isinstance(b, (int, float))):
        return f"{path}: {json.dumps(a)[:300]} (script) vs {json.dumps(b)[:300]} (.keras)"
    if isinstance(a, dict):
        for k in sorted(set(a) | set(b)):
            if k not in a or k not in b:
                side = "only in the script's model" if k in a else "only in the .keras file's model"
                return f"{path}.{k}: {side} ({json.dumps(a.get(k, b.get(k)))[:300]})"
            d = first_difference(a[k], b[k], f"{path}.{k}")
            if d:
                return d
        return None
    if isinstance(a, list):
        if len(a) != len(b):
            return f"{path}: {len(a)} entries (script) vs {len(b)} (.keras)"
        for i, (x, y) in enumerate(zip(a, b)):
            d = first_difference(x, y, f"{path}[{i}]")
            if d:
                return d
        return None
    if isinstance(a, float) or isinstance(b, float):
        return None if abs(a - b) <= 1e-6 * max(1.0, abs(b)) else f"{path}: {a} (script) vs {b} (.keras)"
    return None if a == b else f"{path}: {json.dumps(a)} (script) vs {json.dumps(b)} (.keras)"


def run_script(path):
    """Runs the script; returns (model, its stdout tail)."""
    seen = []
    original_fit = keras.Model.fit

    def noting_fit(self, *args, **kwargs):
        seen.append(self)
        return original_fit(self, *args, **kwargs)

    keras.Model.fit = noting_fit
    out = io.StringIO()
    cwd = os.getcwd()
    argv = sys.argv
    try:
        os.chdir(os.path.dirname(path))
        sys.argv = [path]
        with contextlib.redirect_stdout(out), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            globals_after = runpy.run_path(path, run_name="__main__")
    finally:
        keras.Model.fit = original_fit
        os.chdir(cwd)
        sys.argv = argv
    model = seen[-1] if seen else next((v for v in reversed(list(globals_after.values()))
                                        if isinstance(v, keras.Model)), None)
    return model, out.getvalue()[-2000:]


def check_case(folder):
    result = {"ok": False}
    keras.backend.clear_session()
    try:
        model, _ = run_script(os.path.join(folder, "script.py"))
    except SystemExit as exc:
        if exc.code not in (0, None):
            result["error"] = f"script.py exited with {exc.code}"
            return result
        model = None
    except Exception as exc:  # noqa: BLE001
        result["error"] = "script.py: " + failure_text(exc)
        return result
    if model is None:
        result["error"] = "script.py built no keras.Model that it fit or kept in a global"
        return result
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            saved = keras.saving.load_model(os.path.join(folder, "model.keras"), compile=True)
    except Exception as exc:  # noqa: BLE001
        result["error"] = "load_model(model.keras): " + failure_text(exc)
        return result
    result["count_params"] = int(model.count_params())
    problems = []
    diff = first_difference(normalise(model.get_config()), normalise(saved.get_config()))
    if diff:
        result["diff"] = diff
        problems.append("configs differ: " + diff)
    if model.count_params() != saved.count_params():
        problems.append(f"count_params {model.count_params()} (script) vs {saved.count_params()} (.keras)")
    if type(model) is not type(saved):
        problems.append(f"the script builds a {type(model).__name__}, the .keras file holds a {type(saved).__name__}")
    a, b = model.get_compile_config() or {}, saved.get_compile_config() or {}
    if canonical_loss(a.get("loss")) != canonical_loss(b.get("loss")):
        problems.append(f"loss {canonical_loss(a.get('loss'))} (script) vs {canonical_loss(b.get('loss'))} (.keras)")
    if canonical_metrics(a.get("metrics")) != canonical_metrics(b.get("metrics")):
        problems.append(f"metrics {canonical_metrics(a.get('metrics'))} (script) vs "
                        f"{canonical_metrics(b.get('metrics'))} (.keras)")
    if model.optimizer is not None and saved.optimizer is not None:
        if type(model.optimizer) is not type(saved.optimizer):
            problems.append(f"optimizer {type(model.optimizer).__name__} (script) vs "
                            f"{type(saved.optimizer).__name__} (.keras)")
        lr_a = float(keras.ops.convert_to_numpy(model.optimizer.learning_rate))
        lr_b = float(keras.ops.convert_to_numpy(saved.optimizer.learning_rate))
        # The script has trained: a schedule moved on, a constant rate did not.
        if abs(lr_a - lr_b) > 1e-6 * abs(lr_b) and not isinstance(saved.optimizer._learning_rate,
                                                                   keras.optimizers.schedules.LearningRateSchedule):
            problems.append(f"learning rate {lr_a} (script) vs {lr_b} (.keras)")
    if problems:
        result["error"] = "; ".join(problems)
    result["ok"] = not problems
    return result


def main():
    hello("check_python_scripts")
    root = sys.argv[1]
    for case in sorted(os.listdir(root)):
        folder = os.path.join(root, case)
        if os.path.isdir(folder):
            emit({"case": case, **check_case(folder)})


if __name__ == "__main__":
    main()
