#include "cli_sample.h"

#include <cstdio>

#include "core/error.h"
#include "demos/text_sampling.h"

#ifdef CORNU_WITH_NODES
#include "nodes/compile.h"
#include "nodes/project.h"
#endif

namespace cornu::cli {

#ifdef CORNU_WITH_NODES
int command_sample(const SampleRequest& request) {
  if (request.project.empty())
    throw ValueError("sample: name the trained project, e.g. `cornu sample text-lstm.cornu --temperature 0.5`.");
  TextSampleOptions options;
  options.temperatures = parse_temperatures(request.temperatures);
  options.length = request.length;
  options.seed_text = request.seed_text;
  const nodes::ProjectData project = nodes::load_project(request.project);
  options.random_seed = project.settings.seed;
  ModelPtr model = nodes::build_model(project);
  if (!nodes::load_project_weights(request.project, *model))
    throw ValueError("'" + request.project + "' has no trained weights yet (" + nodes::weights_path_for(request.project) +
                     "): train it first with `cornu train " + request.project + "`.");
  const std::vector<TextSample> samples = sample_text(*model, project.settings.dataset, options);
  std::printf("Seed: \"%s\"\n", samples.front().seed.c_str());
  for (const TextSample& s : samples)
    std::printf("\n----- temperature %g\n%s%s\n", s.temperature, s.seed.c_str(), s.generated.c_str());
  return 0;
}
#else
int command_sample(const SampleRequest&) {
  throw ValueError("This build of Cornu reads no project files (it was built without Qt, -DCORNU_WITH_GUI=OFF), so it "
                   "cannot sample a project's model.");
}
#endif

}  // namespace cornu::cli
