// The datasets behind the layer demos: character windows from a text file (text_characters), generated
// reviews (sentiment) and generated images with numbers (shapes_and_numbers); and text sampled from a
// character model.
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>

#include "core/error.h"
#include "data/builtin_datasets.h"
#include "data/sentiment.h"
#include "data/shapes_and_numbers.h"
#include "data/text_characters.h"
#include "demos/text_sampling.h"
#include "model/layers_api.h"

using namespace cornu;
using namespace cornu::data;

namespace {

// Each call writes a new file, so an earlier path keeps its text.
std::string write_text(const QTemporaryDir& dir, const std::string& text) {
  static int written = 0;
  const std::string path = dir.path().toStdString() + "/text" + std::to_string(++written) + ".txt";
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

}  // namespace

class TestDemoDatasets : public QObject {
  Q_OBJECT
 private slots:
  void text_windows_and_their_next_character() {
    QTemporaryDir dir;
    const std::string path = write_text(dir, "Abc\nbcd\r\n");  // lowercased, \r dropped: "abc\nbcd\n"
    Config choice = {{"name", "text_characters"}, {"path", path}, {"maxlen", 3}, {"step", 1}, {"test_fraction", 0.2}};
    TrainTest d = load_dataset(choice);
    // Every character of the text, in code point order: "\n", a, b, c, d.
    QCOMPARE(d.class_names, (std::vector<std::string>{"\u23CE", "a", "b", "c", "d"}));
    // 5 windows ("abc"->\n, "bc\n"->b, "c\nb"->c, "\nbc"->d, "bcd"->\n); every 5th is a test sample.
    QCOMPARE(d.train.x.shape(), Shape({4, 3, 5}));
    QCOMPARE(d.test.x.shape(), Shape({1, 3, 5}));
    QCOMPARE(d.train.y.to_int_vector(), (std::vector<int32_t>{0, 2, 3, 4}));
    QCOMPARE(d.test.y.to_int_vector(), (std::vector<int32_t>{0}));
    const std::vector<float> first = d.train.x.slice_rows(0, 1).to_vector();  // "abc" one-hot
    QCOMPARE(first, (std::vector<float>{0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0}));
    DatasetInfo info = dataset_info(choice);
    QCOMPARE(info.sample_shape, Shape({3, 5}));
    QCOMPARE(info.classes, 5);
    QCOMPARE(info.class_names, d.class_names);

    // Indices for an Embedding; a given vocabulary drops the lines with other characters.
    choice["encoding"] = "indices";
    choice["vocabulary"] = "\nabc";
    d = load_dataset(choice);  // "abc\n" only: one window
    QCOMPARE(d.train.x.shape(), Shape({1, 3}));
    QCOMPARE(d.train.x.to_vector(), (std::vector<float>{1, 2, 3}));
    QCOMPARE(d.train.y.to_int_vector(), (std::vector<int32_t>{0}));
    QCOMPARE(dataset_info(choice).sample_shape, Shape({3}));

    // max_samples spreads the windows over the whole text.
    const std::string long_path = write_text(dir, std::string(100, 'a') + std::string(100, 'b'));
    d = load_dataset({{"name", "text_characters"}, {"path", long_path}, {"maxlen", 2}, {"step", 1}, {"max_samples", 20}});
    QCOMPARE(d.train.x.rows() + d.test.x.rows(), int64_t(20));
    QVERIFY(d.train.y.to_int_vector().back() == 1);  // a window from the "b" half

    QVERIFY_THROWS_EXCEPTION(ValueError, load_dataset({{"name", "text_characters"}, {"path", path}, {"maxlen", 50}}));
    QVERIFY_THROWS_EXCEPTION(ValueError, dataset_info({{"name", "text_characters"}, {"path", path}, {"vocabulary", "aa"}}));
    QVERIFY_THROWS_EXCEPTION(IoError, load_dataset({{"name", "text_characters"}, {"path", write_text(dir, "a\xff\xfe")}}));
  }

