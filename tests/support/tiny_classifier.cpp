// tiny_classifier: writes a fresh (untrained) tiny video classifier to a
// folder, as finetune_step would write a trained one, for tests and
// benchmarks of the live graphs:
//
//   tiny_classifier DIR [classes]      # width 4, one block per stage
#include <cstdio>
#include <cstdlib>
#include <exception>

#include "libs/model/classifier.h"

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: tiny_classifier DIR [classes]\n");
    return 2;
  }
  try {
    avflow::model::ClassifierOptions options;
    options.modality = "video";
    options.encoder.width = 4;
    options.encoder.blocks = {1, 1, 1, 1};
    options.classes = argc > 2 ? std::atoi(argv[2]) : 3;
    avflow::model::Classifier classifier(options);
    avflow::model::save_classifier(classifier, argv[1]);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "tiny_classifier: %s\n", e.what());
    return 1;
  }
  return 0;
}
