// Each dataset of the data registry as a Keras user would load it: NumPy for IDX, CSV and .npy/.npz files,
// h5py for HDF5, keras.utils for image folders, and NumPy twins of Cornu's generated teaching sets. The
// parameters are the project's; the code is kept short enough to edit.
#include <map>

#include "data/fashion_mnist.h"
#include "io/python_writer.h"

namespace cornu::io::python {
namespace {

using Lines = std::vector<std::string>;

// `text` split into lines, each {key} replaced by its value.
Lines fill(std::string text, const std::map<std::string, std::string>& values) {
  for (const auto& [key, value] : values)
    for (size_t at = text.find(key); at != std::string::npos; at = text.find(key, at + value.size()))
      text.replace(at, key.size(), value);
  Lines lines;
  for (size_t start = 0, end; start < text.size(); start = end + 1) {
    end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    lines.push_back(text.substr(start, end - start));
  }
  return lines;
}

std::string str(const Config& c, const char* key) { return string_literal(c.at(key).get<std::string>()); }
std::string num(const Config& c, const char* key) { return literal(c.at(key)); }
std::string seed_plus_one(const Config& c) { return std::to_string(c.at("seed").get<uint64_t>() + 1); }

constexpr const char* kLoadIdx = R"(def load_idx(path):
    """An IDX file (the format of MNIST) as a NumPy array, gzipped or not."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    dtype = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}[data[2]]
    rank = data[3]
    dims = struct.unpack(">" + "I" * rank, data[4 : 4 + 4 * rank])
    return np.frombuffer(data, dtype=dtype, offset=4 + 4 * rank).reshape(dims)

)";

constexpr const char* kSplitAndLabels = R"(def split_test(x, y, test_fraction, seed):
    """Holds out a shuffled test_fraction of the samples (Cornu's rule; the rows it picks may differ)."""
    order = np.random.default_rng(seed).permutation(len(x))
    test_count = int(round(len(x) * test_fraction))
    test, train = order[:test_count], order[test_count:]
    return x[train], y[train], x[test], y[test]


def as_labels(y):
    """Integers are class numbers (int32, shape (N,)); floats are regression targets."""
    if np.issubdtype(y.dtype, np.integer):
        return y.reshape(len(y)).astype("int32")
    return y.astype("float32")

)";

Lines fashion_mnist(const Config& c) {
  return fill(std::string(R"(# Fashion-MNIST from the IDX files of Debian's dataset-fashion-mnist package (CORNU_FASHION_MNIST_DIR
# overrides the folder, as in Cornu). Without them, Keras downloads the same data:
#   (x_train, y_train), (x_test, y_test) = keras.datasets.fashion_mnist.load_data()
FASHION_MNIST_DIR = os.environ.get("CORNU_FASHION_MNIST_DIR") or {dir}


)") + kLoadIdx + R"(
def idx_file(stem):
    """<stem>.gz in FASHION_MNIST_DIR, else the unpacked <stem>."""
    packed = os.path.join(FASHION_MNIST_DIR, stem + ".gz")
    return packed if os.path.exists(packed) else os.path.join(FASHION_MNIST_DIR, stem)


x_train = load_idx(idx_file("train-images-idx3-ubyte")).astype("float32") / 255.0
y_train = load_idx(idx_file("train-labels-idx1-ubyte")).astype("int32")
x_test = load_idx(idx_file("t10k-images-idx3-ubyte")).astype("float32") / 255.0
y_test = load_idx(idx_file("t10k-labels-idx1-ubyte")).astype("int32"))",
              {{"{dir}", str(c, "dir")}});
}

Lines idx_files(const Config& c) {
  const bool test = !c.at("test_images").get<std::string>().empty();
  std::string code = std::string(kLoadIdx) + "\n" + kSplitAndLabels + R"(
x_train = load_idx({train_images}).astype("float32")
y_train = as_labels(load_idx({train_labels})))";
  code += test ? R"(
x_test = load_idx({test_images}).astype("float32")
y_test = as_labels(load_idx({test_labels})))"
               : "\nx_train, y_train, x_test, y_test = split_test(x_train, y_train, {fraction}, {seed})";
  return fill(code, {{"{train_images}", str(c, "train_images")}, {"{train_labels}", str(c, "train_labels")},
                     {"{test_images}", str(c, "test_images")}, {"{test_labels}", str(c, "test_labels")},
                     {"{fraction}", num(c, "test_fraction")}, {"{seed}", num(c, "seed")}});
}