  void utf8_round_trips() {
    const std::string text = "na\xc3\xafve \xe2\x82\xac \xf0\x9f\x98\x80";  // naïve € 😀
    const std::u32string points = utf8_to_code_points(text, "test");
    QCOMPARE(points.size(), size_t(9));
    QCOMPARE(points[2], char32_t(0xEF));
    QCOMPARE(code_points_to_utf8(points), text);
    QVERIFY_THROWS_EXCEPTION(IoError, utf8_to_code_points("\xc3", "test"));
  }

  void the_word_list_if_installed() {
    if (!std::filesystem::exists(kDefaultTextPath)) QSKIP("No /usr/share/dict/words (apt-get install wamerican)");
    Config choice = {{"name", "text_characters"}, {"maxlen", 20}, {"max_samples", 1000}, {"vocabulary", "\nabcdefghijklmnopqrstuvwxyz'"}};
    TrainTest d = load_dataset(choice);
    QCOMPARE(d.train.x.shape(), Shape({900, 20, 28}));
    QCOMPARE(dataset_info(choice).sample_shape, Shape({20, 28}));
  }

  void sentiment_reviews_are_deterministic_balanced_and_order_dependent() {
    const auto& vocabulary = sentiment_vocabulary();
    QCOMPARE(vocabulary.front(), std::string());
    QCOMPARE(std::set<std::string>(vocabulary.begin(), vocabulary.end()).size(), vocabulary.size());
    ArrayDataset a = make_sentiment(400, 16, 3), b = make_sentiment(400, 16, 3);
    QCOMPARE(a.x.to_vector(), b.x.to_vector());
    QCOMPARE(a.x.shape(), Shape({400, 16}));
    QVERIFY(a.x.to_vector() != make_sentiment(400, 16, 4).x.to_vector());
    const std::vector<int32_t> y = a.y.to_int_vector();
    QCOMPARE(std::count(y.begin(), y.end(), 1), 200L);
    int with_but = 0, with_not = 0;
    for (int64_t i = 0; i < 400; ++i) {
      const std::string text = sentiment_text(a.x, i);
      QVERIFY2(!text.empty(), "an empty review");
      with_but += text.find(" but ") != std::string::npos;
      with_not += text.find(" not ") != std::string::npos;
      // A single-clause review with a plain adjective: the label follows the words.
      if (text == "the movie was good") QCOMPARE(y[static_cast<size_t>(i)], 1);
      if (text == "the movie was not good") QCOMPARE(y[static_cast<size_t>(i)], 0);
    }
    QVERIFY2(with_but > 50 && with_not > 50, (std::to_string(with_but) + " " + std::to_string(with_not)).c_str());
    // Padding at the end: each row is words, then zeros.
    const std::vector<float> x = a.x.to_vector();
    for (int64_t i = 0; i < 400; ++i)
      for (int64_t t = 1; t < 16; ++t)
        if (x[static_cast<size_t>(i * 16 + t - 1)] == 0) QCOMPARE(x[static_cast<size_t>(i * 16 + t)], 0.0f);
    TrainTest d = load_dataset({{"name", "sentiment"}, {"samples", 100}, {"test_samples", 50}});
    QCOMPARE(d.train.x.shape(), Shape({100, 16}));
    QCOMPARE(d.test.x.shape(), Shape({50, 16}));
    QCOMPARE(dataset_info({{"name", "sentiment"}}).classes, 2);
  }

