// `cornu sample PROJECT.cornu [--temperature 0.2,0.5,1.0] [--length 200] [--seed TEXT]`: text written by a
// character model the project trained on its text_characters dataset (demos/text_sampling.h), one passage
// per temperature.
#pragma once
#include <string>

namespace cornu::cli {

struct SampleRequest {
  std::string project;
  std::string temperatures = "0.2,0.5,1.0";
  long long length = 200;
  std::string seed_text;
};

int command_sample(const SampleRequest& request);

}  // namespace cornu::cli
