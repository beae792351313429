"""Writes the small Keras-made fixtures read by tests/unit/test_keras_files.cpp.

    KERAS_BACKEND=jax /work/main/build/bench-venv/bin/python tests/data/keras/make_fixtures.py

Each model is saved by Keras itself (keras 3.15.1, jax backend) as .keras and .h5, with its input and
Keras's predictions as .npy beside it. keras2_sequential.h5 imitates a tf.keras 2.15 file (fixed-length
NULLPAD name attributes, "dense/kernel:0" weight names, batch_input_shape); Keras 3 cannot write one, so it is
written with h5py and its predictions computed with numpy. The files are committed: rerun only to change them.
"""
import io
import json
import os
import zipfile

os.environ.setdefault("KERAS_BACKEND", "jax")
import h5py  # noqa: E402
import keras  # noqa: E402
import numpy as np  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
print("keras", keras.__version__, "backend", keras.backend.backend())
keras.utils.set_random_seed(7)


def out(name):
    return os.path.join(HERE, name)


def save(model, stem, inputs):
    model.save(out(stem + ".keras"))
    model.save(out(stem + ".h5"))
    preds = model.predict(inputs if len(inputs) > 1 else inputs[0], verbose=0)
    preds = preds if isinstance(preds, list) else [preds]
    for i, x in enumerate(inputs):
        np.save(out(f"{stem}_x{i}.npy"), x.astype(np.float32))
    for i, y in enumerate(preds):
        np.save(out(f"{stem}_y{i}.npy"), np.asarray(y, dtype=np.float32))


rng = np.random.default_rng(7)

# 1. Sequential, compiled.
seq = keras.Sequential([keras.Input((4,), name="x"), keras.layers.Dense(3, activation="relu", name="hidden"),
                        keras.layers.Dense(2, activation="softmax", name="probs")], name="seq")
seq.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss="categorical_crossentropy",
            metrics=["accuracy"])
seq_x = rng.normal(size=(5, 4)).astype(np.float32)
save(seq, "sequential", [seq_x])

# 2. Functional with two inputs, two outputs and a nested Sequential (uncompiled).
a = keras.Input((4,), name="a")
b = keras.Input((3,), name="b")
h = keras.layers.Dense(3, activation="tanh", name="fc")(a)
h = keras.layers.Dropout(0.1)(h)
h = keras.layers.Concatenate(name="join")([h, b])
inner = keras.Sequential([keras.Input((6,)), keras.layers.Dense(2, name="inner_d"), keras.layers.Activation("relu")],
                         name="inner")
y1 = inner(h)
y2 = keras.layers.Dense(1, name="out2")(h)
fun = keras.Model([a, b], [y1, y2], name="fun")
save(fun, "functional", [rng.normal(size=(5, 4)).astype(np.float32), rng.normal(size=(5, 3)).astype(np.float32)])

# 3. The Sequential archive again with deflated members, and with ZIP64 records.
with zipfile.ZipFile(out("sequential.keras")) as z:
    members = [(i.filename, z.read(i.filename)) for i in z.infolist()]
with zipfile.ZipFile(out("sequential_deflated.keras"), "w", zipfile.ZIP_DEFLATED) as z:
    for name, data in members:
        z.writestr(name, data)
with zipfile.ZipFile(out("sequential_zip64.keras"), "w", zipfile.ZIP_STORED) as z:
    for name, data in members:
        with z.open(name, "w", force_zip64=True) as f:
            f.write(data)
with zipfile.ZipFile(out("escaping_member.keras"), "w", zipfile.ZIP_DEFLATED) as z:  # refused by Cornu
    for name, data in members:
        z.writestr(name, data)
    z.writestr("../evil.txt", b"outside")
for stem in ("sequential_deflated", "sequential_zip64"):  # Keras itself must read them
    np.testing.assert_allclose(keras.saving.load_model(out(stem + ".keras")).predict(seq_x, verbose=0),
                               np.load(out("sequential_y0.npy")), rtol=1e-6)

# 4. A tf.keras 2.15-style .h5, written with h5py.
w1 = rng.normal(size=(4, 3)).astype(np.float32)
b1 = rng.normal(size=(3,)).astype(np.float32)
w2 = rng.normal(size=(3, 2)).astype(np.float32)
b2 = rng.normal(size=(2,)).astype(np.float32)


def dense2(name, units, activation, first):
    config = {"name": name, "trainable": True, "dtype": "float32", "units": units, "activation": activation,
              "use_bias": True,
              "kernel_initializer": {"class_name": "GlorotUniform", "config": {"seed": None}},
              "bias_initializer": {"class_name": "Zeros", "config": {}},
              "kernel_regularizer": None, "bias_regularizer": None, "activity_regularizer": None,
              "kernel_constraint": None, "bias_constraint": None}
    if first:
        config = {"name": name, "trainable": True, "batch_input_shape": [None, 4], **config}
    return {"class_name": "Dense", "config": config}


model_config = {"class_name": "Sequential", "config": {"name": "sequential", "layers": [
    {"class_name": "InputLayer", "config": {"batch_input_shape": [None, 4], "dtype": "float32", "sparse": False,
                                            "ragged": False, "name": "dense_input"}},
    dense2("dense", 3, "relu", True), dense2("dense_1", 2, "softmax", False)]}}
training_config = {"loss": "mse", "metrics": None, "weighted_metrics": None, "loss_weights": None,
                   "optimizer_config": {"class_name": "SGD", "config": {
                       "name": "SGD", "learning_rate": 0.05, "momentum": 0.0, "nesterov": False}}}
with h5py.File(out("keras2_sequential.h5"), "w") as f:
    f.attrs["keras_version"] = b"2.15.0"
    f.attrs["backend"] = b"tensorflow"
    f.attrs["model_config"] = json.dumps(model_config).encode()
    f.attrs["training_config"] = json.dumps(training_config).encode()
    g = f.create_group("model_weights")
    g.attrs["layer_names"] = np.array([b"dense", b"dense_1"])  # fixed-length, NULLPAD
    g.attrs["backend"] = b"tensorflow"
    g.attrs["keras_version"] = b"2.15.0"
    for name, (w, b) in (("dense", (w1, b1)), ("dense_1", (w2, b2))):
        lg = g.create_group(name)
        lg.attrs["weight_names"] = np.array([f"{name}/kernel:0".encode(), f"{name}/bias:0".encode()])
        lg.create_dataset(f"{name}/kernel:0", data=w)
        lg.create_dataset(f"{name}/bias:0", data=b)
k2_x = rng.normal(size=(5, 4)).astype(np.float32)
hidden = np.maximum(k2_x @ w1 + b1, 0)
logits = hidden @ w2 + b2
k2_y = np.exp(logits - logits.max(axis=1, keepdims=True))
k2_y /= k2_y.sum(axis=1, keepdims=True)
np.save(out("keras2_sequential_x0.npy"), k2_x)
np.save(out("keras2_sequential_y0.npy"), k2_y.astype(np.float32))
with h5py.File(out("keras2_sequential.h5")) as f:
    assert f["model_weights"].attrs.get_id("layer_names").get_type().get_strpad() == h5py.h5t.STR_NULLPAD
print("fixtures written to", HERE)
