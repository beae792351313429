"""bench_layers in Keras 3 (JAX backend, CPU) or PyTorch (CPU): the same models, batches and random data.

Usage: layers_reference.py keras|torch cnn|lstm SAMPLES EPOCHS
Prints {"samples_per_sec": ...} as JSON on its last line. Run by run_layer_benchmarks.sh.
"""
import json
import os
import sys
import time

framework, model_name = sys.argv[1], sys.argv[2]
samples, epochs = int(sys.argv[3]), int(sys.argv[4])
os.environ.setdefault("KERAS_BACKEND", "jax")
os.environ.setdefault("JAX_PLATFORMS", "cpu")

import numpy as np  # noqa: E402

rng = np.random.default_rng(1)
shape, batch = ((28, 28, 1), 64) if model_name == "cnn" else ((64, 64), 32)
x = rng.random((samples, *shape), dtype=np.float32)
y = rng.integers(0, 10, size=samples).astype(np.int64)
warm = min(samples, batch * 10)


def keras_run():
    import keras

    keras.utils.set_random_seed(0)
    if model_name == "cnn":
        layers = [
            keras.layers.Conv2D(32, 3, activation="relu"),
            keras.layers.MaxPooling2D(2),
            keras.layers.Conv2D(64, 3, activation="relu"),
            keras.layers.MaxPooling2D(2),
            keras.layers.Flatten(),
            keras.layers.Dropout(0.5),
            keras.layers.Dense(10, activation="softmax"),
        ]
    else:
        layers = [keras.layers.LSTM(128), keras.layers.Dense(10, activation="softmax")]
    model = keras.Sequential([keras.Input(shape=shape), *layers])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(x[:warm], y[:warm], batch_size=batch, epochs=1, verbose=0)  # compile and warm up
    start = time.perf_counter()
    model.fit(x, y, batch_size=batch, epochs=epochs, verbose=0)
    return time.perf_counter() - start, {"keras": keras.__version__, "backend": keras.backend.backend()}


def torch_run():
    import torch
    from torch import nn

    torch.manual_seed(0)
    torch.set_num_threads(os.cpu_count() or 1)  # every core, as OpenBLAS and XLA use
    if model_name == "cnn":
        model = nn.Sequential(
            nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.Dropout(0.5), nn.Linear(1600, 10))
        data = torch.from_numpy(np.ascontiguousarray(x.transpose(0, 3, 1, 2)))  # PyTorch is channels first
    else:
        class LastStep(nn.Module):
            def __init__(self):
                super().__init__()
                self.lstm, self.dense = nn.LSTM(64, 128, batch_first=True), nn.Linear(128, 10)

            def forward(self, inputs):
                return self.dense(self.lstm(inputs)[0][:, -1])

        model = LastStep()
        data = torch.from_numpy(x)
    labels = torch.from_numpy(y)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()  # softmax + crossentropy, as Keras's Dense(softmax) + sparse CE

    def epoch(n):
        model.train()
        order = torch.randperm(n)
        for start in range(0, n, batch):
            rows = order[start:start + batch]
            optimizer.zero_grad()
            loss_fn(model(data[rows]), labels[rows]).backward()
            optimizer.step()

    epoch(warm)
    start = time.perf_counter()
    for _ in range(epochs):
        epoch(samples)
    return time.perf_counter() - start, {"torch": torch.__version__, "threads": torch.get_num_threads()}


seconds, about = keras_run() if framework == "keras" else torch_run()
print(json.dumps({"samples_per_sec": samples * epochs / seconds, **about}))