  void shapes_and_numbers_for_two_inputs_and_two_outputs() {
    MultiArrayDataset m = make_shapes_and_numbers(300, 1);
    QCOMPARE(m.x.size(), size_t(2));
    QCOMPARE(m.y.size(), size_t(2));
    QCOMPARE(m.x[0].shape(), Shape({300, 16, 16, 1}));
    QCOMPARE(m.x[1].shape(), Shape({300, 4}));
    QCOMPARE(m.y[0].shape(), Shape({300}));
    QCOMPARE(m.y[1].shape(), Shape({300, 1}));
    const std::vector<int32_t> classes = m.y[0].to_int_vector();
    for (int k = 0; k < 3; ++k) QCOMPARE(std::count(classes.begin(), classes.end(), k), 100L);
    QCOMPARE(m.x[0].to_vector(), make_shapes_and_numbers(300, 1).x[0].to_vector());
    // The quantity is size / 4 * numbers[0] + numbers[1] with size 3..7: within the bounds that implies.
    const std::vector<float> q = m.y[1].to_vector(), n = m.x[1].to_vector();
    for (size_t i = 0; i < 300; ++i) {
      const float size = (q[i] - n[i * 4 + 1]) / n[i * 4] * 4.0f;
      QVERIFY2(size > 2.99f && size < 7.01f && std::abs(size - std::round(size)) < 1e-3f, std::to_string(size).c_str());
    }
    // A filled square has more ink than the outline of one.
    const std::vector<float> images = m.x[0].to_vector();
    double ink[3] = {0, 0, 0};
    for (size_t i = 0; i < 300; ++i)
      for (size_t p = 0; p < 256; ++p) ink[classes[i]] += images[i * 256 + p];
    QVERIFY(ink[0] > ink[1]);
  }

  void samples_text_at_several_temperatures() {
    QTemporaryDir dir;
    std::string text;
    for (int i = 0; i < 40; ++i) text += "cat\ndog\n";
    const Config dataset = {{"name", "text_characters"}, {"path", write_text(dir, text)}, {"maxlen", 4}, {"step", 1}};
    using namespace cornu::layers;
    set_random_seed(1);
    Sequential model;
    model.add(Input(Shape{4, 7}));  // "\ncadgot"
    model.add(Flatten());
    model.add(Dense(7, "softmax"));
    model.compile({{"class_name", "Adam"}, {"config", {{"learning_rate", 0.05}}}}, "sparse_categorical_crossentropy");
    TrainTest d = load_dataset(dataset);
    model.fit(d.train.x, d.train.y, {.epochs = 30, .batch_size = 16, .verbose = 0});
    TextSampleOptions options;
    options.temperatures = {0.1, 1.0};
    options.length = 24;
    options.seed_text = "cat";  // padded to "\ncat"
    const std::vector<TextSample> samples = sample_text(model, dataset, options);
    QCOMPARE(samples.size(), size_t(2));
    QCOMPARE(samples[0].seed, std::string("\ncat"));
    // Cold, the learned pattern: the text goes on with the next words of the list.
    QCOMPARE(samples[0].generated, std::string("\ndog\ncat\ndog\ncat\ndog\ncat"));
    QCOMPARE(samples[1].generated.size(), size_t(24));
    QCOMPARE(sample_text(model, dataset, options)[1].generated, samples[1].generated);  // deterministic

    options.seed_text = "cab";
    QVERIFY_THROWS_EXCEPTION(ValueError, sample_text(model, dataset, options));
    options.seed_text = "";
    QCOMPARE(sample_text(model, dataset, options)[0].seed.size(), size_t(4));
    QVERIFY_THROWS_EXCEPTION(ValueError, sample_text(model, {{"name", "spirals"}}, options));
    Config other = dataset;
    other["maxlen"] = 5;
    QVERIFY_THROWS_EXCEPTION(ValueError, sample_text(model, other, options));
    QCOMPARE(parse_temperatures("0.2,0.5,1.0"), (std::vector<double>{0.2, 0.5, 1.0}));
    QVERIFY_THROWS_EXCEPTION(ValueError, parse_temperatures("0.2,x"));
    QVERIFY_THROWS_EXCEPTION(ValueError, parse_temperatures("0"));
  }
};

QTEST_APPLESS_MAIN(TestDemoDatasets)
#include "test_demo_datasets.moc"
