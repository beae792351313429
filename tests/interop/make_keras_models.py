"""Keras makes models for Cornu to read (direction 2): builds each, trains it a few seeded steps or draws its
weights at random (so biases, PReLU slopes and BatchNormalization moving statistics are non-trivial), and
saves it.

Usage: make_keras_models.py OUT_DIR [NAME...]   (no names: every model in MODELS)

For each model OUT_DIR/NAME/ holds model.h5, model.keras, input_0.npy..., expected_0.npy... (Keras's predictions
on those inputs) and info.json: {"count_params", "trainable_params", "classes" (every layer class used, nested
models included), "compile" (the compile() settings, in compile.json's form)}. Prints {"case", "ok", ...} per
model. Add a model here when a layer family lands in Cornu; the C++ test checks every model whose classes Cornu
registers and lists the others as not yet supported."""
import json
import os
import sys
import warnings

import numpy as np

from oracle_common import emit, failure_text, hello, keras, predict

L = keras.layers


def mlp_sequential():
    model = keras.Sequential([keras.Input((8,), name="features"), L.Dense(16, activation="relu", name="hidden"),
                              L.Dropout(0.25, name="drop"), L.Dense(3, activation="softmax", name="probs")],
                             name="mlp")
    compile_args = {"optimizer": {"class_name": "Adam", "learning_rate": 0.01},
                    "loss": "sparse_categorical_crossentropy", "metrics": ["accuracy"]}
    return model, compile_args


def two_inputs_two_outputs():
    a, b = keras.Input((6,), name="a"), keras.Input((4,), name="b")
    ha = L.Dense(8, activation="tanh", name="da")(a)
    hb = L.Dense(8, activation="sigmoid", name="db")(b)
    h = L.Concatenate(name="cat")([ha, hb])
    cls = L.Dense(3, activation="softmax", name="cls")(h)
    reg = L.Dense(2, name="reg")(L.Add(name="sum")([ha, hb]))
    model = keras.Model([a, b], [cls, reg], name="two_by_two")
    compile_args = {"optimizer": {"class_name": "RMSprop", "learning_rate": 0.005},
                    "loss": ["categorical_crossentropy", "mean_squared_error"], "loss_weights": [1.0, 0.5],
                    "metrics": [["accuracy"], ["mean_absolute_error"]]}
    return model, compile_args


def shared_and_merges():
    a, b = keras.Input((5,), name="left"), keras.Input((5,), name="right")
    shared = L.Dense(5, activation="tanh", name="shared")
    sa, sb = shared(a), shared(b)
    merged = [L.Add(name="add")([sa, sb]), L.Subtract(name="sub")([sa, sb]), L.Multiply(name="mul")([sa, sb]),
              L.Average(name="avg")([sa, sb]), L.Maximum(name="max")([sa, sb]), L.Minimum(name="min")([sa, sb]),
              L.Dot(axes=1, normalize=True, name="cos")([sa, sb]), L.Dot(axes=1, name="dot")([a, b])]
    h = L.Concatenate(name="all")(merged)
    out = L.Dense(1, activation="sigmoid", name="out")(h)
    model = keras.Model([a, b], out, name="merges")
    compile_args = {"optimizer": {"class_name": "SGD", "learning_rate": 0.1},
                    "loss": "binary_crossentropy", "metrics": ["accuracy"]}
    return model, compile_args


def activations_chain():
    model = keras.Sequential([keras.Input((6,)), L.Dense(12, name="d1"), L.ReLU(max_value=6.0, negative_slope=0.1, name="relu"),
                              L.Dense(12, name="d2"), L.LeakyReLU(negative_slope=0.2, name="leaky"),
                              L.Dense(12, name="d3"), L.PReLU(name="prelu"), L.ELU(alpha=0.7, name="elu"),
                              L.Activation("gelu", name="gelu"), L.Dense(4, name="d4"), L.Softmax(name="softmax")],
                             name="activations")
    compile_args = {"optimizer": {"class_name": "Adam", "learning_rate": 0.02},
                    "loss": "categorical_crossentropy", "metrics": ["accuracy"]}
    return model, compile_args


