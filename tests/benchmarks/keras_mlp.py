"""The same benchmark in Keras 3 (JAX backend, CPU): 784-512-512-10, batch 128, Adam, random data.

Prints {"samples_per_sec": ...} as JSON on its last line. Run by run_mlp_benchmark.sh.
"""
import json
import os
import sys
import time

os.environ.setdefault("KERAS_BACKEND", "jax")
os.environ.setdefault("JAX_PLATFORMS", "cpu")

import numpy as np  # noqa: E402
import keras  # noqa: E402

samples = int(sys.argv[1]) if len(sys.argv) > 1 else 30000
epochs = int(sys.argv[2]) if len(sys.argv) > 2 else 3

keras.utils.set_random_seed(0)
rng = np.random.default_rng(1)
x = rng.random((samples, 784), dtype=np.float32)
y = rng.integers(0, 10, size=samples).astype(np.int32)

model = keras.Sequential([
    keras.Input(shape=(784,)),
    keras.layers.Dense(512, activation="relu"),
    keras.layers.Dense(512, activation="relu"),
    keras.layers.Dense(10, activation="softmax"),
])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(x[: 128 * 20], y[: 128 * 20], batch_size=128, epochs=1, verbose=0)  # compile and warm up
start = time.perf_counter()
model.fit(x, y, batch_size=128, epochs=epochs, verbose=0)
seconds = time.perf_counter() - start
print(json.dumps({"samples_per_sec": samples * epochs / seconds, "keras": keras.__version__,
                  "backend": keras.backend.backend()}))
