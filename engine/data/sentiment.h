// A generated sentiment set: short English reviews built from templates, labelled positive or negative, as
// integer word sequences for an Embedding. The label hangs on word order, not on word counts: "not" flips the
// adjective after it, and after "but" the second clause decides ("the plot was dull but the acting was
// great" is positive), so a bag of words cannot solve it and a recurrent model can.
#pragma once
#include <string>
#include <vector>

#include "data/builtin_datasets.h"

namespace cornu::data {

DatasetEntry sentiment_dataset();

// The words in index order; index 0 is the padding (""), so an Embedding takes input_dim = size().
const std::vector<std::string>& sentiment_vocabulary();
// `samples` reviews from `seed`: x float32 (N, maxlen) word indices, padded with 0 at the end; y int32 (N,)
// 1 = positive. Half of each class, shuffled. Sentences longer than maxlen are not generated (maxlen >= 16).
ArrayDataset make_sentiment(int64_t samples, int64_t maxlen, uint64_t seed);
// The words of a row of x, for display and tests ("the plot was not good").
std::string sentiment_text(const Tensor& x, int64_t row);

}  // namespace cornu::data