def reshapes_and_noise():
    x = keras.Input((12,), name="flat")
    h = L.Reshape((3, 4), name="grid")(x)
    h = L.Permute((2, 1), name="swap")(h)
    h = L.Flatten(name="flatten")(h)
    h = L.GaussianNoise(0.1, name="noise")(h)
    h = L.Dense(4, activation="relu", name="d")(h)
    h = L.ActivityRegularization(l1=0.01, l2=0.01, name="actreg")(h)
    h = L.RepeatVector(3, name="repeat")(h)
    h = L.Flatten(name="flatten2")(h)
    out = L.Dense(2, name="out")(h)
    model = keras.Model(x, out, name="reshapes")
    compile_args = {"optimizer": {"class_name": "Adam", "learning_rate": 0.01}, "loss": "mean_absolute_error",
                    "metrics": ["mean_squared_error"]}
    return model, compile_args


def nested_model():
    inner = keras.Sequential([keras.Input((4,)), L.Dense(6, activation="relu", name="inner_d1"),
                              L.Dense(4, name="inner_d2")], name="block")
    x = keras.Input((4,), name="x")
    h = inner(x)
    out = L.Dense(1, name="head")(L.Add(name="residual")([x, h]))
    model = keras.Model(x, out, name="outer")
    compile_args = {"optimizer": {"class_name": "SGD", "learning_rate": 0.05}, "loss": "mean_squared_error"}
    return model, compile_args


def uncompiled():
    model = keras.Sequential([keras.Input((3,)), L.Dense(2, activation="tanh", name="only")], name="bare")
    return model, None


# --- families Cornu does not register yet: checked as soon as it does ---
def batch_norm():
    model = keras.Sequential([keras.Input((5,)), L.Dense(8, name="d"), L.BatchNormalization(name="bn"),
                              L.Activation("relu"), L.Dense(2, name="out")], name="bn_mlp")
    return model, {"optimizer": {"class_name": "Adam", "learning_rate": 0.05}, "loss": "mean_squared_error"}


def conv2d():
    model = keras.Sequential([keras.Input((8, 8, 2)), L.Conv2D(3, 3, padding="same", activation="relu", name="c1"),
                              L.MaxPooling2D(2, name="pool"), L.Conv2D(4, 2, strides=2, name="c2"),
                              L.GlobalAveragePooling2D(name="gap"), L.Dense(3, activation="softmax", name="out")],
                             name="cnn")
    return model, {"optimizer": {"class_name": "Adam", "learning_rate": 0.01},
                   "loss": "sparse_categorical_crossentropy", "metrics": ["accuracy"]}


def recurrent():
    x = keras.Input((5, 3), name="seq")
    h = L.LSTM(4, return_sequences=True, name="lstm")(x)
    h = L.GRU(3, name="gru")(h)
    out = L.Dense(2, name="out")(h)
    model = keras.Model(x, out, name="rnn")
    return model, {"optimizer": {"class_name": "Adam", "learning_rate": 0.01}, "loss": "mean_squared_error"}


def embedding_layernorm():
    x = keras.Input((6,), dtype="int32", name="tokens")
    h = L.Embedding(20, 4, name="emb")(x)
    h = L.LayerNormalization(name="ln")(h)
    h = L.GlobalAveragePooling1D(name="pool")(h)
    out = L.Dense(2, activation="softmax", name="out")(h)
    model = keras.Model(x, out, name="tokens_model")
    return model, {"optimizer": {"class_name": "Adam", "learning_rate": 0.01},
                   "loss": "sparse_categorical_crossentropy"}


MODELS = {f.__name__: f for f in [mlp_sequential, two_inputs_two_outputs, shared_and_merges, activations_chain,
                                   reshapes_and_noise, nested_model, uncompiled, batch_norm, conv2d, recurrent,
                                   embedding_layernorm]}


def layer_classes(model):
    out = set()
    for layer in model.layers:
        if isinstance(layer, keras.Model):  # nested: its layers count, the model classes are not layers
            out |= layer_classes(layer)
        elif not isinstance(layer, L.InputLayer):
            out.add(type(layer).__name__)
    return out