Lines csv_file(const Config& c) {
  const std::string delimiter = c.at("delimiter").get<std::string>();
  const std::string header = c.at("header").get<std::string>(), label = c.at("label_column").get<std::string>();
  const bool index = !label.empty() && label.find_first_not_of("0123456789") == std::string::npos;
  std::string code = std::string(kSplitAndLabels) + R"(
def is_number(cell):
    try:
        float(cell)
        return True
    except ValueError:
        return False


def load_csv(path):
    """The feature columns (float32) and the label cells of a CSV file (.csv or .csv.gz)."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", newline="") as f:
        rows = [[cell.strip() for cell in row] for row in csv.reader(f, delimiter={delimiter}) if any(row)]
    has_header = {has_header}
    header, rows = (rows[0], rows[1:]) if has_header else (None, rows)
    width = len(header or rows[0])
    label = {label}
    x, labels = [], []
    for line, row in enumerate(rows, start=2 if has_header else 1):
        features = row[:label] + row[label + 1 :]
        if len(row) != width or not all(is_number(cell) for cell in features):
            {bad_row}
        x.append([float(cell) for cell in features])
        labels.append(row[label])
    return np.array(x, dtype="float32"), labels


def encode_labels(train, test, mode={labels}):
    """auto: whole numbers are classes, other numbers regression targets, text class names (sorted)."""
    cells = train + test
    numbers = all(is_number(cell) for cell in cells)
    if mode == "regression" or (mode == "auto" and numbers and not all(float(c).is_integer() for c in cells)):
        return np.array(train, dtype="float32"), np.array(test, dtype="float32")
    if mode == "auto" and numbers:
        return np.array(train, dtype="float64").astype("int32"), np.array(test, dtype="float64").astype("int32")
    index = {name: i for i, name in enumerate(sorted(set(train)))}
    return np.array([index[c] for c in train], dtype="int32"), np.array([index[c] for c in test], dtype="int32")


x_train, train_labels = load_csv({path})
)";
  code += c.at("test_path").get<std::string>().empty()
              ? "y_all, _ = encode_labels(train_labels, [])\n"
                "x_train, y_train, x_test, y_test = split_test(x_train, y_all, {fraction}, {seed})"
              : "x_test, test_labels = load_csv({test_path})\ny_train, y_test = encode_labels(train_labels, test_labels)";
  return fill(code, {{"{delimiter}", string_literal(delimiter == "tab" ? "\t" : delimiter == "space" ? " " : delimiter)},
                     {"{has_header}", header == "auto" ? "not all(is_number(cell) for cell in rows[0])"
                                                       : header == "yes" ? "True" : "False"},
                     {"{label}", label.empty() ? "width - 1" : index ? label.substr(0, 9) : "header.index(" + string_literal(label) + ")"},
                     {"{bad_row}", c.at("bad_rows") == "skip" ? "continue  # bad_rows: skip"
                                                              : "raise ValueError(\"%s, line %d: not a row of numbers: %s\" % (path, line, row))"},
                     {"{labels}", str(c, "labels")}, {"{path}", str(c, "path")}, {"{test_path}", str(c, "test_path")},
                     {"{fraction}", num(c, "test_fraction")}, {"{seed}", num(c, "seed")}});
}

Lines numpy_file(const Config& c) {
  return fill(std::string(kSplitAndLabels) + R"(
arrays = np.load({path})
if hasattr(arrays, "files") and "x_train" in arrays.files:  # an .npz as keras.datasets saves them
    x_train, y_train, x_test, y_test = (arrays[k] for k in ("x_train", "y_train", "x_test", "y_test"))
else:  # an .npz of x and y, or an .npy of features with its labels beside it
    x, y = (arrays["x"], arrays["y"]) if hasattr(arrays, "files") else (arrays, np.load({labels_path}))
    x_train, y_train, x_test, y_test = split_test(x, y, {fraction}, {seed})
x_train, x_test = x_train.astype("float32"), x_test.astype("float32")
y_train, y_test = as_labels(y_train), as_labels(y_test))",
              {{"{path}", str(c, "path")}, {"{labels_path}", str(c, "labels_path")},
               {"{fraction}", num(c, "test_fraction")}, {"{seed}", num(c, "seed")}});
}

Lines hdf5_file(const Config& c) {
  const bool test = !c.at("x_test").get<std::string>().empty();
  std::string code = std::string(kSplitAndLabels) + R"(
with h5py.File({path}, "r") as f:
    x_train, y_train = f[{x}][()].astype("float32"), as_labels(f[{y}][()]))";
  code += test ? "\n    x_test, y_test = f[{x_test}][()].astype(\"float32\"), as_labels(f[{y_test}][()])"
               : "\nx_train, y_train, x_test, y_test = split_test(x_train, y_train, {fraction}, {seed})";
  return fill(code, {{"{path}", str(c, "path")}, {"{x}", str(c, "x")}, {"{y}", str(c, "y")},
                     {"{x_test}", str(c, "x_test")}, {"{y_test}", str(c, "y_test")},
                     {"{fraction}", num(c, "test_fraction")}, {"{seed}", num(c, "seed")}});
}

Lines image_folder(const Config& c) {
  std::string code = std::string(kSplitAndLabels) + R"(
def load_image_folder(folder):
    """One subfolder of images per class (sorted by name, as in Cornu), resized and scaled to [0, 1].
    image_dataset_from_directory reads through tf.data: it needs TensorFlow installed, whatever the backend."""
    images = keras.utils.image_dataset_from_directory(
        folder, label_mode="int", color_mode={color_mode}, image_size=({height}, {width}), batch_size=None, shuffle=False
    )
    pairs = list(images.as_numpy_iterator())
    x = np.stack([image for image, _ in pairs]).astype("float32") / 255.0
    y = np.array([label for _, label in pairs], dtype="int32")
    return (x[..., 0] if x.shape[-1] == 1 else x), y  # grayscale samples are (height, width), as in Cornu


x_train, y_train = load_image_folder({path})
)";
  code += c.at("test_path").get<std::string>().empty()
              ? "x_train, y_train, x_test, y_test = split_test(x_train, y_train, {fraction}, {seed})"
              : "x_test, y_test = load_image_folder({test_path})";
  return fill(code, {{"{color_mode}", str(c, "color_mode")}, {"{height}", num(c, "height")}, {"{width}", num(c, "width")},
                     {"{path}", str(c, "path")}, {"{test_path}", str(c, "test_path")},
                     {"{fraction}", num(c, "test_fraction")}, {"{seed}", num(c, "seed")}});
}

// The NumPy twin of a generated set: its generator function, then the train and test calls (test: seed + 1).
Lines generated(const std::string& name, const Config& c) {
  static const std::map<std::string, std::pair<std::string, std::string>> makers = {
      {"spirals", {R"(def make_spirals(samples, noise, rng):
    """Two interleaved spirals of 1.75 turns each in [-1, 1]^2; the classes alternate."""
    labels = np.arange(samples) % 2
    t = (np.arange(samples) // 2) / np.where(labels == 0, (samples + 1) // 2, samples // 2)
    angle = 1.75 * 2 * np.pi * t + labels * np.pi
    x = np.stack([t * np.cos(angle), t * np.sin(angle)], axis=1) + rng.normal(0, noise, (samples, 2))
    return x.astype("float32"), labels.astype("int32"))", "{noise}"}},
      {"xor", {R"(def make_xor(samples, noise, rng):
    """Four clusters around (+-0.5, +-0.5); class 1 where the signs differ."""
    centres = np.array([[0.5, 0.5], [0.5, -0.5], [-0.5, -0.5], [-0.5, 0.5]])
    cluster = np.arange(samples) % 4
    x = centres[cluster] + rng.normal(0, noise, (samples, 2))
    return x.astype("float32"), (cluster % 2).astype("int32"))", "{noise}"}},
      {"moons", {R"(def make_moons(samples, noise, rng):
    """Two interleaving half circles, as scikit-learn's make_moons."""
    upper, lower = samples // 2, samples - samples // 2
    a, b = np.linspace(0, np.pi, upper), np.linspace(0, np.pi, lower)
    x = np.concatenate([np.stack([np.cos(a), np.sin(a)], 1), np.stack([1 - np.cos(b), 0.5 - np.sin(b)], 1)])
    x += rng.normal(0, noise, x.shape)
    y = np.repeat([0, 1], [upper, lower])
    order = rng.permutation(samples)
    return x[order].astype("float32"), y[order].astype("int32"))", "{noise}"}},
      {"circles", {R"(def make_circles(samples, noise, factor, rng):
    """A ring (class 0) around a circle of radius factor (class 1), as scikit-learn's make_circles."""
    outer, inner = samples // 2, samples - samples // 2
    a = np.linspace(0, 2 * np.pi, outer, endpoint=False)
    b = np.linspace(0, 2 * np.pi, inner, endpoint=False)
    x = np.concatenate([np.stack([np.cos(a), np.sin(a)], 1), factor * np.stack([np.cos(b), np.sin(b)], 1)])
    x += rng.normal(0, noise, x.shape)
    y = np.repeat([0, 1], [outer, inner])
    order = rng.permutation(samples)
    return x[order].astype("float32"), y[order].astype("int32"))", "{noise}, {factor}"}},
      {"blobs", {R"(def make_blobs(samples, centres, cluster_std, rng):
    """Gaussian blobs, one class each, as scikit-learn's make_blobs."""
    y = np.arange(samples) % len(centres)
    x = centres[y] + rng.normal(0, cluster_std, (samples, 2))
    return x.astype("float32"), y.astype("int32")


# The train and test sets share the centres, drawn in [-10, 10]^2 from the seed.
centres = np.random.default_rng({seed}).uniform(-10, 10, ({centers}, 2)))", "centres, {cluster_std}"}},
      {"sine", {R"(def make_sine(samples, noise, frequency, rng):
    """y = sin(frequency * x) + noise for x uniform in [-pi, pi]: regression, one input, one target."""
    x = rng.uniform(-np.pi, np.pi, (samples, 1))
    y = np.sin(frequency * x) + rng.normal(0, noise, (samples, 1))
    return x.astype("float32"), y.astype("float32"))", "{noise}, {frequency}"}}};
  const auto& [function, args] = makers.at(name);
  const std::string call = "make_" + name + "({samples}, " + args + ", np.random.default_rng({seed}))";
  std::string test_call = call;
  test_call.replace(test_call.find("{samples}"), 9, "{test_samples}");
  test_call.replace(test_call.rfind("{seed}"), 6, seed_plus_one(c));
  std::map<std::string, std::string> values = {{"{samples}", num(c, "samples")},
                                               {"{test_samples}", num(c, "test_samples")}, {"{seed}", num(c, "seed")}};
  for (const char* key : {"noise", "factor", "centers", "cluster_std", "frequency"})
    if (c.contains(key)) values["{" + std::string(key) + "}"] = num(c, key);
  return fill("# Cornu's generated \"" + name + "\" set, written in NumPy with the same parameters: the problem is the\n"
              "# same, the points differ (another random generator).\n" + function + "\n\n\nx_train, y_train = " +
              call + "\nx_test, y_test = " + test_call, values);
}

}  // namespace

Lines dataset_loader(const std::string& name, const Config& c) {
  if (name == "fashion-mnist") return fashion_mnist(c);
  if (name == "idx") return idx_files(c);
  if (name == "csv") return csv_file(c);
  if (name == "numpy") return numpy_file(c);
  if (name == "hdf5") return hdf5_file(c);
  if (name == "image-folder") return image_folder(c);
  if (name == "spirals" || name == "xor" || name == "moons" || name == "circles" || name == "blobs" || name == "sine")
    return generated(name, c);
  return {};
}

Lines normalization_code(const std::string& mode) {
  if (mode == "scale")
    return fill(R"(
# normalization "scale", fitted on the training set: 8-bit pixels / 255, other values min-max to [0, 1]
# (per column for tables, over all values otherwise).
if np.all((x_train >= 0) & (x_train <= 255) & (x_train == np.floor(x_train))):
    x_train, x_test = x_train / 255.0, x_test / 255.0
else:
    axis = 0 if x_train.ndim == 2 else None
    low, high = x_train.min(axis=axis), x_train.max(axis=axis)
    spread = np.where(high > low, high - low, 1.0)
    x_train, x_test = (x_train - low) / spread, (x_test - low) / spread
x_train, x_test = x_train.astype("float32"), x_test.astype("float32"))", {});
  if (mode == "standardize")
    return fill(R"(
# normalization "standardize": mean 0 and standard deviation 1 per feature, fitted on the training set.
mean, std = x_train.mean(axis=0), x_train.std(axis=0)
std = np.where(std > 0, std, 1.0)
x_train, x_test = ((x_train - mean) / std).astype("float32"), ((x_test - mean) / std).astype("float32"))", {});
  return {};
}

}  // namespace cornu::io::python
