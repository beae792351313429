"""Writes the Keras 3 configs that tests/unit/test_keras_config.cpp reads (model.get_config() as saved in
.keras files, plus compile_config). Run with the interop venv: KERAS_BACKEND=jax python make_configs.py"""
import json
import os

os.environ.setdefault("KERAS_BACKEND", "jax")
import keras
from keras import layers


def save(name, model):
    config = keras.saving.serialize_keras_object(model)
    config["compile_config"] = model.get_compile_config() if model.compiled else {}
    with open(name + ".json", "w") as f:
        json.dump(config, f, indent=1, sort_keys=True)
        f.write("\n")


keras.utils.set_random_seed(1)
# A functional model with two inputs, two outputs, a shared layer, a merge and a nested Functional model.
a = keras.Input((4,), name="a")
b = keras.Input((4,), name="b")
shared = layers.Dense(3, activation="tanh", name="shared")
inner_in = keras.Input((6,), name="inner_in")
inner = keras.Model(inner_in, layers.Dense(2, name="inner_dense")(inner_in), name="inner")
merged = layers.Concatenate(name="concat")([shared(a), shared(b)])
out1 = inner(merged)
out2 = layers.Dense(1, activation="sigmoid", kernel_initializer=keras.initializers.HeNormal(seed=7), name="p")(merged)
m = keras.Model([a, b], [out1, out2], name="two_heads")
m.compile(optimizer=keras.optimizers.SGD(0.05, momentum=0.9), loss=["mse", "binary_crossentropy"],
          metrics=[["mae"], ["accuracy"]], loss_weights=[1.0, 0.5])
save("functional_shared_nested", m)

s = keras.Sequential([keras.Input((8,)), layers.Dense(5, activation="relu", name="h"), layers.Dropout(0.25),
                      layers.Dense(3, activation="softmax", name="out")], name="mlp")
s.compile(optimizer="adam", loss=keras.losses.CategoricalCrossentropy(label_smoothing=0.1), metrics=["accuracy"])
save("sequential_mlp", s)