def random_like(tensor, rng, n):
    shape = (n,) + tuple(tensor.shape[1:])
    if "int" in str(tensor.dtype):
        return rng.integers(0, 20, size=shape).astype("int32")
    return rng.normal(size=shape).astype("float32")


def targets(model, rng, n, loss):
    ys = []
    losses = loss if isinstance(loss, list) else [loss] * len(model.outputs)
    for out, lo in zip(model.outputs, losses):
        units = out.shape[-1]
        if lo == "sparse_categorical_crossentropy":
            ys.append(rng.integers(0, units, size=(n,)).astype("int32"))
        elif lo in ("categorical_crossentropy", "binary_crossentropy"):
            ys.append(np.eye(units, dtype="float32")[rng.integers(0, units, size=n)] if units > 1
                      else rng.integers(0, 2, size=(n, 1)).astype("float32"))
        else:
            ys.append(rng.normal(size=(n,) + tuple(out.shape[1:])).astype("float32"))
    return ys


# Trained for a few seeded steps (fit's XLA compilation costs seconds a model); the others get random weights
# at once, which is as good a test of reading them.
TRAINED = {"mlp_sequential", "batch_norm"}


def randomize_weights(model, rng):
    """Every weight drawn at random, non-trivially (biases, PReLU slopes, BatchNormalization statistics too)."""
    values = []
    for w in model.weights:
        shape = tuple(w.shape)
        if "moving_variance" in w.path:
            values.append(rng.uniform(0.5, 2.0, size=shape))
        elif "int" in str(w.dtype):
            values.append(np.zeros(shape))
        else:
            values.append(0.5 * rng.normal(size=shape))
    for w, v in zip(model.weights, values):
        w.assign(v.astype(str(w.dtype)))


def make(name, out_dir):
    keras.backend.clear_session()
    keras.utils.set_random_seed(7)
    model, compile_args = MODELS[name]()
    rng = np.random.default_rng(11)
    if compile_args:
        opt = compile_args["optimizer"]
        optimizer = keras.optimizers.get({"class_name": opt["class_name"],
                                          "config": {"learning_rate": opt["learning_rate"]}})
        model.compile(optimizer=optimizer, loss=compile_args["loss"], metrics=compile_args.get("metrics"),
                      loss_weights=compile_args.get("loss_weights"))
    if name in TRAINED:
        x = [random_like(t, rng, 32) for t in model.inputs]
        y = targets(model, rng, 32, compile_args["loss"])
        model.fit(x if len(x) > 1 else x[0], y if len(y) > 1 else y[0], batch_size=8, epochs=1, verbose=0)
    else:
        randomize_weights(model, rng)
    folder = os.path.join(out_dir, name)
    os.makedirs(folder, exist_ok=True)
    inputs = [random_like(t, rng, 5) for t in model.inputs]
    outputs = predict(model, inputs)
    for i, a in enumerate(inputs):
        np.save(os.path.join(folder, f"input_{i}.npy"), a)
    for i, a in enumerate(outputs):
        np.save(os.path.join(folder, f"expected_{i}.npy"), np.asarray(a, dtype="float32"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.save(os.path.join(folder, "model.keras"))
        model.save(os.path.join(folder, "model.h5"))
    info = {"count_params": int(model.count_params()),
            "trainable_params": int(sum(np.prod(w.shape) for w in model.trainable_weights)),
            "classes": sorted(layer_classes(model)), "compile": compile_args or {}}
    with open(os.path.join(folder, "info.json"), "w") as f:
        json.dump(info, f)
    with open(os.path.join(folder, "compile.json"), "w") as f:
        json.dump(compile_args or {}, f)
    return info


def main():
    hello("make_keras_models")
    out_dir = sys.argv[1]
    for name in sys.argv[2:] or list(MODELS):
        try:
            info = make(name, out_dir)
            emit({"case": name, "ok": True, **info})
        except Exception as exc:  # noqa: BLE001
            emit({"case": name, "ok": False, "error": failure_text(exc)})


if __name__ == "__main__":
    main()
