"""What the interop oracle scripts share: Keras set up for the JAX backend on the CPU, array comparison,
and compile settings reduced to a canonical form (Keras spells one loss several ways: "mse",
"mean_squared_error", the function itself, MeanSquaredError()).

Every script prints one JSON object a line on stdout: first {"keras_version": ...}, then one per case. Keras's
own chatter goes to stderr."""
import json
import os
import re
import sys

os.environ.setdefault("KERAS_BACKEND", "jax")
os.environ.setdefault("JAX_PLATFORMS", "cpu")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import keras  # noqa: E402

RTOL = 1e-5
# The absolute floor, relative to the largest expected magnitude: values near zero come from cancellations,
# where float32 summation order alone moves the result by a few ulps of the terms, not of the sum.
ATOL_SCALE = 1e-6


def emit(obj):
    print(json.dumps(obj, default=str), flush=True)


def hello(script):
    import jax
    emit({"keras_version": keras.__version__, "backend": keras.backend.backend(), "jax_version": jax.__version__,
          "script": script})


def compare_arrays(got, expected):
    """(ok, stats): |got - expected| <= RTOL * |expected| + ATOL_SCALE * max(1, max |expected|), elementwise."""
    got = np.asarray(got, dtype=np.float64)
    expected = np.asarray(expected, dtype=np.float64)
    if got.shape != expected.shape:
        return False, {"error": f"shape {list(got.shape)} but expected {list(expected.shape)}"}
    if got.size == 0:
        return True, {"max_abs_err": 0.0, "max_rel_err": 0.0}
    if not np.all(np.isfinite(got)):
        return False, {"error": "non-finite values in the output"}
    diff = np.abs(got - expected)
    atol = ATOL_SCALE * max(1.0, float(np.max(np.abs(expected))))
    bound = RTOL * np.abs(expected) + atol
    worst = int(np.argmax(diff / bound))
    stats = {"max_abs_err": float(np.max(diff)),
             "max_rel_err": float(np.max(diff / np.maximum(np.abs(expected), atol / RTOL))),
             "worst_index": list(np.unravel_index(worst, diff.shape)) if diff.ndim else [],
             "worst_got": float(got.flat[worst]), "worst_expected": float(expected.flat[worst])}
    stats["worst_index"] = [int(i) for i in stats["worst_index"]]
    return bool(np.all(diff <= bound)), stats


def numbered(folder, prefix):
    """prefix_0.npy, prefix_1.npy... in order."""
    out = []
    while os.path.exists(os.path.join(folder, f"{prefix}_{len(out)}.npy")):
        out.append(np.load(os.path.join(folder, f"{prefix}_{len(out)}.npy")))
    return out


def predict(model, inputs):
    """The model in inference mode (Dropout and noise off) on these inputs, as NumPy arrays. A direct call:
    model.predict would compile an XLA function, seconds a model."""
    x = inputs[0] if len(inputs) == 1 else list(inputs)
    y = model(x, training=False)
    y = list(y) if isinstance(y, (list, tuple)) else [y]
    return [np.asarray(keras.ops.convert_to_numpy(t)) for t in y]


def snake(name):
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()


_ALIASES = {"acc": "accuracy", "mse": "mean_squared_error", "mae": "mean_absolute_error",
            "mape": "mean_absolute_percentage_error", "msle": "mean_squared_logarithmic_error",
            "bce": "binary_crossentropy", "kld": "kl_divergence", "kullback_leibler_divergence": "kl_divergence",
            "logcosh": "log_cosh", "huber_loss": "huber"}
_DEFAULT_KEYS = {"name": None, "reduction": "sum_over_batch_size", "dtype": None}


def canonical_entry(obj):
    """A loss or metric, as given to compile() or as Keras deserialised it, as a comparable value."""
    if obj is None:
        return None
    if isinstance(obj, str):
        return _ALIASES.get(obj, obj)
    if callable(obj) and not hasattr(obj, "get_config"):
        return canonical_entry(getattr(obj, "__name__", str(obj)))
    if hasattr(obj, "get_config"):  # a Loss or Metric instance
        return canonical_entry({"class_name": type(obj).__name__, "config": obj.get_config()})
    if isinstance(obj, dict) and "class_name" in obj:
        if obj["class_name"] == "function" or obj.get("registered_name") == "function":
            return canonical_entry(obj["config"])
        config = {k: v for k, v in (obj.get("config") or {}).items()
                  if k not in _DEFAULT_KEYS and k != "fn"}
        name = canonical_entry(snake(obj["class_name"]))
        return name if not config else {"name": name, "config": config}
    if isinstance(obj, dict):
        return {k: canonical_entry(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [canonical_entry(v) for v in obj]
    return obj


def canonical_loss(value):
    value = canonical_entry(value)
    if isinstance(value, list) and len(value) == 1:
        return value[0]
    return value


def canonical_metrics(value):
    value = canonical_entry(value)
    if value in (None, [], [[]]):
        return []
    if isinstance(value, list) and len(value) == 1 and isinstance(value[0], list):
        return value[0]
    return value


def check_compile(model, expected):
    """Differences between the loaded model's compile settings and `expected` ({"optimizer": {"class_name",
    "learning_rate"}, "loss", "metrics", "loss_weights"}); [] when they agree. expected == {} means uncompiled."""
    problems = []
    if not expected:
        if getattr(model, "optimizer", None) is not None and model.compiled:
            problems.append("the model came back compiled but Cornu's was not")
        return problems
    if not getattr(model, "compiled", False) or model.optimizer is None:
        return ["the model came back uncompiled"]
    config = model.get_compile_config() or {}
    opt = expected.get("optimizer")
    if opt:
        want = type(keras.optimizers.get(opt["class_name"])).__name__
        got = type(model.optimizer).__name__
        if got != want:
            problems.append(f"optimizer {got}, expected {want}")
        if "learning_rate" in opt:
            lr = float(keras.ops.convert_to_numpy(model.optimizer.learning_rate))
            if abs(lr - opt["learning_rate"]) > 1e-6 * abs(opt["learning_rate"]):
                problems.append(f"learning rate {lr}, expected {opt['learning_rate']}")
    got_loss, want_loss = canonical_loss(config.get("loss")), canonical_loss(expected.get("loss"))
    if got_loss != want_loss:
        problems.append(f"loss {json.dumps(got_loss)}, expected {json.dumps(want_loss)}")
    got_m, want_m = canonical_metrics(config.get("metrics")), canonical_metrics(expected.get("metrics"))
    if got_m != want_m:
        problems.append(f"metrics {json.dumps(got_m)}, expected {json.dumps(want_m)}")
    want_w = expected.get("loss_weights") or None
    got_w = config.get("loss_weights") or None
    if want_w is not None and (got_w is None or
                               not np.allclose(np.asarray(list(got_w.values()) if isinstance(got_w, dict) else got_w, float),
                                               np.asarray(want_w, float))):
        problems.append(f"loss_weights {got_w}, expected {want_w}")
    return problems


def failure_text(exc):
    """The last line of Keras's message, with the exception type: what a report quotes."""
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text[:2000]}"
